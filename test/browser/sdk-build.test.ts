/**
 * The served SDK and guard runtime are generated from consent-sdk.js and runtime.js by esbuild
 * (minified: comments and whitespace stripped, local names shortened). Here, under Node where
 * esbuild runs, the generator's --check mode rebuilds them and compares byte for byte, and the
 * generated scripts are checked for ES2019 and classic-script syntax like the sources. The same
 * for the GPP table (usnat-table.ts), and that the library it comes from stays out of the bundle.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { build, transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { RUNTIME_SOURCE } from "../../workers/guard/runtime-source";
import { CONSENT_SDK_SOURCE } from "../../workers/sdk/consent-sdk-source";

const ROOT = new URL("../..", import.meta.url);

/** The modules esbuild bundles into the Worker (workers/index.ts), as wrangler resolves them. */
async function workerBundleInputs(): Promise<string[]> {
	const result = await build({
		entryPoints: [new URL("workers/index.ts", ROOT).pathname],
		bundle: true,
		write: false,
		metafile: true,
		format: "esm",
		platform: "neutral",
		mainFields: ["module", "main"],
		conditions: ["workerd", "worker", "browser"],
		external: ["cloudflare:*", "node:*"],
	});
	return Object.keys(result.metafile.inputs);
}

describe("consent-sdk-source.ts and guard/runtime-source.ts", () => {
	it("are exactly what `npm run scripts:build` makes of consent-sdk.js and runtime.js", async () => {
		const run = promisify(execFile)("node", ["workers/generate-browser-scripts.mjs", "--check"], {
			cwd: ROOT,
		});
		await expect(run).resolves.toMatchObject({ stderr: "" });
	});

	it.each([
		["consent-sdk.js", CONSENT_SDK_SOURCE],
		["runtime.js", RUNTIME_SOURCE],
	])("%s is ES2019 as served (esbuild lowers nothing) and a classic script", async (_name, source) => {
		const lowered = async (target: string) =>
			(await transform(source, { loader: "js", format: "iife", target })).code;
		expect(await lowered("es2019")).toBe(await lowered("esnext"));
		expect(source).not.toMatch(/(^|[;}])\s*(import|export)\b/);
	});

	// The scripts Worker serves them; the Worker bundles only their templates (http/script-text.ts).
	it("stay out of the Worker's bundle, which carries their templates", async () => {
		const inputs = await workerBundleInputs();
		expect(inputs.filter((path) => /-source\.ts$/.test(path))).toEqual([]);
		expect(inputs.filter((path) => /-template\.ts$/.test(path)).sort()).toEqual([
			"workers/guard/runtime-template.ts",
			"workers/sdk/consent-sdk-template.ts",
		]);
	});
});

describe("usnat-table.ts", () => {
	it("is exactly what `npm run gpp:build` makes with the encoder and @iabgpp/cmpapi", async () => {
		const run = promisify(execFile)("node", ["workers/signals/generate-usnat-table.mjs", "--check"], {
			cwd: ROOT,
		});
		await expect(run).resolves.toMatchObject({ stderr: "" });
	});

	it("keeps @iabgpp/cmpapi out of the Worker's bundle", async () => {
		const inputs = await workerBundleInputs();
		expect(inputs.some((path) => path.includes("workers/signals/usnat-table.ts"))).toBe(true);
		expect(inputs.filter((path) => path.includes("@iabgpp"))).toEqual([]);
	});
});
