/** trackingCookiePurpose and expireCookieHeader. */

import { describe, expect, it } from "vitest";
import {
	expireCookieHeader,
	PROTECTED_COOKIES,
	trackingCookiePurpose,
} from "../../workers/guard/tracking-cookies";

describe("trackingCookiePurpose", () => {
	const cases: readonly (readonly [string, "ads" | "analytics" | null])[] = [
		["_ga", "analytics"],
		["_ga_ABC123XYZ9", "analytics"],
		["_gid", "analytics"],
		["_gat", "analytics"],
		["_gat_gtag_UA_12345_1", "analytics"],
		["_gat_UA-12345-1", "analytics"],
		["_dc_gtm_UA-12345-1", "analytics"],
		["__utma", "analytics"],
		["__utmz", "analytics"],
		["AMP_TOKEN", "analytics"],
		["FPID", "analytics"],
		["_gcl_au", "ads"],
		["_gcl_aw", "ads"],
		["_gac_UA-12345-1", "ads"],
		["_gac_gb_ABC", "ads"],
		["FPGCLAW", "ads"],
		["__gads", "ads"],
		["_fbp", "ads"],
		["_fbc", "ads"],
		["_uetsid", "ads"],
		["_uetvid", "ads"],
		["_ttp", "ads"],
		["li_fat_id", "ads"],
		["_pin_unauth", "ads"],
		["_epik", "ads"],
		["_scid", "ads"],
		["_rdt_uuid", "ads"],
		["cto_bundle", "ads"],
		["__hstc", "analytics"],
		["__hssc", "analytics"],
		["hubspotutk", "analytics"],
		["_hjSessionUser_123", "analytics"],
		["_hjid", "analytics"],
		["_clck", "analytics"],
		["_clsk", "analytics"],
		["ajs_anonymous_id", "analytics"],
		["mp_0123abcd_mixpanel", "analytics"],
		["_pk_id.1.abcd", "analytics"],
		["_ym_uid", "analytics"],
		["google-analytics_v4_abcd__ga4", "analytics"],
		["facebook-pixel_abcd__fb-pixel", "ads"],
		["__lt__cid", "ads"],
		["__lt__cid.c83939be", "ads"],
		["__lt__sid", "ads"],
		["_yjsu_yjad", "ads"],
		["_ycl_yjad", "ads"],
		["_ycl_aw", "ads"],
		["_ycl_1000000000_aw", "ads"],
		["_ts_yjad", "ads"],
		["yjr_yjad", "ads"],
		["_ly_su", "ads"],
		["_ly_c", "ads"],
		["_ly_r", "ads"],
		["_lt", null],
		["_ycl", null],
		["_ly_session", null],
		// Never tracking: sessions, CSRF, Cloudflare, consent.
		["session", null],
		["sessionid", null],
		["PHPSESSID", null],
		["JSESSIONID", null],
		["connect.sid", null],
		["laravel_session", null],
		["_session_id", null],
		["__Host-session", null],
		["csrftoken", null],
		["XSRF-TOKEN", null],
		["_csrf", null],
		["__cf_bm", null],
		["cf_clearance", null],
		["_cfuvid", null],
		["cf_zaraz_google-analytics_v4_abcd", null],
		["ce_consent", null],
		["ce_decision", null],
		["OptanonConsent", null],
		["CookieConsent", null],
		["__hs_opt_out", null],
		["_gateway_session", null],
		["_ga_session", null],
		["_galaxy", null],
		["_hj", null],
		["ga", null],
		["GA", null],
		["IDE", null],
		["", null],
	];
	for (const [name, expected] of cases) {
		it(`${JSON.stringify(name)} → ${expected}`, () => expect(trackingCookiePurpose(name)).toBe(expected));
	}
});

describe("protected cookies", () => {
	const isProtected = (name: string) =>
		PROTECTED_COOKIES.some((rule) => (typeof rule === "string" ? rule === name : rule.test(name)));
	for (const name of [
		"__cf_bm",
		"cf_clearance",
		"_cfuvid",
		"cf_zaraz_x",
		"ce_consent",
		"OptanonConsent",
		"__hs_opt_out",
	]) {
		it(`${name} is protected whatever the table says`, () => expect(isProtected(name)).toBe(true));
	}
	for (const name of ["_ga", "_fbp", "_hjid", "cto_bundle"]) {
		it(`${name} is not protected`, () => expect(isProtected(name)).toBe(false));
	}
});

const EXPIRED = "=; Max-Age=0; Path=";

describe("expireCookieHeader", () => {
	it("names the scope's path, and its domain unless host-only", () => {
		expect(expireCookieHeader("_ga", { domain: null, path: "/" })).toBe(`_ga${EXPIRED}/`);
		expect(expireCookieHeader("_ga", { domain: "example.com", path: "/" })).toBe(
			`_ga${EXPIRED}/; Domain=.example.com`,
		);
		expect(expireCookieHeader("_fbp", { domain: "www.example.co.uk", path: "/shop/" })).toBe(
			`_fbp${EXPIRED}/shop/; Domain=.www.example.co.uk`,
		);
	});

	it("respects cookie prefixes and refuses non-token names", () => {
		expect(expireCookieHeader("__Host-x", { domain: null, path: "/" })).toBe(`__Host-x${EXPIRED}/; Secure`);
		// Browsers take a `__Host-` cookie only host-only and on `/`.
		expect(expireCookieHeader("__Host-x", { domain: "example.com", path: "/" })).toBeNull();
		expect(expireCookieHeader("__Host-x", { domain: null, path: "/a" })).toBeNull();
		expect(expireCookieHeader("__Secure-x", { domain: "example.com", path: "/a" })).toBe(
			`__Secure-x${EXPIRED}/a; Domain=.example.com; Secure`,
		);
		for (const name of ["a;b", "a b", ""]) {
			expect(expireCookieHeader(name, { domain: null, path: "/" }), name).toBeNull();
		}
	});
});
