/** The small host helpers the guard tables rely on: public-suffix guess, host patterns, URL layout. */

import { describe, expect, it } from "vitest";
import { createHostIndex, createHostSet } from "../../workers/guard/host-patterns";
import { publicSuffix, registrableDomain, withoutPublicSuffix } from "../../workers/guard/public-suffix";
import { layoutUrl } from "../../workers/guard/url-layout";

describe("public suffix guess", () => {
	const cases: readonly (readonly [string, string, string | null])[] = [
		["www.example.com", "com", "example.com"],
		["example.co.uk", "co.uk", "example.co.uk"],
		["a.b.example.com.au", "com.au", "example.com.au"],
		["shop.example.co.jp", "co.jp", "example.co.jp"],
		["example.de", "de", "example.de"],
		["example.co", "co", "example.co"],
		["co.uk", "co.uk", null],
		["my-app.workers.dev", "workers.dev", "my-app.workers.dev"],
		["localhost", "localhost", null],
		["192.168.0.1", "1", null],
	];
	for (const [host, suffix, site] of cases) {
		it(host, () => {
			expect(publicSuffix(host)).toBe(suffix);
			expect(registrableDomain(host)).toBe(site);
		});
	}

	/**
	 * Answers the guess got wrong against the Public Suffix List, in both directions: a suffix taken
	 * for a site (Japan's prefecture and second-level registries, hosting services), and a site taken
	 * for a suffix (a label that is a registry under a few country codes only: `ne`, `nic`).
	 */
	const listed: readonly (readonly [string, string, string | null])[] = [
		// 都道府県型 JP names: anyone in Japan registers example.tokyo.jp.
		["www.example.tokyo.jp", "tokyo.jp", "example.tokyo.jp"],
		["tokyo.jp", "tokyo.jp", null],
		["shop.example.osaka.jp", "osaka.jp", "example.osaka.jp"],
		["example.hokkaido.jp", "hokkaido.jp", "example.hokkaido.jp"],
		["example.okinawa.jp", "okinawa.jp", "example.okinawa.jp"],
		// Local governments, groups, schools, JPNIC members.
		["www.city.shibuya.lg.jp", "lg.jp", "shibuya.lg.jp"],
		["example.gr.jp", "gr.jp", "example.gr.jp"],
		["www.example.ed.jp", "ed.jp", "example.ed.jp"],
		["example.ad.jp", "ad.jp", "example.ad.jp"],
		["pub-0123.r2.dev", "r2.dev", "pub-0123.r2.dev"],
		["quick-tunnel.trycloudflare.com", "trycloudflare.com", "quick-tunnel.trycloudflare.com"],
		["shop.myshopify.com", "myshopify.com", "shop.myshopify.com"],
		["me.gitlab.io", "gitlab.io", "me.gitlab.io"],
		["app.fly.dev", "fly.dev", "app.fly.dev"],
		["app.onrender.com", "onrender.com", "app.onrender.com"],
		["app.deno.dev", "deno.dev", "app.deno.dev"],
		// Registrable, not registries: the canton of Neuchâtel's site, registries' own sites.
		["www.ne.ch", "ch", "ne.ch"],
		["www.nic.at", "at", "nic.at"],
		["www.nic.it", "it", "nic.it"],
		["nic.io", "io", "nic.io"],
		// Where they are registries, they still are.
		["www.example.ne.jp", "ne.jp", "example.ne.jp"],
		["example.ne.kr", "ne.kr", "example.ne.kr"],
		["example.nic.in", "nic.in", "example.nic.in"],
	];
	for (const [host, suffix, site] of listed) {
		it(`${host} (as the Public Suffix List has it)`, () => {
			expect(publicSuffix(host)).toBe(suffix);
			expect(registrableDomain(host)).toBe(site);
		});
	}

	it("strips the suffix", () => {
		expect(withoutPublicSuffix("www.amazon.co.uk")).toBe("www.amazon");
		expect(withoutPublicSuffix("co.uk")).toBe("");
	});
});

describe("host patterns", () => {
	const hostMatches = (host: string, pattern: string) => createHostSet([pattern])(host);

	it("matches a domain and its subdomains only", () => {
		expect(hostMatches("youtube.com", "youtube.com")).toBe(true);
		expect(hostMatches("m.youtube.com", "youtube.com")).toBe(true);
		expect(hostMatches("notyoutube.com", "youtube.com")).toBe(false);
		expect(hostMatches("youtube.com.evil.test", "youtube.com")).toBe(false);
	});

	it("matches brand.* under any public suffix", () => {
		expect(hostMatches("amazon.de", "amazon.*")).toBe(true);
		expect(hostMatches("www.amazon.co.uk", "amazon.*")).toBe(true);
		expect(hostMatches("amazon.evil.test", "amazon.*")).toBe(false);
		expect(hostMatches("login.aliexpress.us", "login.aliexpress.*")).toBe(true);
		expect(hostMatches("aliexpress.us", "login.aliexpress.*")).toBe(false);
	});

	it("indexes most specific first", () => {
		const index = createHostIndex([
			["doubleclick.net", "ads"],
			["stats.g.doubleclick.net", "analytics"],
			["google.*", "brand"],
		]);
		expect(index("stats.g.doubleclick.net")).toEqual(["analytics", "ads"]);
		expect(index("ad.doubleclick.net")).toEqual(["ads"]);
		expect(index("www.google.com.br")).toEqual(["brand"]);
		expect(index("example.com")).toEqual([]);
	});
});

describe("layoutUrl", () => {
	const cases: readonly (readonly [string, { host: string | null; pathStart: number } | null])[] = [
		["https://www.example.com/a?b", { host: "www.example.com", pathStart: 23 }],
		["http://Example.COM./a", { host: "example.com", pathStart: 19 }],
		["https://u:P@Host.test:8443/x", { host: "host.test", pathStart: 26 }],
		["HTTPS://WWW.X.TEST?q", { host: "www.x.test", pathStart: 18 }],
		["https://[::1]:8787/", { host: "[::1]", pathStart: 18 }],
		["https:\\\\evil.test\\x", { host: "evil.test", pathStart: 17 }],
		["//cdn.test/x.js", { host: "cdn.test", pathStart: 10 }],
		["/a?b", { host: null, pathStart: 0 }],
		["page.html?x", { host: null, pathStart: 0 }],
		["?x=1", { host: null, pathStart: 0 }],
		["mailto:a@b.c", null],
		["javascript:alert(1)", null],
		["ftp://x.test/", null],
	];
	for (const [url, expected] of cases) {
		it(url, () => expect(layoutUrl(url)).toEqual(expected));
	}
});
