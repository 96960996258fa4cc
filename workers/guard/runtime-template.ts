/** Generated from runtime.js by generate-browser-scripts.mjs: do not edit by hand. */
/** The SHA-256 (base64url) of the text the scripts Worker serves as runtime.js. */
export const RUNTIME_SOURCE_TEXT_SHA256 = "TEU0QvXK72wL5Sg5GZ10mxcYV9D40BUAgVp_r3s7n-4";
/** The version hash's state after the text before the table (textHash in guard-runtime.ts). */
export const RUNTIME_PREFIX_HASH: readonly [number, number] = [3646095319, 4084518293];
/** The text between the table and the denied purposes, and after them. */
export const RUNTIME_BETWEEN = ",";
export const RUNTIME_END = ");\n";
