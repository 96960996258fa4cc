/**
 * Builds the string modules of the two scripts the worker serves to browsers from their files of
 * record: sdk/consent-sdk-source.ts from sdk/consent-sdk.js (/consent.js) and guard/runtime-source.ts
 * from guard/runtime.js (/v1/guard/runtime.js). esbuild minifies each (comments and whitespace
 * stripped, local names shortened, syntax compacted), keeping ES2019, and each result becomes a
 * string module, because neither wrangler's bundler nor the vitest workers pool can import a plain
 * file as text without extra configuration. Each module also carries the SHA-256 of the readable
 * source, so a test inside the workers pool (which cannot run esbuild) notices a stale copy.
 * Those two modules are bundled into the scripts Worker (workers/scripts/), not the main one: the main
 * Worker reads each text once per isolate through its SCRIPTS service binding, and bundles only the
 * small template modules written here too (sdk/consent-sdk-template.ts, guard/runtime-template.ts):
 * each text's SHA-256, checked on arrival, and for the runtime what its version hash needs, so a
 * guarded page names the runtime without the text being fetched.
 * Run `npm run scripts:build` after editing either; `--check` exits 1 when a copy is not current.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { transform } from "esbuild";

// Both are minified in full: shortening local names took about 1 KiB (the runtime) and 1.5 KiB (the
// SDK) off the Worker's script gzipped, and as much off each page's download. What sites call (the
// SDK's window.consentEdge and its methods) and the globals both read are properties, never renamed.
const SCRIPTS = [
	{
		source: "sdk/consent-sdk.js",
		target: "sdk/consent-sdk-source.ts",
		name: "CONSENT_SDK_SOURCE",
		template: "sdk/consent-sdk-template.ts",
		file: "consent-sdk.js",
	},
	{
		source: "guard/runtime.js",
		target: "guard/runtime-source.ts",
		name: "RUNTIME_SOURCE",
		template: "guard/runtime-template.ts",
		file: "runtime.js",
	},
];
/** guard-runtime.ts's placeholders: the runtime's text ends `(window,document,TABLE,DENY);`. */
const TABLE_PLACEHOLDER = "__CONSENT_EDGE_RUNTIME_TABLE__";
const DENY_PLACEHOLDER = "__CONSENT_EDGE_RUNTIME_DENY__";

async function minified(source) {
	const { code } = await transform(source, {
		loader: "js",
		target: "es2019",
		minify: true,
		legalComments: "none",
		charset: "utf8",
	});
	return code;
}

export async function scriptSourceModule(source, { source: from, name }) {
	const code = await minified(source);
	// A template literal needs only \, ` and ${ escaped.
	const literal = code.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
	const sha256 = createHash("sha256").update(source).digest("hex");
	const file = from.slice(from.lastIndexOf("/") + 1);
	return `/** Generated from ${file} by generate-browser-scripts.mjs: do not edit by hand. */
export const ${name}_SHA256 = "${sha256}";
export const ${name} = \`${literal}\`;
`;
}

/** guard-runtime.ts's textHash over `text`, from its two starting offsets: its state after `text`. */
function fnvState(text) {
	let a = 0x811c9dc5;
	let b = 0x01000193;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x01000193);
	}
	return [a >>> 0, b >>> 0];
}

/** The main Worker's share of a script: the text's SHA-256 and, for the runtime, its version's state. */
export async function scriptTemplateModule(source, { source: from, name, file }) {
	const code = await minified(source);
	const file0 = from.slice(from.lastIndexOf("/") + 1);
	let out = `/** Generated from ${file0} by generate-browser-scripts.mjs: do not edit by hand. */
/** The SHA-256 (base64url) of the text the scripts Worker serves as ${file}. */
export const ${name}_TEXT_SHA256 = "${createHash("sha256").update(code).digest("base64url")}";
`;
	if (name === "RUNTIME_SOURCE") {
		const at = code.indexOf(TABLE_PLACEHOLDER);
		const between = code.slice(at + TABLE_PLACEHOLDER.length, code.indexOf(DENY_PLACEHOLDER));
		const end = code.slice(code.indexOf(DENY_PLACEHOLDER) + DENY_PLACEHOLDER.length);
		if (at < 0 || code.split(TABLE_PLACEHOLDER).length !== 2 || code.split(DENY_PLACEHOLDER).length !== 2) {
			throw new Error("runtime.js must name each placeholder once, the table first");
		}
		out += `/** The version hash's state after the text before the table (textHash in guard-runtime.ts). */
export const RUNTIME_PREFIX_HASH: readonly [number, number] = [${fnvState(code.slice(0, at)).join(", ")}];
/** The text between the table and the denied purposes, and after them. */
export const RUNTIME_BETWEEN = ${JSON.stringify(between)};
export const RUNTIME_END = ${JSON.stringify(end)};
`;
	}
	return out;
}

const check = process.argv.includes("--check");
let stale = false;
for (const script of SCRIPTS) {
	const target = new URL(script.target, import.meta.url);
	const source = readFileSync(new URL(script.source, import.meta.url), "utf8");
	const outputs = [
		[target, await scriptSourceModule(source, script)],
		[new URL(script.template, import.meta.url), await scriptTemplateModule(source, script)],
	];
	for (const [url, module] of outputs) {
		if (!check) writeFileSync(url, module);
		else if (readFileSync(url, "utf8") !== module) {
			console.error(`workers/${url.pathname.split("/workers/")[1]} is stale: run \`npm run scripts:build\``);
			stale = true;
		}
	}
}
if (stale) process.exit(1);
