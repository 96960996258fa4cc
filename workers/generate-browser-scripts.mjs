/**
 * Builds the string modules of the two scripts the worker serves to browsers from their files of
 * record: sdk/consent-sdk-source.ts from sdk/consent-sdk.js (/consent.js) and guard/runtime-source.ts
 * from guard/runtime.js (/v1/guard/runtime.js). esbuild minifies each (comments and whitespace
 * stripped, local names shortened, syntax compacted), keeping ES2019, and each result becomes a
 * string module, because neither wrangler's bundler nor the vitest workers pool can import a plain
 * file as text without extra configuration. Each module also carries the SHA-256 of the readable
 * source, so a test inside the workers pool (which cannot run esbuild) notices a stale copy.
 * Run `npm run scripts:build` after editing either; `--check` exits 1 when a copy is not current.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { transform } from "esbuild";

// Both are minified in full: shortening local names took about 1 KiB (the runtime) and 1.5 KiB (the
// SDK) off the Worker's script gzipped, and as much off each page's download. What sites call (the
// SDK's window.consentEdge and its methods) and the globals both read are properties, never renamed.
const SCRIPTS = [
	{ source: "sdk/consent-sdk.js", target: "sdk/consent-sdk-source.ts", name: "CONSENT_SDK_SOURCE" },
	{ source: "guard/runtime.js", target: "guard/runtime-source.ts", name: "RUNTIME_SOURCE" },
];

export async function scriptSourceModule(source, { source: from, name }) {
	const { code } = await transform(source, {
		loader: "js",
		target: "es2019",
		minify: true,
		legalComments: "none",
		charset: "utf8",
	});
	// A template literal needs only \, ` and ${ escaped.
	const literal = code.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
	const sha256 = createHash("sha256").update(source).digest("hex");
	const file = from.slice(from.lastIndexOf("/") + 1);
	return `/** Generated from ${file} by generate-browser-scripts.mjs: do not edit by hand. */
export const ${name}_SHA256 = "${sha256}";
export const ${name} = \`${literal}\`;
`;
}

const check = process.argv.includes("--check");
let stale = false;
for (const script of SCRIPTS) {
	const target = new URL(script.target, import.meta.url);
	const module = await scriptSourceModule(
		readFileSync(new URL(script.source, import.meta.url), "utf8"),
		script,
	);
	if (!check) writeFileSync(target, module);
	else if (readFileSync(target, "utf8") !== module) {
		console.error(`workers/${script.target} is stale: run \`npm run scripts:build\``);
		stale = true;
	}
}
if (stale) process.exit(1);
