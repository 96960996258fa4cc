/**
 * Builds consent-sdk-source.ts from consent-sdk.js, the file of record: esbuild strips comments and
 * whitespace (nothing else, so the served script stays debuggable and ES2019) and the result becomes
 * a string module, because neither wrangler's bundler nor the vitest workers pool can import a plain
 * file as text without extra configuration. The module also carries the SHA-256 of the readable
 * source, so a test inside the workers pool (which cannot run esbuild) notices a stale copy.
 * Run `npm run sdk:build` after editing the SDK; `--check` exits 1 when the copy is not current.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { transform } from "esbuild";

const SOURCE = new URL("./consent-sdk.js", import.meta.url);
const TARGET = new URL("./consent-sdk-source.ts", import.meta.url);

export async function sdkSourceModule(source) {
	const { code } = await transform(source, {
		loader: "js",
		target: "es2019",
		minifyWhitespace: true,
		legalComments: "none",
		charset: "utf8",
	});
	// A template literal needs only \, ` and ${ escaped.
	const literal = code.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
	const sha256 = createHash("sha256").update(source).digest("hex");
	return `/** Generated from consent-sdk.js by generate-sdk-source.mjs: do not edit by hand. */
export const CONSENT_SDK_SOURCE_SHA256 = "${sha256}";
export const CONSENT_SDK_SOURCE = \`${literal}\`;
`;
}

const module = await sdkSourceModule(readFileSync(SOURCE, "utf8"));
if (process.argv.includes("--check")) {
	if (readFileSync(TARGET, "utf8") !== module) {
		console.error("workers/sdk/consent-sdk-source.ts is stale: run `npm run sdk:build`");
		process.exit(1);
	}
} else {
	writeFileSync(TARGET, module);
}
