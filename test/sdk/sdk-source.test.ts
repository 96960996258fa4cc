/**
 * The SDK reaches the bundle as a generated string module (consent-sdk.js minified: comments and
 * whitespace stripped, local names shortened). The workers pool cannot run esbuild, so staleness is checked by the readable
 * source's SHA-256; test/browser/sdk-build.test.ts regenerates the module and compares it exactly.
 */
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../../workers/crypto/encoding";
import sdkFile from "../../workers/sdk/consent-sdk.js?raw";
import { CONSENT_SDK_SOURCE, CONSENT_SDK_SOURCE_SHA256 } from "../../workers/sdk/consent-sdk-source";
import { CONSENT_SDK_SOURCE_TEXT_SHA256 } from "../../workers/sdk/consent-sdk-template";
import { CONFIG_PLACEHOLDER } from "../../workers/sdk/sdk-asset";
import { sha256Hex } from "../helpers";

describe("consent-sdk-source.ts", () => {
	it("was generated from the current consent-sdk.js (else run `npm run sdk:build`)", async () => {
		expect(sdkFile.length).toBeGreaterThan(1000);
		expect(CONSENT_SDK_SOURCE_SHA256).toBe(await sha256Hex(sdkFile));
	});

	// The main Worker checks the text it reads from the scripts Worker against this (http/script-text.ts).
	it("has the SHA-256 consent-sdk-template.ts names", async () => {
		const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(CONSENT_SDK_SOURCE));
		expect(CONSENT_SDK_SOURCE_TEXT_SHA256).toBe(toBase64Url(digest));
	});

	it("carries no comments and is smaller than the readable source", () => {
		expect(CONSENT_SDK_SOURCE).not.toMatch(/\/\*|^\s*\/\//m);
		expect(CONSENT_SDK_SOURCE).not.toContain("\n\t");
		expect(CONSENT_SDK_SOURCE.length).toBeLessThan(sdkFile.length * 0.8);
		// Strings survive untouched.
		expect(CONSENT_SDK_SOURCE).toContain('"data-consent-action"');
		expect(CONSENT_SDK_SOURCE).toContain("var(--ce-button-bg,var(--ce-0k,#1d4ed8))");
	});

	it("has its local names shortened, and keeps the names pages use (properties and globals)", () => {
		// About 1.5 KiB less of the Worker's script gzipped, and of every page's /consent.js.
		expect(sdkFile).toContain("function gtagArguments(");
		expect(CONSENT_SDK_SOURCE).not.toMatch(/\b(gtagArguments|followCookie|retryUnsaved)\b/);
		expect(CONSENT_SDK_SOURCE).toMatch(/\.consentEdge=Object\.freeze\(\{allows:[\w$]+,ready:/);
		expect(CONSENT_SDK_SOURCE).toContain('.addEventListener("pageshow",');
	});

	it("has exactly one configuration placeholder, as the argument of the outer call", () => {
		expect(CONSENT_SDK_SOURCE.split(CONFIG_PLACEHOLDER)).toHaveLength(2);
		expect(CONSENT_SDK_SOURCE.trimEnd().endsWith(`})(window,document,${CONFIG_PLACEHOLDER});`)).toBe(true);
	});
});
