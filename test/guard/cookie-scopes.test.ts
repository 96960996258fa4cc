/** cookieDomains, cookiePathsAbove and cookieScopes: where a denied cookie's expiry lines point. */

import { describe, expect, it } from "vitest";
import { cookieDomains, cookiePathsAbove, cookieScopes } from "../../workers/guard/cookie-scopes";

describe("cookieDomains", () => {
	it("lists host-only, then the site, then each level down to the host", () => {
		expect(cookieDomains("shop.eu.example.com")).toEqual([
			null,
			"example.com",
			"eu.example.com",
			"shop.eu.example.com",
		]);
	});

	it("handles two-part public suffixes", () => {
		expect(cookieDomains("www.example.co.uk")).toEqual([null, "example.co.uk", "www.example.co.uk"]);
		expect(cookieDomains("example.com.au")).toEqual([null, "example.com.au"]);
		expect(cookieDomains("shop.example.co.jp")).toEqual([null, "example.co.jp", "shop.example.co.jp"]);
	});

	it("knows Japan's prefecture names, and a site whose name looks like a registry", () => {
		// Not `tokyo.jp`, which browsers refuse: the site is where analytics puts `_ga`.
		expect(cookieDomains("www.example.tokyo.jp")).toEqual([null, "example.tokyo.jp", "www.example.tokyo.jp"]);
		expect(cookieDomains("www.city.shibuya.lg.jp")).toEqual([
			null,
			"shibuya.lg.jp",
			"city.shibuya.lg.jp",
			"www.city.shibuya.lg.jp",
		]);
		// `ne.ch` is a site (`ne` is a registry under jp, kr, us...): its `.ne.ch` cookies get expired too.
		expect(cookieDomains("www.ne.ch")).toEqual([null, "ne.ch", "www.ne.ch"]);
	});

	it("normalises the host and ignores its port", () => {
		expect(cookieDomains("WWW.Example.COM:8443")).toEqual([null, "example.com", "www.example.com"]);
	});

	it("stays host-only on IPs, single labels and shared hosting suffixes", () => {
		expect(cookieDomains("localhost:8787")).toEqual([null]);
		expect(cookieDomains("127.0.0.1")).toEqual([null]);
		expect(cookieDomains("[::1]:8787")).toEqual([null]);
		expect(cookieDomains("my-app.pages.dev")).toEqual([null, "my-app.pages.dev"]);
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

describe("cookieScopes", () => {
	const show = (scopes: readonly { domain: string | null; path: string }[]) =>
		scopes.map(({ domain, path }) => `${path} ${domain ?? "host-only"}`);

	it("is `/` on every domain alone for `/`", () => {
		const { root, narrow } = cookieScopes("www.example.com", "/");
		expect(show(root)).toEqual(["/ host-only", "/ example.com", "/ www.example.com"]);
		expect(narrow).toEqual([]);
	});

	it("orders the narrow ones: page and ancestors on the usual domains, the rest, then trailing slashes", () => {
		expect(show(cookieScopes("www.example.com", "/shop/cart/item").narrow)).toEqual([
			"/shop/cart/item host-only",
			"/shop/cart/item example.com",
			"/shop host-only",
			"/shop example.com",
			"/shop/cart host-only",
			"/shop/cart example.com",
			"/shop/cart/item www.example.com",
			"/shop www.example.com",
			"/shop/cart www.example.com",
			"/shop/ host-only",
			"/shop/ example.com",
			"/shop/ www.example.com",
			"/shop/cart/ host-only",
			"/shop/cart/ example.com",
			"/shop/cart/ www.example.com",
		]);
	});

	it("names the page's own path once, with or without its trailing slash", () => {
		expect(show(cookieScopes("localhost", "/shop").narrow)).toEqual(["/shop host-only"]);
		expect(show(cookieScopes("localhost", "/shop/").narrow)).toEqual(["/shop/ host-only", "/shop host-only"]);
	});

	it("leaves out a page path a Path cannot name", () => {
		expect(show(cookieScopes("localhost", "/a;x").narrow)).toEqual([]);
		expect(show(cookieScopes("localhost", `/a/${"b".repeat(1022)}`).narrow)).toEqual([
			"/a host-only",
			"/a/ host-only",
		]);
	});
});
