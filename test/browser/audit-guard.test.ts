/**
 * Audit findings in Chromium: a news/shop page with the published snippets of many vendors
 * (audit-site.ts) behind `wrangler dev --var ORIGIN:<site>`. Every request the browser makes is
 * recorded; anything bound elsewhere than the worker is answered locally (nothing leaves the machine).
 * Each test is one finding and fails on the code audited; see test/guard/audit-guard.test.ts for the
 * markup cases one by one.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type AuditSite, serveAuditSite } from "./audit-site";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard audit");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const TRACKER_HOST =
	/(^|\.)(googletagmanager\.com|google-analytics\.com|doubleclick\.net|facebook\.com|facebook\.net|licdn\.com|linkedin\.com|tiktok\.com|hotjar\.com|clarity\.ms|segment\.(com|io)|mxpnl\.com|mixpanel\.com|amplitude\.com|hs-scripts\.com|pinterest\.com|pinimg\.com|sc-static\.net|snapchat\.com|redditstatic\.com|reddit\.com|ads-twitter\.com|twitter\.com|t\.co|bing\.com|criteo\.(com|net)|taboola\.com)$/;
/** Requests the page's own scripts build at runtime (audit-site.ts AUDIT_RUNTIME_JS, sw.js). */
const RUNTIME = /vec=(runtime-|service-worker)/;

function isTracker(url: string): boolean {
	return TRACKER_HOST.test(new URL(url).hostname);
}

describe.skipIf(!hasChromium)("guard audit in Chromium", () => {
	let site: AuditSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium(serveAuditSite, (started) => {
		({ site, server, browser } = started);
	});

	async function visitor(headers: Record<string, string>) {
		const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		context.on("request", (request) => urls.push(request.url()));
		await context.route("**/*", (route) => {
			const request = route.request();
			if (request.url().startsWith(`${server.origin}/`)) return route.continue();
			if (request.resourceType() === "image") return route.fulfill({ contentType: "image/gif", body: GIF });
			if (request.resourceType() === "document")
				return route.fulfill({ contentType: "text/html", body: "<p>stub</p>" });
			return route.fulfill({ contentType: "text/javascript", body: "" });
		});
		return { context, urls };
	}

	async function load(context: BrowserContext, path: string, errors: string[] = []): Promise<Page> {
		const page = await context.newPage();
		page.on("pageerror", (err) => errors.push(err.message));
		await page.goto(`${server.origin}${path}`);
		await page.waitForLoadState("load");
		// Late loads (delayed scripts, the service worker) get their chance.
		await page.waitForTimeout(800);
		return page;
	}

	it("(a)+(b) an opted-out visitor's page makes no request to a tracker host", async () => {
		site.pageHeaders = {
			Link: "<https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234&vec=link-header>; rel=preload; as=script",
		};
		try {
			const { context, urls } = await visitor({ "X-Debug-Geo": "DE" });
			const page = await load(context, "/");
			await page.click("#ping-link");
			await page.waitForLoadState("load");
			await page.waitForTimeout(300);
			const leaks = [...new Set(urls.filter((url) => isTracker(url) && !RUNTIME.test(url)))];
			await context.close();
			expect(leaks).toEqual([]);
		} finally {
			site.pageHeaders = {};
		}
	});

	it("(b) an opted-out visitor's third-party iframes carry no tracking parameters", async () => {
		const { context, urls } = await visitor({ "X-Debug-Geo": "DE" });
		await load(context, "/");
		await context.close();
		const carrying = urls.filter((url) => !url.startsWith(server.origin) && /[?&](utm_|gclid=)/.test(url));
		expect(carrying).toEqual([]);
	});

	it("the opted-out page keeps working: no ReferenceError from neutralised bootstraps, the cart button works", async () => {
		const errors: string[] = [];
		const { context } = await visitor({ "X-Debug-Geo": "DE" });
		const page = await load(context, "/", errors);
		await page.click("#buy");
		const cart = await page.locator("#cart").textContent();
		const app = await page.evaluate(() => ({ ...document.documentElement.dataset }));
		await context.close();
		expect({ errors, cart, app }).toEqual({ errors: [], cart: "1 item", app: { app: "done" } });
	});

	it("an opted-out visitor who agrees later on the same page gets the gated snippets run as written", async () => {
		const errors: string[] = [];
		const { context, urls } = await visitor({ "X-Debug-Geo": "DE" });
		const page = await load(context, "/", errors);
		const snippet =
			/vec=(meta|gtm-snippet|tiktok|linkedin|hotjar|clarity|segment|mixpanel|pinterest|snap|reddit|x|uet|taboola)\b/;
		expect(urls.filter((url) => snippet.test(url))).toEqual([]);
		await page.evaluate(() => window.consentEdge.acceptAll());
		await page.waitForTimeout(800);
		const loaded = new Set(
			urls.filter((url) => snippet.test(url)).map((url) => /vec=([\w-]+)/.exec(url)?.[1]),
		);
		expect([...loaded].sort()).toEqual(
			[
				"clarity",
				"gtm-snippet",
				"hotjar",
				"linkedin",
				"meta",
				"mixpanel",
				"pinterest",
				"reddit",
				"segment",
				"snap",
				"taboola",
				"tiktok",
				"uet",
				"x",
			].sort(),
		);
		// The vendors' own queue functions, not the stand-ins, now take the site's calls.
		const vendors = await page.evaluate(() => {
			const w = window as unknown as Record<string, { queue?: unknown; __consentEdgeStub?: unknown }>;
			return ["fbq", "snaptr", "pintrk", "twq"].map(
				(name) => w[name]?.__consentEdgeStub === undefined && Array.isArray(w[name]?.queue),
			);
		});
		expect(vendors).toEqual([true, true, true, true]);
		// The Consent Mode update /consent.js sent through the stand-in gtag waits in dataLayer for the tag.
		const consentUpdates = await page.evaluate(() =>
			((window as unknown as { dataLayer: unknown[] }).dataLayer ?? [])
				.map((entry) => Array.from(entry as ArrayLike<unknown>))
				.filter((args) => args[0] === "consent" && args[1] === "update")
				.map((args) => (args[2] as Record<string, string>).ad_storage),
		);
		expect(consentUpdates).toContain("granted");
		await page.click("#buy");
		expect(await page.locator("#cart").textContent()).toBe("1 item");
		await context.close();
		// The stubbed (empty) vendor scripts leave UET's constructor undefined; nothing else fails.
		expect(errors.filter((e) => !e.includes("UET is not defined"))).toEqual([]);
	});

	it("an allowed visitor gets the origin's page byte for byte, and it works", async () => {
		const headers = { "X-Debug-Geo": "US-CA" };
		const viaWorker = await fetch(`${server.origin}/?gclid=abc`, { headers });
		const direct = await fetch(`${site.origin}/?gclid=abc`);
		expect(await viaWorker.text()).toBe(await direct.text());
		expect(viaWorker.headers.get("X-Consent-Guard")).toBeNull();
		const errors: string[] = [];
		const { context } = await visitor(headers);
		const page = await load(context, "/", errors);
		await page.click("#buy");
		expect(await page.locator("#cart").textContent()).toBe("1 item");
		await context.close();
		// The only error is the stubbed (empty) bat.js: UET's own constructor is missing.
		expect(errors.filter((e) => !e.includes("UET is not defined"))).toEqual([]);
	});

	it("(b) after opting out, a news page the browser cached while allowed is asked for again, not shown with its trackers", async () => {
		// No routing here: Playwright's routing turns the HTTP cache off. Every host but the local
		// ones resolves nowhere, so tracker requests are attempted (and seen) but leave nothing.
		const cached = await launchChromium(["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]);
		try {
			const context = await cached.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
			const urls: string[] = [];
			context.on("request", (request) => urls.push(request.url()));
			const page = await context.newPage();
			await page.goto(`${server.origin}/news`);
			await page.waitForLoadState("load");
			const optedOut = await page.evaluate(async () => {
				const res = await fetch("/v1/opt-out", {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: "{}",
				});
				return (await res.json()).purposes.ads;
			});
			expect(optedOut).toBe(false);
			await page.goto(`${server.origin}/about`);
			const before = site.requests.length;
			const mark = urls.length;
			await page.evaluate(() => {
				const a = document.createElement("a");
				a.href = "/news";
				a.id = "go";
				a.textContent = "news";
				document.body.append(a);
			});
			await page.click("#go");
			await page.waitForLoadState("load");
			await page.waitForTimeout(500);
			// The snippets the guard neutralises on a page it rewrites (the Meta Pixel, GTM, gtag…).
			const snippets = urls
				.slice(mark)
				.filter((url) => isTracker(url) && /vec=(meta|gtm-snippet|gtag|tiktok|linkedin|hotjar)\b/.test(url));
			await context.close();
			expect({
				newsAskedAgain: site.requests.slice(before).includes("/news"),
				snippets,
			}).toEqual({ newsAskedAgain: true, snippets: [] });
		} finally {
			await cached.close();
		}
	});
});
