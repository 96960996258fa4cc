/**
 * What only a browser's cookie jar and navigation show, in Chromium behind `wrangler dev`: a denied
 * tracking cookie scoped to a narrower path than `/` (the page's own, an ancestor's, one with a
 * trailing slash) or on another domain than the host is gone after one guarded page view; a page
 * whose visitor sends forty of them on long paths still loads; a meta refresh resolved against the
 * page's `<base href>` that names the page itself does not reload it for ever. `www.example.com`
 * resolves to 127.0.0.1, so the worker sees a host with a registrable domain (`example.com`) and
 * cookie domains behave as on a real site.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { type RecordingSite, serveRecordingSite } from "./recording-site";
import { serveWorker, type WorkerServer } from "./serve-worker";

warnIfNoChromium("the guard's cookie paths and base URLs");

const GUARDED = { "X-Debug-Geo": "DE" } as const;
const HOST = "www.example.com";

/** A page whose meta refresh names `shop/sale` (the page itself under `<base href="/">`). */
const BASE_REFRESH = `<!doctype html><html><head><title>sale</title><base href="/"><meta http-equiv="refresh" content="0; url=shop/sale?utm_source=site"></head><body>sale</body></html>`;

describe.skipIf(!hasChromium)("the guard in Chromium, on www.example.com", () => {
	let browser: Browser;
	let server: WorkerServer;
	let site: RecordingSite;
	beforeAll(async () => {
		site = await serveRecordingSite(({ path }, res) => {
			// Streamed (no length): the guard cannot set a cookie once it reads the meta refresh.
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
			res.end(path === "/shop/sale" ? BASE_REFRESH : "<!doctype html><title>page</title><p>page</p>");
		});
		server = await serveWorker({ vars: { ORIGIN: site.origin } });
		browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await site?.close();
	});

	const siteUrl = (path: string) => `${server.origin.replace("127.0.0.1", HOST)}${path}`;

	it("expires denied tracking cookies on the request path's ancestors, host-only and on the site", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: GUARDED });
		try {
			await context.addCookies([
				{ name: "_ga", value: "GA1.2.1.1", domain: ".example.com", path: "/" },
				// A script on the shop section, its document.cookie host-only (default path /shop/cart).
				{ name: "_gcl_au", value: "1.1.1", domain: HOST, path: "/shop/cart" },
				// A tag that scoped its cookie to the section and the site's domain.
				{ name: "_fbp", value: "fb.1.1.1", domain: ".example.com", path: "/shop" },
				// Not a tracking cookie: kept.
				{ name: "sid", value: "s1", domain: HOST, path: "/shop" },
			]);
			const res = await context.newPage().then((page) => page.goto(siteUrl("/shop/cart/item")));
			expect(res?.status()).toBe(200);
			const left = (await context.cookies(siteUrl("/shop/cart/item"))).map(
				(c) => `${c.name} ${c.domain} ${c.path}`,
			);
			expect(left.filter((cookie) => !cookie.startsWith("ce_"))).toEqual(["sid www.example.com /shop"]);
		} finally {
			await context.close();
		}
	});

	it("loads a page on a long path whose visitor sends many denied tracking cookies", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: GUARDED });
		try {
			// A site with GA4, Ads, Meta, TikTok, Clarity and Hotjar tags leaves about this many.
			const names = [
				"_ga",
				"_ga_ABC123",
				"_gid",
				"_gcl_au",
				"_fbp",
				"_fbc",
				"_ttp",
				"_clck",
				"_clsk",
				"_hjSessionUser_1",
			];
			await context.addCookies(
				names.map((name) => ({ name, value: "1", domain: ".example.com", path: "/" })),
			);
			// A route carrying its state in a path segment (8 000 characters, well under a URL's limits).
			const path = `/p/${"s".repeat(8_000)}/x/y`;
			const res = await context.newPage().then((page) => page.goto(siteUrl(path)));
			expect(res?.status()).toBe(200);
			const left = (await context.cookies(siteUrl(path))).map((c) => c.name);
			expect(left.filter((name) => !name.startsWith("ce_"))).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it("loads a page on three ~1 KB ancestor paths whose visitor sends forty denied tracking cookies", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: GUARDED });
		try {
			// GA4 with a property per brand, Ads, Meta, TikTok, Clarity, Hotjar, HubSpot: forty names.
			const names = [
				...Array.from({ length: 30 }, (_, i) => `_ga_BRAND${String(i).padStart(2, "0")}`),
				"_ga",
				"_gid",
				"_gcl_au",
				"_fbp",
				"_fbc",
				"_ttp",
				"_clck",
				"_clsk",
				"_hjSessionUser_1",
				"hubspotutk",
			];
			await context.addCookies([
				...names.map((name) => ({ name, value: "1", domain: ".example.com", path: "/" })),
				...names.slice(0, 5).map((name) => ({ name, value: "2", domain: HOST, path: "/" })),
			]);
			// Each ancestor (`/sss…`, `/sss…/x`, `/sss…/x/y`) just under the 1024 bytes a Path may have.
			const path = `/${"s".repeat(1_000)}/x/y/page`;
			const res = await context.newPage().then((page) => page.goto(siteUrl(path)));
			expect(res?.status()).toBe(200);
			const left = (await context.cookies()).map((c) => `${c.name} ${c.domain} ${c.path}`);
			expect(left.filter((cookie) => !cookie.startsWith("ce_"))).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it("expires a cookie on the page's own path, on a trailing-slash path and on the host's Domain", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: GUARDED });
		try {
			await context.addCookies([
				// `Path=/shop/cart`, set on `/shop/cart/` or by a tag naming the page, seen on `/shop/cart`.
				{ name: "_ga", value: "1", domain: HOST, path: "/shop/cart" },
				{ name: "_gid", value: "1", domain: ".example.com", path: "/shop/cart" },
				// `Path=/shop/` (a trailing slash is a different path to a browser).
				{ name: "_gcl_au", value: "1", domain: HOST, path: "/shop/" },
				{ name: "_ttp", value: "1", domain: ".example.com", path: "/shop/" },
				// `Domain=.www.example.com` with a narrow path.
				{ name: "_fbp", value: "1", domain: `.${HOST}`, path: "/shop" },
				{ name: "_clck", value: "1", domain: `.${HOST}`, path: "/shop/cart" },
				{ name: "sid", value: "s1", domain: HOST, path: "/shop" },
			]);
			const res = await context.newPage().then((page) => page.goto(siteUrl("/shop/cart")));
			expect(res?.status()).toBe(200);
			const left = (await context.cookies()).map((c) => `${c.name} ${c.domain} ${c.path}`);
			expect(left.filter((cookie) => !cookie.startsWith("ce_"))).toEqual(["sid www.example.com /shop"]);
		} finally {
			await context.close();
		}
	});

	it("does not reload a streamed page whose meta refresh names it through <base href>", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: GUARDED });
		try {
			const page = await context.newPage();
			const from = site.requests.length;
			await page.goto(siteUrl("/shop/sale"));
			// Long enough for dozens of refreshes, had the page gone round in circles.
			await page.waitForTimeout(1_500);
			expect(page.url()).toBe(siteUrl("/shop/sale"));
			expect(site.requests.slice(from).filter((target) => target.startsWith("/shop/sale"))).toEqual([
				"/shop/sale",
			]);
		} finally {
			await context.close();
		}
	});
});
