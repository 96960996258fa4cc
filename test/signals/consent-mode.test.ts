import { describe, expect, it } from "vitest";
import { consentModeFor } from "../../workers/signals/consent-mode";

describe("Consent Mode v2 mapping", () => {
	it("grants ad types only when both ads and sale are allowed", () => {
		for (const [ads, sale, expected] of [
			[true, true, "granted"],
			[true, false, "denied"],
			[false, true, "denied"],
			[false, false, "denied"],
		] as const) {
			const m = consentModeFor({ ads, sale });
			expect([m.ad_storage, m.ad_user_data, m.ad_personalization]).toEqual([expected, expected, expected]);
		}
	});

	it("maps analytics and personalization, and always grants functionality and security", () => {
		expect(consentModeFor({ analytics: true, personalization: false })).toEqual({
			ad_storage: "denied",
			ad_user_data: "denied",
			ad_personalization: "denied",
			analytics_storage: "granted",
			functionality_storage: "granted",
			personalization_storage: "denied",
			security_storage: "granted",
		});
		expect(consentModeFor({}).analytics_storage).toBe("denied");
	});
});
