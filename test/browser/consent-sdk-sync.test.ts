/**
 * The SDK follows a choice made elsewhere while its page stays open: in another tab of the same site
 * (the page is focused again) and in the preference centre the Back button leaves (the page comes
 * back from the back/forward cache). Headless Chromium keeps every tab `visible`, so the tab case goes
 * through the real `focus` event: with Playwright's focus emulation off, bringToFront() blurs and
 * focuses the pages' windows as a visitor switching tabs does. Playwright turns the back/forward cache
 * off; this browser keeps it on. A US visitor, so ads start allowed and an opt-out changes the usnat
 * GPP section. Also: a stale cookie goes through the worker, a write in flight is left to its own
 * answer, and a page on another site (which cannot read the cookie) stays as it is.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("consent.js sync");

/**
 * A shop on another site than the worker's 127.0.0.1: `localhost` (allowed by ALLOWED_ORIGINS), served
 * for real, since Chromium keeps a page it cannot place on loopback from loading the worker's script.
 */
async function serveShop(workerOrigin: () => string): Promise<{ origin: string; close(): Promise<void> }> {
	const shop = createServer((_request, response) => {
		response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
		response.end(`<!doctype html><html lang="en"><head><title>Shop</title>
<script src="${workerOrigin()}/consent.js" data-banner="off"></script>
<script>window.changes = []; consentEdge.onChange(function (doc) { changes.push(doc); });</script>
</head><body><p>A shop on another site.</p></body></html>`);
	});
	await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
	const address = shop.address() as AddressInfo;
	return {
		origin: `http://localhost:${address.port}`,
		close: () => new Promise<void>((resolve) => shop.close(() => resolve())),
	};
}

describe.skipIf(!hasChromium)("consent.js follows a choice made elsewhere", () => {
	let server: WorkerServer;
	let browser: Browser;
	let shop: Awaited<ReturnType<typeof serveShop>>;

	beforeAll(async () => {
		shop = await serveShop(() => server.origin);
		server = await serveWorker({ vars: { ALLOWED_ORIGINS: shop.origin } });
		browser = await launchChromium([], { backForwardCache: true });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await shop?.close();
	});

	async function newSite(geo = "US-CA"): Promise<BrowserContext> {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
		await context.addInitScript(() => {
			window.pageshows = [];
			window.focuses = 0;
			addEventListener("pageshow", (event) => window.pageshows.push(event.persisted));
			addEventListener("focus", () => window.focuses++);
		});
		await serveTestSite(context, server.origin, { gtag: true });
		return context;
	}

	/** A tab on the test page, decided, counting its requests to the API from now on. */
	async function openTab(context: BrowserContext, adsAllowed = true) {
		const page = await context.newPage();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(adsAllowed);
		const calls: string[] = [];
		page.on("request", (request) => {
			const url = new URL(request.url());
			if (url.pathname.startsWith("/v1/")) calls.push(`${request.method()} ${url.pathname}`);
		});
		// Real window focus and blur when tabs come to the front (see the module comment).
		const cdp = await context.newCDPSession(page);
		await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
		return { page, calls };
	}

	/** What the page's onChange listener, Consent Mode and GPP listener heard. */
	function heard(page: Page) {
		return page.evaluate(() => ({
			changes: window.changes.map((doc) => doc.purposes.ads),
			layer: Array.from(window.dataLayer, (entry) => Array.from(entry)),
			gpp: window.gppEvents.map((event) => `${event.eventName}:${event.data}`),
		}));
	}

	/** The visitor switches to `other` and back to `page`; resolves once `page` has its focus event. */
	async function switchAwayAndBack(page: Page, other: Page) {
		await other.bringToFront();
		await page.waitForFunction(() => !document.hasFocus());
		const focuses = await page.evaluate(() => window.focuses);
		await page.bringToFront();
		await page.waitForFunction((before) => window.focuses > before, focuses);
	}

	it("focusing a tab again with ce_consent unchanged changes nothing and asks nothing", async () => {
		const context = await newSite();
		const a = await openTab(context);
		const b = await openTab(context);
		const before = await heard(a.page);

		await switchAwayAndBack(a.page, b.page);
		await a.page.waitForTimeout(300);
		expect(a.calls).toEqual([]);
		expect(await heard(a.page)).toEqual(before);
		expect(await a.page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		await context.close();
	});

	it("an opt-out in another tab reaches this tab when it is focused again, before its next gated tag", async () => {
		const context = await newSite();
		const a = await openTab(context);
		const b = await openTab(context);
		const before = await heard(a.page);
		expect(before.changes).toEqual([]);

		const optedOut = await b.page.evaluate(() => window.consentEdge.optOut());
		expect(optedOut.purposes).toMatchObject({ ads: false, sale: false, analytics: false });
		// A page script that adds an ads tag whenever its window is focused, after the SDK heard it.
		await a.page.evaluate(() =>
			addEventListener("focus", () => {
				const tag = document.createElement("script");
				tag.type = "text/plain";
				tag.setAttribute("data-consent", "ads");
				tag.text = 'ran.push("ads tag added on focus");';
				document.body.appendChild(tag);
			}),
		);

		await switchAwayAndBack(a.page, b.page);
		expect(await a.page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await a.page.evaluate(() => window.consentEdge.ready())).toEqual(optedOut);
		await a.page.waitForTimeout(300);
		expect(await a.page.evaluate(() => window.ran)).not.toContain("ads tag added on focus");
		const after = await heard(a.page);
		expect(after.changes).toEqual([false]);
		expect(after.layer.slice(0, before.layer.length)).toEqual(before.layer);
		expect(after.layer.slice(before.layer.length)).toEqual([["consent", "update", optedOut.consentMode]]);
		expect(optedOut.consentMode).toMatchObject({ ad_storage: "denied", analytics_storage: "denied" });
		// The GPP CMP API's chain for a change: signalStatus first and last.
		expect(after.gpp.slice(before.gpp.length)).toEqual([
			"signalStatus:not ready",
			"sectionChange:usnat",
			"signalStatus:ready",
		]);
		// The fresh cookie decided: no lookup.
		expect(a.calls).toEqual([]);
		await context.close();
	});

	it("an opt-out in the preference centre reaches the page the Back button restores from the bfcache", async () => {
		const context = await newSite();
		const { page } = await openTab(context);
		const before = await heard(page);

		await page.goto(`${server.origin}/preferences`);
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?saved=1`),
			page.getByRole("button", { name: "Opt out of everything", exact: true }).click(),
		]);
		await page.goBack();
		// A page restored from the bfcache fires no load event: wait for its pageshow instead.
		await page.goBack({ waitUntil: "commit" });
		await page.waitForFunction(() => window.pageshows?.length === 2);
		expect(await page.evaluate(() => window.pageshows)).toEqual([false, true]);

		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		const after = await heard(page);
		expect(after.changes).toEqual([false]);
		expect(after.layer.slice(before.layer.length)).toEqual([
			["consent", "update", expect.objectContaining({ ad_storage: "denied" })],
		]);
		// The GPP CMP API's chain for a change: signalStatus first and last.
		expect(after.gpp.slice(before.gpp.length)).toEqual([
			"signalStatus:not ready",
			"sectionChange:usnat",
			"signalStatus:ready",
		]);
		await context.close();
	});

	it("follows on visibilitychange too (dispatched: headless Chromium never hides a tab)", async () => {
		const context = await newSite();
		const a = await openTab(context);
		const b = await openTab(context);
		await b.page.evaluate(() => window.consentEdge.optOut());

		await a.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
		expect(await a.page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect((await heard(a.page)).changes).toEqual([false]);
		expect(a.calls).toEqual([]);
		await context.close();
	});

	it("a choice in another tab's banner closes this tab's banner, and allows its tags, when it is focused again", async () => {
		const context = await newSite("DE");
		const a = await openTab(context, false);
		const b = await openTab(context, false);
		for (const tab of [a, b]) await tab.page.getByRole("dialog").waitFor();

		await b.page.getByRole("button", { name: "Accept all", exact: true }).click();
		await b.page.getByRole("dialog").waitFor({ state: "detached" });
		await switchAwayAndBack(a.page, b.page);

		expect(await a.page.getByRole("dialog").count()).toBe(0);
		expect(await a.page.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);
		expect(await a.page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		await a.page.waitForFunction(() => window.ran.includes("ads file"));
		expect((await heard(a.page)).changes).toEqual([true]);
		expect(a.calls).toEqual([]);
		await context.close();
	});

	it("a changed ce_consent too old to trust alone is followed through the worker", async () => {
		const context = await newSite();
		const a = await openTab(context);
		const b = await openTab(context);
		// Tab A's clock runs 11 minutes ahead: tab B's fresh cookie is past the trust window for it.
		await a.page.clock.setFixedTime(Date.now() + 11 * 60_000);

		await b.page.evaluate(() => window.consentEdge.optOut());
		await switchAwayAndBack(a.page, b.page);
		await a.page.waitForFunction(() => window.changes.length === 1);

		expect(a.calls).toEqual(["GET /v1/consent"]);
		expect(await a.page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect((await heard(a.page)).changes).toEqual([false]);
		await context.close();
	});

	it("a write of this page in flight is not overtaken by the cookie another tab left", async () => {
		const context = await newSite();
		const a = await openTab(context);
		const b = await openTab(context);
		// Tab A's choice reaches the worker at once; its answer (and cookie) only when released.
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		await a.page.route("**/v1/consent", async (route) => {
			if (route.request().method() !== "PUT") return route.continue();
			const response = await route.fetch();
			await held;
			await route.fulfill({ response });
		});

		await b.page.evaluate(() => window.consentEdge.optOut());
		const sent = a.page.waitForRequest((request) => request.method() === "PUT");
		const choice = a.page.evaluate(() => window.consentEdge.set({ analytics: true }));
		await sent;
		await switchAwayAndBack(a.page, b.page);
		release();
		const answer = await choice;

		// The choice's answer already holds the opt-out; applied once, it is the only change heard.
		expect(answer.purposes).toMatchObject({ ads: false, sale: false, analytics: true });
		expect(await a.page.evaluate(() => window.changes)).toEqual([answer]);
		expect(a.calls).toEqual(["PUT /v1/consent"]);
		await context.close();
	});

	it("on another site, where ce_consent cannot be read, keeps its decision and asks nothing", async () => {
		const context = await newSite();
		const page = await context.newPage();
		const calls: string[] = [];
		page.on("request", (request) => {
			// The SDK's own requests (the preference centre's form posts are navigations).
			if (request.resourceType() === "fetch" && request.url().startsWith(`${server.origin}/v1/`))
				calls.push(request.method());
		});
		await page.goto(`${shop.origin}/`);
		await page.evaluate(() => window.consentEdge.ready());
		expect(calls).toEqual(["GET"]);
		expect(await page.evaluate(() => document.cookie)).toBe("");

		// The visitor opts out on the worker's own site, then comes Back to the shop.
		await page.goto(`${server.origin}/preferences`);
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?saved=1`),
			page.getByRole("button", { name: "Opt out of everything", exact: true }).click(),
		]);
		await page.goBack();
		await page.goBack({ waitUntil: "commit" });
		await page.waitForFunction(() => window.pageshows?.length === 2);
		expect(await page.evaluate(() => window.pageshows)).toEqual([false, true]);
		const other = await context.newPage();
		await (await context.newCDPSession(page)).send("Emulation.setFocusEmulationEnabled", { enabled: false });
		await switchAwayAndBack(page, other);
		await page.waitForTimeout(300);
		expect(calls).toEqual(["GET"]);
		expect(await page.evaluate(() => window.changes)).toEqual([]);

		// What a lookup would have said: the cross-site request carries no SameSite=Lax cookie, so the
		// worker cannot tell this visitor from a new one (the decision stays until the page loads again).
		const lookup = await page.evaluate(
			(api) => fetch(`${api}/v1/consent`, { credentials: "include" }).then((r) => r.json()),
			server.origin,
		);
		expect(lookup.purposes.ads).toBe(true);
		await context.close();
	});
});
