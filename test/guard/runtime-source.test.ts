/**
 * The guard runtime reaches the bundle as a generated string module (runtime.js with comments and
 * whitespace stripped), as the SDK does (test/sdk/sdk-source.test.ts): staleness is checked here by
 * the readable source's SHA-256, and test/browser/sdk-build.test.ts regenerates the module exactly.
 */
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../../workers/crypto/encoding";
import {
	DENY_PLACEHOLDER,
	guardRuntime,
	runtimeTable,
	TABLE_PLACEHOLDER,
	textHash,
} from "../../workers/guard/guard-runtime";
import runtimeFile from "../../workers/guard/runtime.js?raw";
import { RUNTIME_SOURCE, RUNTIME_SOURCE_SHA256 } from "../../workers/guard/runtime-source";
import { RUNTIME_SOURCE_TEXT_SHA256 } from "../../workers/guard/runtime-template";
import { sha256Hex } from "../helpers";

describe("guard/runtime-source.ts", () => {
	it("was generated from the current runtime.js (else run `npm run scripts:build`)", async () => {
		expect(runtimeFile.length).toBeGreaterThan(1000);
		expect(RUNTIME_SOURCE_SHA256).toBe(await sha256Hex(runtimeFile));
	});

	it("carries no comments and is smaller than the readable source", () => {
		expect(RUNTIME_SOURCE).not.toMatch(/\/\*|^\s*\/\//m);
		expect(RUNTIME_SOURCE).not.toContain("\n\t");
		expect(RUNTIME_SOURCE.length).toBeLessThan(runtimeFile.length * 0.8);
	});

	it("has each placeholder once, as the outer call's last two arguments", () => {
		expect(RUNTIME_SOURCE.split(TABLE_PLACEHOLDER)).toHaveLength(2);
		expect(RUNTIME_SOURCE.split(DENY_PLACEHOLDER)).toHaveLength(2);
		expect(
			RUNTIME_SOURCE.trimEnd().endsWith(`})(window,document,${TABLE_PLACEHOLDER},${DENY_PLACEHOLDER});`),
		).toBe(true);
	});
});

// The main Worker bundles runtime-template.ts, not the text (the scripts Worker serves it).
describe("guard/runtime-template.ts", () => {
	it("names the SHA-256 of the text the scripts Worker serves", async () => {
		const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(RUNTIME_SOURCE));
		expect(RUNTIME_SOURCE_TEXT_SHA256).toBe(toBase64Url(digest));
	});

	it("gives each overrides' runtime the version its whole text hashes to, without the text", () => {
		for (const overrides of [undefined, { "cdn.example.net": "ads", "G-OWN": null } as const]) {
			const table = JSON.stringify(runtimeTable(overrides)).replace(/</g, "\\u003c");
			const whole = RUNTIME_SOURCE.replace(TABLE_PLACEHOLDER, table).replace(DENY_PLACEHOLDER, "");
			expect(guardRuntime(overrides).version).toBe(textHash(whole));
		}
	});
});
