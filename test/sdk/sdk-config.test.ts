/** The data the worker hands the SDK must agree with the worker's own rules. */
import { describe, expect, it } from "vitest";
import { PURPOSE_NAMES } from "../../workers/config/purposes";
import { BANNER_TEXT } from "../../workers/sdk/banner-text";
import { buildSdkAsset, CONFIG_PLACEHOLDER } from "../../workers/sdk/sdk-asset";
import { consentModeRequirements, sdkConfig, usnatTable } from "../../workers/sdk/sdk-config";
import { consentModeFor } from "../../workers/signals/consent-mode";
import { gppSignalFor } from "../../workers/signals/gpp";

describe("consentModeRequirements", () => {
	it("names the purposes each Consent Mode type needs", () => {
		expect(consentModeRequirements()).toEqual({
			ad_storage: ["ads", "sale"],
			ad_user_data: ["ads", "sale"],
			ad_personalization: ["ads", "sale"],
			analytics_storage: ["analytics"],
			functionality_storage: [],
			personalization_storage: ["personalization"],
			security_storage: [],
		});
	});

	it("reproduces consentModeFor for every combination of choices", () => {
		const requirements = consentModeRequirements();
		for (let mask = 0; mask < 2 ** PURPOSE_NAMES.length; mask++) {
			const purposes = Object.fromEntries(PURPOSE_NAMES.map((p, i) => [p, (mask & (1 << i)) !== 0]));
			const fromTable = Object.fromEntries(
				Object.entries(requirements).map(([type, needed]) => [
					type,
					needed.every((p) => purposes[p]) ? "granted" : "denied",
				]),
			);
			expect(fromTable, JSON.stringify(purposes)).toEqual(consentModeFor(purposes));
		}
	});
});

describe("usnatTable", () => {
	it("holds the worker's usnat signal for each sale/ads/GPC combination", () => {
		const table = usnatTable();
		expect(Object.keys(table).sort()).toEqual(["000", "001", "010", "011", "100", "101", "110", "111"]);
		for (const [key, signal] of Object.entries(table)) {
			const [sale, ads, gpc] = [...key].map((bit) => bit === "1");
			expect(signal).toEqual(gppSignalFor("US-TX", { sale: sale === true, ads: ads === true }, gpc === true));
			expect(signal.gpp.startsWith("DBABLA~")).toBe(true);
			expect(signal.gpp.endsWith(gpc ? ".YA" : ".QA")).toBe(true);
			expect(signal.gppSid).toEqual([7]);
		}
		expect(table["001"]?.gpp).toBe("DBABLA~CVQVAAAAAACA.YA");
		expect(table["110"]?.gpp).toBe("DBABLA~CVQqAAAAAACA.QA");
	});

	it("matches the jurisdictions that get GPP at all", () => {
		const { jurisdictionPrefix } = sdkConfig().gpp;
		expect(gppSignalFor(`${jurisdictionPrefix}-CA`, {}, false).gppSid).toEqual([7]);
		expect(gppSignalFor("DE", {}, false)).toEqual({ gpp: "", gppSid: [], gppSections: {} });
	});
});

describe("sdkConfig", () => {
	it("carries the purposes table and the cookie's trust window", () => {
		const config = sdkConfig();
		expect(config.cookie).toBe("ce_consent");
		expect(config.allowanceMs).toBe(600_000);
		expect(config.purposes).toEqual(["essential", "analytics", "personalization", "ads", "sale", "email"]);
		expect(config.essential).toEqual(["essential"]);
		expect(config.gpcPurposes).toEqual(["ads", "sale"]);
		// Accept all and Reject all answer the tracking purposes; marketing email is asked on its own.
		expect(config.bannerPurposes).toEqual(["analytics", "personalization", "ads", "sale"]);
		expect(config.gpp.supportedAPIs).toEqual(["7:usnat"]);
	});

	it("carries the banner's wording in English (the fallback, listed first) and Japanese", () => {
		const { bannerText } = sdkConfig();
		expect(bannerText).toBe(BANNER_TEXT);
		expect(Object.keys(bannerText)).toEqual(["en", "ja"]);
		for (const text of Object.values(bannerText)) {
			expect(Object.keys(text).sort()).toEqual(
				["acceptAll", "body", "gpc", "rejectAll", "saveFailed", "savePending", "settings", "title"].sort(),
			);
			for (const value of Object.values(text)) expect(value.trim().length).toBeGreaterThan(1);
		}
		expect(bannerText.en).toMatchObject({ acceptAll: "Accept all", rejectAll: "Reject all" });
		expect(bannerText.ja).toMatchObject({ acceptAll: "すべて同意する", rejectAll: "すべて拒否する" });
	});
});

describe("buildSdkAsset", () => {
	it("fills the placeholder with escaped JSON and tags the result with its SHA-256", async () => {
		const config = { ...sdkConfig(), cookie: "</script>" };
		const a = await buildSdkAsset(`(function(c){})(${CONFIG_PLACEHOLDER});`, config);
		expect(a.body.startsWith('(function(c){})({"cookie":"\\u003c/script>"')).toBe(true);
		expect(a.body).not.toContain(CONFIG_PLACEHOLDER);
		expect(JSON.parse(a.body.slice("(function(c){})(".length, -2)).cookie).toBe("</script>");
		const b = await buildSdkAsset(`(function(c){ })(${CONFIG_PLACEHOLDER});`, config);
		expect(a.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
		expect(b.etag).not.toBe(a.etag);
	});

	it("refuses a source without the placeholder", async () => {
		await expect(buildSdkAsset("(function(){})();")).rejects.toThrow(/placeholder/);
	});
});
