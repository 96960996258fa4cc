/** The SDK reaches the bundle as a generated string module; it must match consent-sdk.js exactly. */
import { describe, expect, it } from "vitest";
import sdkFile from "../../workers/sdk/consent-sdk.js?raw";
import { CONSENT_SDK_SOURCE } from "../../workers/sdk/consent-sdk-source";
import { CONFIG_PLACEHOLDER } from "../../workers/sdk/sdk-asset";

describe("consent-sdk-source.ts", () => {
	it("is current with consent-sdk.js (else run `node workers/sdk/generate-sdk-source.mjs`)", () => {
		expect(sdkFile.length).toBeGreaterThan(1000);
		expect(CONSENT_SDK_SOURCE).toBe(sdkFile);
	});

	it("has exactly one configuration placeholder, as the argument of the outer call", () => {
		expect(CONSENT_SDK_SOURCE.split(CONFIG_PLACEHOLDER)).toHaveLength(2);
		expect(CONSENT_SDK_SOURCE.trimEnd().endsWith(`})(window, document, ${CONFIG_PLACEHOLDER});`)).toBe(true);
	});
});
