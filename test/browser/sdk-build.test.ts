/**
 * The served SDK is generated from consent-sdk.js by esbuild (comments and whitespace stripped). Here,
 * under Node where esbuild runs, the generator's --check mode rebuilds it and compares byte for byte,
 * and the generated script is checked for ES2019 and classic-script syntax like the source.
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
