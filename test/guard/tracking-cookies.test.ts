/** trackingCookiePurpose and expireCookieHeaders. */

import { describe, expect, it } from "vitest";
import {
	cookiePathsAbove,
	expireCookieHeaders,
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

const EXPIRED = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";

describe("expireCookieHeaders", () => {
	it("sends host-only, then the site's domain, then each level down to the host", () => {
		expect(expireCookieHeaders("_ga", "shop.eu.example.com")).toEqual([
			`_ga${EXPIRED}`,
			`_ga${EXPIRED}; Domain=.example.com`,
			`_ga${EXPIRED}; Domain=.eu.example.com`,
			`_ga${EXPIRED}; Domain=.shop.eu.example.com`,
		]);
	});

	it("handles two-part public suffixes", () => {
		expect(expireCookieHeaders("_ga", "www.example.co.uk")).toEqual([
			`_ga${EXPIRED}`,
			`_ga${EXPIRED}; Domain=.example.co.uk`,
			`_ga${EXPIRED}; Domain=.www.example.co.uk`,
		]);
		expect(expireCookieHeaders("_fbp", "example.com.au")).toEqual([
			`_fbp${EXPIRED}`,
			`_fbp${EXPIRED}; Domain=.example.com.au`,
		]);
		expect(expireCookieHeaders("_fbp", "shop.example.co.jp")).toEqual([
			`_fbp${EXPIRED}`,
			`_fbp${EXPIRED}; Domain=.example.co.jp`,
			`_fbp${EXPIRED}; Domain=.shop.example.co.jp`,
		]);
	});

	it("normalises the host and ignores its port", () => {
		expect(expireCookieHeaders("_gid", "WWW.Example.COM:8443")).toEqual([
			`_gid${EXPIRED}`,
			`_gid${EXPIRED}; Domain=.example.com`,
			`_gid${EXPIRED}; Domain=.www.example.com`,
		]);
	});

	it("stays host-only on IPs, single labels and shared hosting suffixes", () => {
		expect(expireCookieHeaders("_ga", "localhost:8787")).toEqual([`_ga${EXPIRED}`]);
		expect(expireCookieHeaders("_ga", "127.0.0.1")).toEqual([`_ga${EXPIRED}`]);
		expect(expireCookieHeaders("_ga", "[::1]:8787")).toEqual([`_ga${EXPIRED}`]);
		expect(expireCookieHeaders("_ga", "my-app.pages.dev")).toEqual([
			`_ga${EXPIRED}`,
			`_ga${EXPIRED}; Domain=.my-app.pages.dev`,
		]);
	});

	it("respects cookie prefixes and refuses non-token names", () => {
		expect(expireCookieHeaders("__Host-x", "www.example.com")).toEqual([`__Host-x${EXPIRED}; Secure`]);
		expect(expireCookieHeaders("__Secure-x", "example.com")).toEqual([
			`__Secure-x${EXPIRED}; Secure`,
			`__Secure-x${EXPIRED}; Domain=.example.com; Secure`,
		]);
		expect(expireCookieHeaders("a;b", "example.com")).toEqual([]);
		expect(expireCookieHeaders("a b", "example.com")).toEqual([]);
		expect(expireCookieHeaders("", "example.com")).toEqual([]);
	});

	it("adds each path given, host-only and on the site only, after the Path=/ lines", () => {
		const at = (path: string) => EXPIRED.replace("Path=/", `Path=${path}`);
		expect(expireCookieHeaders("_ga", "shop.eu.example.com", ["/shop", "/shop/cart"])).toEqual([
			`_ga${EXPIRED}`,
			`_ga${EXPIRED}; Domain=.example.com`,
			`_ga${EXPIRED}; Domain=.eu.example.com`,
			`_ga${EXPIRED}; Domain=.shop.eu.example.com`,
			`_ga${at("/shop")}`,
			`_ga${at("/shop")}; Domain=.example.com`,
			`_ga${at("/shop/cart")}`,
			`_ga${at("/shop/cart")}; Domain=.example.com`,
		]);
		expect(expireCookieHeaders("_ga", "localhost:8787", ["/shop"])).toEqual([
			`_ga${EXPIRED}`,
			`_ga${at("/shop")}`,
		]);
		expect(expireCookieHeaders("__Secure-x", "example.com", ["/a"])).toEqual([
			`__Secure-x${EXPIRED}; Secure`,
			`__Secure-x${EXPIRED}; Domain=.example.com; Secure`,
			`__Secure-x${at("/a")}; Secure`,
			`__Secure-x${at("/a")}; Domain=.example.com; Secure`,
		]);
		// Browsers take a `__Host-` cookie only on `/`.
		expect(expireCookieHeaders("__Host-x", "example.com", ["/a"])).toEqual([`__Host-x${EXPIRED}; Secure`]);
	});
});

describe("cookiePathsAbove", () => {
	it("lists a path's ancestor directories from the top, at most three, none for one segment", () => {
		const cases = [
			["/", []],
			["/shop", []],
			["/shop/", ["/shop"]],
			["/shop/cart/item", ["/shop", "/shop/cart"]],
			["/shop/cart/item/", ["/shop", "/shop/cart", "/shop/cart/item"]],
			["/a/b/c/d/e/f", ["/a", "/a/b", "/a/b/c"]],
			// A `;` would end the Path attribute: nothing from there on.
			["/a/b;jsessionid=1/c/d", ["/a"]],
			["//x/y", ["//x"]],
			// Browsers ignore a Path over 1024 bytes: nothing from there on.
			[`/a/${"b".repeat(1021)}/c/d`, ["/a", `/a/${"b".repeat(1021)}`]],
			[`/a/${"b".repeat(1022)}/c/d`, ["/a"]],
		] as const;
		for (const [path, expected] of cases) expect(cookiePathsAbove(path), path).toEqual(expected);
	});
});
