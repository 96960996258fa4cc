/**
 * Copies consent-sdk.js into consent-sdk-source.ts as a string, because neither wrangler's bundler
 * nor the vitest workers pool can import a plain file as text without extra configuration.
 * Run `node workers/sdk/generate-sdk-source.mjs` after editing the SDK; test/sdk checks the copy.
 */
import { readFileSync, writeFileSync } from "node:fs";

const source = readFileSync(new URL("./consent-sdk.js", import.meta.url), "utf8");
// A template literal keeps the source readable in the copy; only \, ` and ${ need escaping.
const literal = source.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
const module = `/** Generated from consent-sdk.js by generate-sdk-source.mjs: do not edit by hand. */
export const CONSENT_SDK_SOURCE = \`${literal}\`;
`;
writeFileSync(new URL("./consent-sdk-source.ts", import.meta.url), module);
