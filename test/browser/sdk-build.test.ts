/**
 * The served SDK is generated from consent-sdk.js by esbuild (comments and whitespace stripped). Here,
 * under Node where esbuild runs, the generator's --check mode rebuilds it and compares byte for byte,
 * and the generated script is checked for ES2019 and classic-script syntax like the source. The same
 * for the GPP table (usnat-table.ts), and that the library it comes from stays out of the bundle.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { CONSENT_SDK_SOURCE } from "../../workers/sdk/consent-sdk-source";

const ROOT = new URL("../..", import.meta.url);

describe("consent-sdk-source.ts", () => {
	it("is exactly what `npm run sdk:build` makes of consent-sdk.js", async () => {
		const run = promisify(execFile)("node", ["workers/sdk/generate-sdk-source.mjs", "--check"], {
			cwd: ROOT,
		});
		await expect(run).resolves.toMatchObject({ stderr: "" });
	});

	it("is ES2019 as served (esbuild lowers nothing) and a classic script", async () => {
		const lowered = async (target: string) =>
			(await transform(CONSENT_SDK_SOURCE, { loader: "js", format: "iife", target })).code;
		expect(await lowered("es2019")).toBe(await lowered("esnext"));
		expect(CONSENT_SDK_SOURCE).not.toMatch(/(^|[;}])\s*(import|export)\b/);
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
		const { build } = await import("esbuild");
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
		const inputs = Object.keys(result.metafile.inputs);
		expect(inputs.some((path) => path.includes("workers/signals/usnat-table.ts"))).toBe(true);
		expect(inputs.filter((path) => path.includes("@iabgpp"))).toEqual([]);
	});
});
