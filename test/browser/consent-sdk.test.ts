/**
 * The SDK in a real browser against `wrangler dev`: Global Privacy Control in the US, an opt-in
 * jurisdiction (DE) before and after a choice, the zero-round-trip cookie path, Consent Mode,
 * the __gpp CMP API (stub queue, listeners, iframes) and gated scripts. The DE pages turn the built-in
 * banner off (consent-banner.test.ts covers it), as a site with its own banner would.
 */
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, Page, Response as PageResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH, type TestPageOptions } from "./test-site";

warnIfNoChromium("consent.js");

const DENIED_DEFAULT = {
	ad_storage: "denied",
	ad_user_data: "denied",
	ad_personalization: "denied",
	analytics_storage: "denied",
	functionality_storage: "granted",
	personalization_storage: "denied",
	security_storage: "granted",
	wait_for_update: 500,
};
const GATED_AND_NEVER_RUN = ["ads+analytics inline", "no purposes", "unknown purpose"];

/** dataLayer entries as plain arrays, with whether each was an Arguments object (as gtag pushes). */
/**
 * Holds back the answers to the page's `method` requests for /v1/consent: the worker answers at once
 * (and records a write), but the page gets the answer, and its cookie, only once `release` is called,
 * as a slow network would deliver it.
 */
async function holdConsentAnswers(page: Page, method: string): Promise<() => void> {
	let release = () => {};
	const held = new Promise<void>((resolve) => {
		release = resolve;
	});
	await page.route("**/v1/consent", async (route) => {
		if (route.request().method() !== method) return route.continue();
		const response = await route.fetch();
		await held;
		await route.fulfill({ response });
	});
	return release;
}

/** Waits for a response of the page that `matches`, or a second: what a request sent at once takes. */
async function answeredWithinASecond(
	page: Page,
	matches: (response: PageResponse) => boolean,
): Promise<void> {
	await Promise.race([page.waitForResponse(matches), new Promise((resolve) => setTimeout(resolve, 1_000))]);
}

function readDataLayer(page: Page) {
	return page.evaluate(() =>
		Array.from(window.dataLayer, (entry) => ({
			isArguments: Object.prototype.toString.call(entry) === "[object Arguments]",
			args: Array.from(entry as ArrayLike<unknown>),
		})),
	);
}

function gpp(page: Page, command: string, parameter?: unknown) {
	return page.evaluate(
		([c, p]) =>
			new Promise<{ data: unknown; success: boolean }>((resolve) => {
				window.__gpp(c as string, (data, success) => resolve({ data, success }), p);
			}),
		[command, parameter] as const,
	);
}

describe.skipIf(!hasChromium)("consent.js in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		server = await serveWorker();
		browser = await launchChromium();
		await mkdir(ARTIFACTS, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	async function newSite(headers: Record<string, string>, page: TestPageOptions, gpc: boolean) {
		const context = await browser.newContext({ extraHTTPHeaders: headers });
		if (gpc) {
			await context.addInitScript(() => {
				Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {
					get: () => true,
					configurable: true,
				});
			});
		}
		await serveTestSite(context, server.origin, page);
		return context;
	}

	async function open(context: BrowserContext) {
		const page = await context.newPage();
		const consentCalls: string[] = [];
		page.on("request", (request) => {
			if (new URL(request.url()).pathname.startsWith("/v1/")) consentCalls.push(request.method());
		});
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.waitForLoadState("load");
		return { page, consentCalls };
	}

	it("under GPC in the US: denies ads at once, runs analytics tags, answers __gpp", async () => {
		const context = await newSite({ "Sec-GPC": "1" }, { gtag: true }, true);
		const { page, consentCalls } = await open(context);
		const doc = await page.evaluate(() => window.consentEdge.ready());
		await page.waitForFunction(() => window.ran.includes("analytics file"));

		expect(doc.jurisdiction).toMatch(/^US-/);
		expect(doc.gpc).toBe(true);
		expect(doc.purposes).toMatchObject({ essential: true, analytics: true, ads: false, sale: false });
		expect(doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc", analytics: "default" });
		expect(consentCalls).toEqual(["GET"]);

		// Known before the server answered: GPC denials and essential; nothing else yet.
		expect(await page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: undefined,
			ads: false,
			sale: false,
		});
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBe(true);
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);
		expect(await page.locator('[role="dialog"], [data-consent-action]').count()).toBe(0);
		// Documents are frozen: a page cannot talk the SDK into an allowance.
		const tampered = await page.evaluate(async () => {
			const d = await window.consentEdge.ready();
			try {
				d.purposes.ads = true;
			} catch {
				// Strict-mode callers get a TypeError; either way nothing changes.
			}
			return { ads: window.consentEdge.allows("ads"), frozen: Object.isFrozen(d.purposes) };
		});
		expect(tampered).toEqual({ ads: false, frozen: true });

		const ran = await page.evaluate(() => window.ran);
		expect(ran).toEqual(
			expect.arrayContaining([
				"queued ping: loaded, not ready, true",
				"essential inline",
				"analytics inline",
				"analytics file",
				"page end",
			]),
		);
		for (const never of ["ads inline", "ads file", ...GATED_AND_NEVER_RUN]) expect(ran).not.toContain(never);
		expect(ran).toHaveLength(5);
		expect(await page.locator('script[type="text/plain"][data-consent~="ads"]').count()).toBe(4);

		// Consent Mode: the denied default comes first, with Google's ads data redaction (ad_storage is
		// denied), before gtag('js') and gtag('config').
		const layer = await readDataLayer(page);
		expect(layer[0]).toEqual({ isArguments: true, args: ["consent", "default", DENIED_DEFAULT] });
		expect(layer[1]).toEqual({ isArguments: true, args: ["set", "ads_data_redaction", true] });
		expect(layer[2]?.args[0]).toBe("js");
		expect(layer[3]?.args).toEqual(["config", "G-TEST123"]);
		expect(layer[4]).toEqual({ isArguments: true, args: ["consent", "update", doc.consentMode] });
		expect(layer).toHaveLength(5);
		expect(doc.consentMode).toMatchObject({ ad_storage: "denied", analytics_storage: "granted" });

		// __gpp: ready, the usnat section with the GPC subsection set.
		const ping = await gpp(page, "ping");
		expect(ping.success).toBe(true);
		expect(ping.data).toMatchObject({
			gppVersion: "1.1",
			cmpStatus: "loaded",
			signalStatus: "ready",
			applicableSections: [7],
			sectionList: [7],
			supportedAPIs: ["7:usnat"],
			gppString: doc.gpp,
			parsedSections: doc.gppSections,
		});
		expect((ping.data as { gppString: string }).gppString).toMatch(/^DBABLA~.+\.YA$/);
		expect(await gpp(page, "hasSection", "usnat")).toEqual({ data: true, success: true });
		expect(await gpp(page, "hasSection", "usca")).toEqual({ data: false, success: true });
		expect(await gpp(page, "getField", "usnat.SaleOptOut")).toEqual({ data: 1, success: true });
		expect(await gpp(page, "getField", "usnat.Gpc")).toEqual({ data: true, success: true });
		expect(await gpp(page, "getField", "usnat.NoSuchField")).toEqual({ data: null, success: true });
		expect(await gpp(page, "getField", "usnat.constructor")).toEqual({ data: null, success: true });
		expect(await gpp(page, "getSection", "usnat")).toEqual({ data: doc.gppSections.usnat, success: true });
		expect(await gpp(page, "noSuchCommand")).toEqual({ data: null, success: false });

		// The listener registered with the stub was adopted and heard the whole chain.
		expect(await page.evaluate(() => window.gppEvents)).toEqual([
			{ eventName: "listenerRegistered", data: true, signalStatus: "not ready" },
			{ eventName: "cmpStatus", data: "loaded", signalStatus: "not ready" },
			{ eventName: "sectionChange", data: "usnat", signalStatus: "not ready" },
			{ eventName: "signalStatus", data: "ready", signalStatus: "ready" },
		]);
		const added = await page.evaluate(
			() =>
				new Promise<{ id: number; removed: unknown }>((resolve) => {
					window.__gpp("addEventListener", (event) => {
						const id = (event as { listenerId: number }).listenerId;
						window.__gpp("removeEventListener", (removed) => resolve({ id, removed }), id);
					});
				}),
		);
		expect(added).toEqual({ id: 2, removed: true });

		// Frames reach the CMP through __gppLocator and postMessage (object and string forms).
		expect(await page.locator('iframe[name="__gppLocator"]').count()).toBe(1);
		await page.evaluate(() => {
			const frame = document.createElement("iframe");
			frame.srcdoc = `<script>
				var cmp = parent.frames.__gppLocator ? parent : null;
				addEventListener("message", function (e) {
					var d = typeof e.data === "string" ? JSON.parse(e.data) : e.data;
					if (d && d.__gppReturn) parent.frameReplies.push({ asString: typeof e.data === "string", reply: d.__gppReturn });
				});
				cmp.postMessage({ __gppCall: { command: "ping", version: "1.1", callId: 1 } }, "*");
				cmp.postMessage(JSON.stringify({ __gppCall: { command: "getField", parameter: "usnat.Gpc", version: "1.1", callId: "two" } }), "*");
			</script>`;
			document.body.appendChild(frame);
		});
		await page.waitForFunction(() => window.frameReplies.length === 2);
		const replies = (await page.evaluate(() => window.frameReplies)) as {
			asString: boolean;
			reply: { returnValue: { gppString?: string }; success: boolean; callId: unknown };
		}[];
		const byId = Object.fromEntries(replies.map((r) => [String(r.reply.callId), r]));
		expect(byId["1"]?.asString).toBe(false);
		expect(byId["1"]?.reply.success).toBe(true);
		expect(byId["1"]?.reply.returnValue.gppString).toBe(doc.gpp);
		expect(byId.two).toEqual({ asString: true, reply: { returnValue: true, success: true, callId: "two" } });

		await page.screenshot({ path: `${ARTIFACTS}consent-sdk-us-gpc.png`, fullPage: true });

		// A second page view within the cookie's trust window decides without any round trip.
		const again = await open(context);
		const fromCookie = await again.page.evaluate(() => window.consentEdge.ready());
		expect(again.consentCalls).toEqual([]);
		expect(await again.page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: true,
			ads: false,
			sale: false,
		});
		expect(fromCookie).toEqual(doc);
		expect((await gpp(again.page, "ping")).data).toMatchObject({ signalStatus: "ready", gppString: doc.gpp });
		await again.page.waitForFunction(() => window.ran.includes("analytics file"));
		const layer2 = await readDataLayer(again.page);
		// The decision known at load is the default and, as the contract says, the update that follows.
		// ad_storage is denied from the start, so Google's ads data redaction follows the default.
		expect(layer2[0]?.args).toEqual(["consent", "default", doc.consentMode]);
		expect(layer2[1]?.args).toEqual(["set", "ads_data_redaction", true]);
		expect(layer2[2]?.args).toEqual(["consent", "update", doc.consentMode]);
		expect(layer2).toHaveLength(5);
		await context.close();
	});

	it("in an opt-in jurisdiction (DE): runs nothing gated until the visitor allows ads", async () => {
		const context = await newSite({ "X-Debug-Geo": "DE" }, { gtag: false, banner: "off" }, false);
		const { page, consentCalls } = await open(context);
		const doc = await page.evaluate(() => window.consentEdge.ready());
		expect(doc).toMatchObject({
			jurisdiction: "DE",
			gpc: false,
			gpp: "",
			gppSid: [],
			gppSections: {},
			prompt: true,
		});
		expect(doc.purposes).toEqual({
			essential: true,
			analytics: false,
			personalization: false,
			ads: false,
			sale: false,
			email: false,
		});
		expect(await page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: undefined,
			ads: undefined,
			sale: undefined,
		});
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(true);

		// Another page view in the trust window rebuilds the very same document from the cookie.
		const second = await open(context);
		expect(await second.page.evaluate(() => window.consentEdge.ready())).toEqual(doc);
		expect(second.consentCalls).toEqual([]);
		await second.page.close();

		// A gated script added while denied stays inert.
		await page.evaluate(() => {
			const late = document.createElement("script");
			late.type = "text/plain";
			late.setAttribute("data-consent", "ads");
			late.text = 'ran.push("late ads, added while denied");';
			document.body.appendChild(late);
		});
		await page.waitForTimeout(200);
		expect(await page.evaluate(() => window.ran)).toEqual([
			"queued ping: loaded, not ready, true",
			"essential inline",
			"page end",
		]);
		const ping = await gpp(page, "ping");
		expect(ping.data).toMatchObject({
			signalStatus: "ready",
			applicableSections: [-1],
			gppString: "",
			sectionList: [],
		});
		expect(await gpp(page, "hasSection", "usnat")).toEqual({ data: false, success: true });
		expect(await gpp(page, "getSection", "usnat")).toEqual({ data: null, success: true });

		// Only dataLayer exists: the SDK pushes Arguments objects as gtag would, and updates once decided.
		const layer = await readDataLayer(page);
		expect(layer[0]).toEqual({ isArguments: true, args: ["consent", "default", DENIED_DEFAULT] });
		expect(layer[1]).toEqual({ isArguments: true, args: ["set", "ads_data_redaction", true] });
		expect(layer[2]).toEqual({ isArguments: false, args: [] });
		expect(layer[3]).toEqual({ isArguments: true, args: ["consent", "update", doc.consentMode] });
		expect(layer).toHaveLength(4);

		const saved = await page.evaluate(() => window.consentEdge.set({ ads: true, sale: true }));
		expect(saved.purposes).toMatchObject({ ads: true, sale: true, analytics: false });
		expect(saved.reasons).toMatchObject({ ads: "explicit", sale: "explicit" });
		expect(consentCalls).toEqual(["GET", "PUT"]);
		await page.waitForFunction(() => window.ran.includes("ads file"));
		const ran = await page.evaluate(() => window.ran);
		expect(ran.slice(3).sort()).toEqual(["ads file", "ads inline", "late ads, added while denied"]);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(await page.evaluate(() => window.changes)).toEqual([saved]);
		expect((await readDataLayer(page)).at(-1)).toEqual({
			isArguments: true,
			args: [
				"consent",
				"update",
				{ ...doc.consentMode, ad_storage: "granted", ad_user_data: "granted", ad_personalization: "granted" },
			],
		});
		expect(await page.evaluate(() => window.gppEvents.map((e) => `${e.eventName}:${e.data}`))).toEqual([
			"listenerRegistered:true",
			"cmpStatus:loaded",
			"signalStatus:ready",
			"signalStatus:not ready",
			"signalStatus:ready",
		]);

		// Scripts added once allowed run at once.
		await page.evaluate(() => {
			const late = document.createElement("div");
			late.innerHTML =
				'<script type="text/plain" data-consent="ads sale" data-src="/test-assets/late.js"></script>';
			document.body.appendChild(late);
			// A gated tag appended on its own (no parent brought with it).
			const leaf = document.createElement("script");
			leaf.type = "text/plain";
			leaf.setAttribute("data-consent", "ads");
			leaf.text = 'ran.push("late leaf, added once allowed");';
			document.body.appendChild(leaf);
		});
		await page.waitForFunction(() => window.ran.includes("late file"));
		expect(await page.evaluate(() => window.ran.includes("late leaf, added once allowed"))).toBe(true);
		await page.screenshot({ path: `${ARTIFACTS}consent-sdk-de-after-set.png`, fullPage: true });

		// Reload: the cookie now decides synchronously, identical to the server's answer.
		const again = await open(context);
		expect(await again.page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: false,
			ads: true,
			sale: true,
		});
		expect(await again.page.evaluate(() => window.consentEdge.ready())).toEqual(saved);
		expect(again.consentCalls).toEqual([]);
		await again.page.waitForFunction(() => window.ran.includes("ads file"));
		expect(await again.page.evaluate(() => window.ran.includes("analytics inline"))).toBe(false);

		// rejectAll() denies the banner's purposes (PUT, like the banner; marketing email is not one of
		// them and keeps its default); onChange hears it; Consent Mode denied.
		const rejected = await again.page.evaluate(() => window.consentEdge.rejectAll());
		expect(rejected.purposes).toEqual({
			essential: true,
			analytics: false,
			personalization: false,
			ads: false,
			sale: false,
			email: false,
		});
		expect(rejected.reasons).toMatchObject({ analytics: "explicit", sale: "explicit", email: "default" });
		expect(rejected.prompt).toBe(false);
		expect(again.consentCalls).toEqual(["PUT"]);
		expect(await again.page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await again.page.evaluate(() => window.changes.map((d) => d.purposes.ads))).toEqual([false]);
		expect((await readDataLayer(again.page)).at(-1)?.args).toEqual([
			"consent",
			"update",
			{ ...doc.consentMode },
		]);
		// optOut() is the opt-out endpoint (POST), answering the same denials.
		const optedOut = await again.page.evaluate(() => window.consentEdge.optOut());
		expect(optedOut.purposes).toEqual(rejected.purposes);
		expect(again.consentCalls).toEqual(["PUT", "POST"]);
		await context.close();
	});

	it("on a site the worker does not guard (no ORIGIN), an opt-out loads no guard runtime", async () => {
		const context = await newSite({ "X-Debug-Geo": "US-TX" }, { gtag: true, banner: "off" }, false);
		const { page } = await open(context);
		const requests: string[] = [];
		page.on("request", (request) => {
			requests.push(new URL(request.url()).pathname);
		});
		expect(
			await page.evaluate(() => window.consentEdge.ready().then(() => window.consentEdge.allows("ads"))),
		).toBe(true);
		await page.evaluate(() => window.consentEdge.optOut());
		await page.waitForTimeout(300);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(requests.filter((path) => path.startsWith("/v1/guard/"))).toEqual([]);
		expect(await page.evaluate(() => "__consentEdgeRuntime" in window)).toBe(false);
		await context.close();
	});

	it("trusts only the denials of a cookie older than ten minutes, then asks the worker", async () => {
		const context = await newSite({ "X-Debug-Geo": "DE" }, { gtag: true, banner: "off" }, false);
		const first = await open(context);
		await first.page.evaluate(() => window.consentEdge.set({ ads: true, sale: true }));
		await first.page.close();

		const page = await context.newPage();
		await page.clock.install({ time: Date.now() + 11 * 60_000 });
		const calls: string[] = [];
		page.on("request", (r) => {
			if (new URL(r.url()).pathname === "/v1/consent") calls.push(r.method());
		});
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		expect(await page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: false,
			ads: undefined,
			sale: undefined,
		});
		const doc = await page.evaluate(() => window.consentEdge.ready());
		expect(calls).toEqual(["GET"]);
		expect(doc.purposes).toMatchObject({ ads: true, sale: true, analytics: false });
		const layer = await readDataLayer(page);
		expect(layer[0]?.args).toEqual(["consent", "default", DENIED_DEFAULT]);
		await context.close();
	});

	it("keeps a choice's cookie when the first lookup's older answer would arrive after it", async () => {
		const context = await newSite({ "X-Debug-Geo": "DE" }, { gtag: true, banner: "off" }, false);
		const page = await context.newPage();
		// The first lookup's answer (DE defaults: ads denied) is held back.
		const release = await holdConsentAnswers(page, "GET");
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.waitForLoadState("load");
		const choice = page.evaluate(() => window.consentEdge.set({ ads: true, sale: true }));
		// A write sent at once would be answered here, before the lookup's answer is released.
		await answeredWithinASecond(page, (r) => r.request().method() === "PUT");
		release();
		expect((await choice).purposes).toMatchObject({ ads: true, sale: true });
		await page.close();

		// The next page view decides from the cookie alone: it must be the choice's, not the lookup's.
		const again = await open(context);
		expect(await again.page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: false,
			ads: true,
			sale: true,
		});
		expect(again.consentCalls).toEqual([]);
		await context.close();
	});

	it("keeps an opt-out's cookie when the choice made just before it would be answered after it", async () => {
		const context = await newSite({ "X-Debug-Geo": "DE" }, { gtag: true, banner: "off" }, false);
		const page = await context.newPage();
		// The choice's answer (and its cookie: ads allowed) is held back.
		const release = await holdConsentAnswers(page, "PUT");
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		const both = page.evaluate(() =>
			Promise.all([window.consentEdge.set({ ads: true, sale: true }), window.consentEdge.optOut()]),
		);
		// An opt-out sent at once would be answered here, before the choice's answer is released.
		await answeredWithinASecond(page, (r) => r.url().endsWith("/v1/opt-out"));
		release();
		const [choice, optOut] = await both;
		await page.close();

		// The next page view decides from the cookie alone: it must be the opt-out's.
		const again = await open(context);
		expect(await again.page.evaluate(() => window.early)).toEqual({
			essential: true,
			analytics: false,
			ads: false,
			sale: false,
		});
		expect(again.consentCalls).toEqual([]);
		// Sent one after the other, each answered with its own state.
		expect(choice.purposes).toMatchObject({ ads: true, sale: true });
		expect(optOut.purposes).toMatchObject({ ads: false, sale: false });
		await context.close();
	});
});
