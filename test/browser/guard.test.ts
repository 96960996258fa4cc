/**
 * Guard mode in Chromium against `wrangler dev --var ORIGIN:<local site>`: every request the browser
 * makes is recorded and anything bound elsewhere than the worker is answered locally (nothing leaves
 * the machine). An unguarded visitor's page calls every tracker; a GPC visitor's calls no ad or social
 * tracker but keeps analytics; a visitor opted out of everything calls no tracker at all, while the
 * page renders and its first-party scripts run.
 */
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { GA_ID, type GuardSite, serveGuardSite } from "./guard-site";
import { serveWorker, type WorkerServer } from "./serve-worker";

warnIfNoChromium("guard mode");

const AD_AND_SOCIAL_HOSTS = [
	"connect.facebook.net",
	"www.facebook.com",
	"googleads.g.doubleclick.net",
	"snap.licdn.com",
	"px.ads.linkedin.com",
	"analytics.tiktok.com",
];
const ANALYTICS_HOSTS = [
	"www.googletagmanager.com",
	"www.google-analytics.com",
	"region1.google-analytics.com",
];
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

function hostOf(url: string): string {
	return new URL(url).host;
}

describe.skipIf(!hasChromium)("guard mode in Chromium", () => {
	let site: GuardSite;
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		site = await serveGuardSite();
		server = await serveWorker({ vars: { ORIGIN: site.origin } });
		browser = await launchChromium();
		await mkdir(ARTIFACTS, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await site?.close();
	});

	/** A browser context whose every request is recorded; only the worker's are let through. */
	async function visitor(headers: Record<string, string>) {
		const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		await context.route("**/*", (route) => {
			const request = route.request();
			urls.push(request.url());
			if (request.url().startsWith(`${server.origin}/`)) return route.continue();
			if (request.resourceType() === "image") return route.fulfill({ contentType: "image/gif", body: GIF });
			return route.fulfill({ contentType: "text/javascript", body: "" });
		});
		return { context, urls };
	}

	async function load(context: BrowserContext, path: string): Promise<Page> {
		const page = await context.newPage();
		await page.goto(`${server.origin}${path}`);
		await page.waitForLoadState("load");
		await page.getByText("first-party script ran").waitFor();
		return page;
	}

	function externalHosts(urls: readonly string[]): Set<string> {
		return new Set(urls.filter((url) => !url.startsWith(`${server.origin}/`)).map(hostOf));
	}

	it("an unguarded visitor (US, no GPC) gets the page as the site wrote it: every tracker is called", async () => {
		const { context, urls } = await visitor({ "X-Debug-Geo": "US-CA" });
		const page = await load(context, "/?gclid=abc&page=1");
		expect(new URL(page.url()).search).toBe("?gclid=abc&page=1");
		for (const host of [
			"connect.facebook.net",
			"www.facebook.com",
			"googleads.g.doubleclick.net",
			"snap.licdn.com",
			"analytics.tiktok.com",
			"www.googletagmanager.com",
		]) {
			await expect.poll(() => externalHosts(urls).has(host), { message: host }).toBe(true);
		}
		await context.close();
	});

	it("an XHTML page with a gated bootstrap still parses and runs for a guarded visitor, and reaches no tracker", async () => {
		const { context, urls } = await visitor({ "X-Debug-Geo": "DE" });
		const page = await load(context, "/shop.xhtml");
		const parsed = await page.evaluate(() => ({
			xmlError: document.querySelector("parsererror")?.textContent ?? null,
			fbq: typeof (window as unknown as { fbq?: unknown }).fbq,
		}));
		await context.close();
		expect({ parsed, hosts: [...externalHosts(urls)] }).toEqual({
			parsed: { xmlError: null, fbq: "function" },
			hosts: [],
		});
	});

	it("a GPC visitor (US-CA) reaches no ad or social tracker, keeps analytics, and loses gclid", async () => {
		const before = site.requests.length;
		const { context, urls } = await visitor({ "Sec-GPC": "1", "X-Debug-Geo": "US-CA" });
		const page = await load(context, "/?gclid=abc&page=1");
		// The navigation was redirected to the clean URL.
		expect(new URL(page.url()).search).toBe("?page=1");
		await expect.poll(() => urls.some((url) => url.includes(`gtag/js?id=${GA_ID}`))).toBe(true);
		await expect.poll(() => site.requests.slice(before).some((p) => p.startsWith("/g/collect?"))).toBe(true);

		const hosts = externalHosts(urls);
		for (const host of AD_AND_SOCIAL_HOSTS) expect(hosts, host).not.toContain(host);
		expect(hosts).toContain("www.googletagmanager.com");
		expect(await page.locator("h1").textContent()).toBe("Guarded shop");
		expect(await page.evaluate(() => document.documentElement.dataset.inline)).toBe("ran");
		expect(await page.locator("#product").getAttribute("href")).toBe("/product?id=7");
		// Three ad trackers gated (inline bootstraps are each preceded by a gated script of their own
		// that, once allowed, removes the inert stand-ins: tracker-stubs.ts).
		const gated = await page
			.locator('script[type="text/plain"][data-consent="ads"]')
			.evaluateAll((els) => els.map((el) => el.textContent ?? ""));
		expect(gated.filter((text) => !text.includes("__consentEdgeStub"))).toHaveLength(3);
		expect(site.requests.slice(before)).not.toContain("/?gclid=abc&page=1");
		await page.screenshot({ path: `${ARTIFACTS}guard-us-gpc.png`, fullPage: true });
		await context.close();
	});

	it("a page the site insists on reaching with a tracking parameter loads, with no redirect loop", async () => {
		const before = site.requests.length;
		const { context } = await visitor({ "Sec-GPC": "1", "X-Debug-Geo": "US-CA" });
		// Came by a link with a click id: stripped, then the site adds its own tag back, once.
		const page = await load(context, "/campaign?gclid=abc");
		expect(new URL(page.url()).search).toBe("?utm_source=site");
		expect(await page.locator("h1").textContent()).toBe("Guarded shop");
		const asked = site.requests.slice(before).filter((p) => p.startsWith("/campaign"));
		expect(asked).toEqual(["/campaign", "/campaign?utm_source=site"]);
		await context.close();
	});

	it("a visitor opted out of everything (DE) reaches no tracker; the page renders and its own scripts run", async () => {
		const before = site.requests.length;
		const { context, urls } = await visitor({ "X-Debug-Geo": "DE" });
		const page = await load(context, "/");
		expect(await page.locator("h1").isVisible()).toBe(true);
		expect(await page.locator("#marker").textContent()).toBe("first-party script ran");
		expect(await page.evaluate(() => document.documentElement.dataset.inline)).toBe("ran");
		// Give late tracker loads a chance to show up before concluding there are none.
		await page.waitForTimeout(500);

		expect([...externalHosts(urls)]).toEqual([]);
		for (const host of [...AD_AND_SOCIAL_HOSTS, ...ANALYTICS_HOSTS]) {
			expect(urls.some((url) => hostOf(url) === host)).toBe(false);
		}
		const logo = await page.locator('img[alt="Logo"]').evaluate((img: HTMLImageElement) => img.naturalWidth);
		expect(logo).toBe(40);
		// The first-party analytics beacon was answered by the guard, never reaching the site.
		expect(urls.some((url) => url.includes("/g/collect?"))).toBe(true);
		expect(site.requests.slice(before).some((p) => p.startsWith("/g/collect"))).toBe(false);
		expect(await page.locator('script[type="text/plain"][data-consent="analytics"]').count()).toBe(2);
		await page.screenshot({ path: `${ARTIFACTS}guard-de.png`, fullPage: true });
		await context.close();
	});
});
