/**
 * The SDK is shipped as written, so it must parse as ES2019 and as a classic script. esbuild lowers
 * anything newer when targeting es2019: if that output differs from the esnext output, the source
 * used newer syntax (optional chaining, `??`, class fields, …).
 */
import { readFile } from "node:fs/promises";
import { transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { guardRuntime } from "../../workers/guard/guard-runtime";
import { RUNTIME_SOURCE } from "../../workers/guard/runtime-source";

const SDK = new URL("../../workers/sdk/consent-sdk.js", import.meta.url);

async function lowered(source: string, target: string): Promise<string> {
	return (await transform(source, { loader: "js", format: "iife", target })).code;
}

describe("consent-sdk.js syntax", () => {
	it("needs nothing newer than ES2019", async () => {
		const source = await readFile(SDK, "utf8");
		expect(await lowered(source, "es2019")).toBe(await lowered(source, "esnext"));
	});

	it("the check notices newer syntax", async () => {
		const newer = "const a = window.x?.y ?? 1;";
		expect(await lowered(newer, "es2019")).not.toBe(await lowered(newer, "esnext"));
	});

	// Library calls are not syntax, so esbuild lets them through; biome's safe fixes even suggest some
	// (Object.hasOwn). These are the post-ES2019 ones the SDK could plausibly reach for.
	it("calls no built-in newer than ES2019", async () => {
		const source = await readFile(SDK, "utf8");
		const newer =
			/\b(Object\.hasOwn|globalThis|structuredClone|Promise\.(any|allSettled))\b|\.(at|replaceAll|matchAll|findLast|findLastIndex)\(/;
		expect(source).not.toMatch(newer);
		expect("x.at(-1); Object.hasOwn(a, b);").toMatch(newer);
	});

	it("has no import/export (it is a classic script)", async () => {
		const source = await readFile(SDK, "utf8");
		expect(source).not.toMatch(/^\s*(import|export)\b/m);
	});
});

describe("the guard's runtime script (/v1/guard/runtime.js) syntax", () => {
	const script = guardRuntime(undefined).script(RUNTIME_SOURCE, ["ads", "analytics"]);

	it("needs nothing newer than ES2019, and calls no newer built-in", async () => {
		expect(await lowered(script, "es2019")).toBe(await lowered(script, "esnext"));
		expect(script).not.toMatch(
			/\b(Object\.hasOwn|globalThis|structuredClone|Promise\.(any|allSettled))\b|\.(at|replaceAll|matchAll|findLast|findLastIndex)\(/,
		);
	});
});
