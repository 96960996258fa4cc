/**
 * The signals an ad tag and a site owner read from the SDK in a real browser: the GPC state and
 * GPP string when the browser sends `Sec-GPC: 1` but page JavaScript lacks
 * `navigator.globalPrivacyControl` (some extensions), Consent Mode when the SDK loads first in the
 * head and Google's snippet follows it (as the README places it), the __gpp answers before the
 * decision is known, and the order of __gpp events around the banner.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("consent signals");

const HEAD_FIRST_PATH = "/head-first.html";

/**
 * A page as the README asks for it: /consent.js first in the head, then Google's tag snippet, which
 * creates dataLayer, queues gtag('js') and gtag('config') (and GTM's gtm.js event).
 */
const HEAD_FIRST_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>head first</title>
<script src="/consent.js" data-banner="off"></script>
<script>
window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
dataLayer.push({ "gtm.start": Date.now(), event: "gtm.js" });
gtag("js", new Date());
gtag("config", "G-TEST123");
</script>
</head>
<body><p>content</p></body>
</html>`;

function gpp(page: Page, command: string, parameter?: unknown) {
	return page.evaluate(
		([c, p]) =>
			new Promise<{ data: unknown; success: boolean }>((resolve) => {
				window.__gpp(c as string, (data, success) => resolve({ data, success }), p);
			}),
		[command, parameter] as const,
	);
}

/** dataLayer entries, in order: consent commands as `consent <action>`, others by their first value. */
function dataLayerNames(page: Page) {
	return page.evaluate(() =>
		Array.from(window.dataLayer as unknown as ArrayLike<unknown>[], (entry) => {
			const args = Array.from(entry as ArrayLike<unknown>);
			if (args.length === 0) return `event ${(entry as unknown as { event?: string }).event}`;
			return args[0] === "consent" ? `consent ${args[1]}` : String(args[0]);
		}),
	);
}

const LATE_SDK_PATH = "/late-sdk.html";

/**
 * A page whose GPP stub is shaped as the IAB's 1.1 example (queue and events kept on __gpp, ping and
 * addEventListener answered at once, a message handler and the __gppLocator frame) and whose frame
 * calls the CMP by postMessage before /consent.js, loaded last, has replaced the stub.
 */
const LATE_SDK_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>late SDK</title>
<script>
window.__gpp = function () {
	var g = window.__gpp, a = arguments;
	g.queue = g.queue || [];
	g.events = g.events || [];
	if (!a.length) return g.queue;
	var stubPing = { gppVersion: "1.1", cmpStatus: "stub", cmpDisplayStatus: "hidden", signalStatus: "not ready",
		supportedAPIs: [], cmpId: 0, sectionList: [], applicableSections: [-1], gppString: "", parsedSections: {} };
	if (a[0] === "ping") return a[1](stubPing, true);
	if (a[0] === "addEventListener") {
		g.lastId = (g.lastId || 0) + 1;
		g.events.push({ id: g.lastId, callback: a[1], parameter: a[2] });
		return a[1]({ eventName: "listenerRegistered", listenerId: g.lastId, data: true, pingData: stubPing }, true);
	}
	g.queue.push([].slice.apply(a));
};
window.__gpp_msghandler = function (event) {
	var isString = typeof event.data === "string", data;
	try { data = isString ? JSON.parse(event.data) : event.data; } catch (e) { return; }
	if (!data || typeof data !== "object" || !data.__gppCall) return;
	var call = data.__gppCall;
	window.__gpp(call.command, function (value, success) {
		var reply = { __gppReturn: { returnValue: value, success: success, callId: call.callId } };
		event.source.postMessage(isString ? JSON.stringify(reply) : reply, "*");
	}, call.parameter);
};
window.addEventListener("message", window.__gpp_msghandler);
</script>
</head>
<body>
<iframe name="__gppLocator" style="display:none"></iframe>
<iframe id="vendor" srcdoc="<script>
window.replies = [];
addEventListener('message', function (e) {
	var d = typeof e.data === 'string' ? JSON.parse(e.data) : e.data;
	if (d && d.__gppReturn) replies.push(d.__gppReturn);
});
var cmp = parent.frames.__gppLocator ? parent : null;
cmp.postMessage({ __gppCall: { command: 'addEventListener', version: '1.1', callId: 'listen' } }, '*');
cmp.postMessage(JSON.stringify({ __gppCall: { command: 'getField', parameter: 'usnat.Gpc', version: '1.1', callId: 'field' } }), '*');
</script>"></iframe>
<script>
document.getElementById("vendor").addEventListener("load", function () {
	var sdk = document.createElement("script");
	sdk.src = "/consent.js";
	sdk.setAttribute("data-banner", "off");
	document.body.appendChild(sdk);
});
</script>
</body>
</html>`;

describe.skipIf(!hasChromium)("signals in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	async function openTestPage(context: BrowserContext) {
		const page = await context.newPage();
		const consentCalls: string[] = [];
		page.on("request", (request) => {
			if (new URL(request.url()).pathname.startsWith("/v1/")) consentCalls.push(request.method());
		});
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.waitForLoadState("load");
		return { page, consentCalls };
	}

	it("Sec-GPC: 1 without navigator.globalPrivacyControl: every page view reports GPC", async () => {
		// The header alone (an extension that sets it but not the JS property); the page is US-CA.
		const context = await browser.newContext({
			extraHTTPHeaders: { "Sec-GPC": "1", "X-Debug-Geo": "US-CA" },
		});
		await serveTestSite(context, server.origin, { gtag: true });
		const first = await openTestPage(context);
		expect(await first.page.evaluate(() => "globalPrivacyControl" in navigator)).toBe(false);
		const fetched = await first.page.evaluate(() => window.consentEdge.ready());
		expect(first.consentCalls).toEqual(["GET"]);
		expect(fetched.gpc).toBe(true);
		expect(fetched.gpp).toMatch(/\.YA$/);
		expect(await gpp(first.page, "getField", "usnat.Gpc")).toEqual({ data: true, success: true });

		// The next page view decides from the fresh cookie: the same browser still sends the signal.
		const second = await openTestPage(context);
		const fromCookie = await second.page.evaluate(() => window.consentEdge.ready());
		expect(second.consentCalls).toEqual([]);
		expect(fromCookie.gpc).toBe(true);
		expect(fromCookie.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(fromCookie.gpp).toBe(fetched.gpp);
		expect(await gpp(second.page, "getField", "usnat.Gpc")).toEqual({ data: true, success: true });
		expect(fromCookie).toEqual(fetched);
		await context.close();
	});

	it("Sec-GPC: 1 turned on after ce_consent was issued: the next view reports GPC and never grants an ad type", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const before = await openTestPage(context);
		expect((await before.page.evaluate(() => window.consentEdge.ready())).purposes).toMatchObject({
			ads: true,
			sale: true,
		});
		// An extension that sends only the header is switched on: ce_consent (fresh) says nothing of it.
		await context.setExtraHTTPHeaders({ "X-Debug-Geo": "US-CA", "Sec-GPC": "1" });
		const after = await openTestPage(context);
		const doc = await after.page.evaluate(() => window.consentEdge.ready());
		expect([doc.gpc, doc.purposes.ads, doc.purposes.sale]).toEqual([true, false, false]);
		expect(doc.gpp).toMatch(/\.YA$/);
		const adStorage = await after.page.evaluate(() =>
			Array.from(window.dataLayer as unknown as ArrayLike<unknown>[])
				.map((entry) => Array.from(entry as ArrayLike<unknown>))
				.filter((args) => args[0] === "consent")
				.map((args) => `${args[1]} ${(args[2] as Record<string, string>).ad_storage}`),
		);
		expect(
			adStorage.filter((line) => line.endsWith("granted")),
			adStorage.join(", "),
		).toEqual([]);
		await context.close();
	});

	it("an IAB-shaped stub, a frame calling through it before the SDK loads: the SDK answers and tells the frame", async () => {
		const context = await browser.newContext({
			extraHTTPHeaders: { "X-Debug-Geo": "US-CA", "Sec-GPC": "1" },
		});
		await context.route(`${server.origin}${LATE_SDK_PATH}`, (route) =>
			route.fulfill({ contentType: "text/html; charset=utf-8", body: LATE_SDK_PAGE }),
		);
		const page = await context.newPage();
		await page.goto(`${server.origin}${LATE_SDK_PATH}`);
		await page.waitForFunction(() => typeof window.consentEdge === "object");
		const doc = await page.evaluate(() => window.consentEdge.ready());
		// Playwright names a frame without a name attribute by its id.
		const vendor = page.frames().find((f) => f.name() === "vendor");
		expect(vendor).toBeDefined();
		await vendor?.waitForFunction(() =>
			(window as unknown as { replies: { returnValue: { data?: string } }[] }).replies.some(
				(r) => r.returnValue?.data === "ready",
			),
		);
		const replies = (await vendor?.evaluate(() => (window as unknown as { replies: unknown[] }).replies)) as {
			callId: string;
			success: boolean;
			returnValue: Record<string, unknown> | null;
		}[];
		const listened = replies
			.filter((r) => r.callId === "listen")
			.map((r) => `${r.returnValue?.eventName}:${r.returnValue?.data}`);
		expect(listened).toEqual([
			"listenerRegistered:true",
			"cmpStatus:loaded",
			"sectionChange:usnat",
			"signalStatus:ready",
		]);
		// Registered by the stub (the SDK had not loaded), then adopted by the SDK.
		expect(replies.find((r) => r.callId === "listen")?.returnValue).toMatchObject({
			pingData: { cmpStatus: "stub" },
		});
		const last = replies.filter((r) => r.callId === "listen").at(-1)?.returnValue as {
			pingData: Record<string, unknown>;
		};
		expect(last.pingData).toMatchObject({
			signalStatus: "ready",
			gppString: doc.gpp,
			applicableSections: [7],
		});
		expect(doc.gpp).toMatch(/\.YA$/);
		// The stub queued the getField; the SDK answered it once loaded (the decision not known yet: null).
		expect(replies.filter((r) => r.callId === "field")).toEqual([
			{ callId: "field", success: true, returnValue: null },
		]);
		expect(await page.locator('iframe[name="__gppLocator"]').count()).toBe(1);
		await context.close();
	});

	it("the SDK first in the head, Google's snippet after it: the consent default precedes every tag command", async () => {
		for (const geo of ["DE", "US-CA"]) {
			const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
			await context.route(`${server.origin}${HEAD_FIRST_PATH}`, (route) =>
				route.fulfill({ contentType: "text/html; charset=utf-8", body: HEAD_FIRST_PAGE }),
			);
			for (const view of ["first view (lookup)", "second view (cookie)"]) {
				const page = await context.newPage();
				await page.goto(`${server.origin}${HEAD_FIRST_PATH}`);
				await page.evaluate(() => window.consentEdge.ready());
				await page.waitForTimeout(100);
				const names = await dataLayerNames(page);
				expect(names[0], `${geo} ${view}: ${names.join(", ")}`).toBe("consent default");
				expect(names, `${geo} ${view}`).toContain("config");
				expect(names, `${geo} ${view}`).toContain("consent update");
				await page.close();
			}
			await context.close();
		}
	});

	it("__gpp before the decision is known: loaded, not ready, nothing claimed", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const page = await context.newPage();
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		await page.route("**/v1/consent", async (route) => {
			const response = await route.fetch();
			await held;
			await route.fulfill({ response });
		});
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.waitForLoadState("load");
		expect((await gpp(page, "ping")).data).toMatchObject({
			gppVersion: "1.1",
			cmpStatus: "loaded",
			signalStatus: "not ready",
			gppString: "",
			sectionList: [],
		});
		expect(await gpp(page, "hasSection", "usnat")).toEqual({ data: null, success: true });
		expect(await gpp(page, "getSection", "usnat")).toEqual({ data: null, success: true });
		expect(await gpp(page, "getField", "usnat.SaleOptOut")).toEqual({ data: null, success: true });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBeUndefined();
		release();
		const doc = await page.evaluate(() => window.consentEdge.ready());
		expect((await gpp(page, "ping")).data).toMatchObject({ signalStatus: "ready", gppString: doc.gpp });
		expect(await page.evaluate(() => window.gppEvents.map((e) => `${e.eventName}:${e.data}`))).toEqual([
			"listenerRegistered:true",
			"cmpStatus:loaded",
			"sectionChange:usnat",
			"signalStatus:ready",
		]);
		await context.close();
	});
	it("a banner choice: signalStatus is the first and the last event of the chain (GPP CMP API)", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "DE" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const page = await context.newPage();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.locator('[data-consent-action="reject-all"]').click();
		await page.waitForFunction(() => !document.querySelector('[role="dialog"]'));
		await page.waitForFunction(() => {
			const names = window.gppEvents.map((e) => `${e.eventName}:${e.data}`);
			return names.slice(names.lastIndexOf("signalStatus:not ready")).includes("signalStatus:ready");
		});
		await page.waitForTimeout(200);
		const events = await page.evaluate(() => window.gppEvents.map((e) => `${e.eventName}:${e.data}`));
		const choice = events.slice(events.lastIndexOf("signalStatus:not ready"));
		expect(choice[0], events.join(", ")).toBe("signalStatus:not ready");
		expect(choice.at(-1), events.join(", ")).toBe("signalStatus:ready");
		expect(choice).toContain("cmpDisplayStatus:hidden");
		await context.close();
	});

	it("a choice made in another tab: signalStatus turns not ready before the section changes, then ready", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const { page } = await openTestPage(context);
		const first = await page.evaluate(() => window.consentEdge.ready());
		expect(first.gppSections.usnat).toMatchObject({ SaleOptOut: 2 });
		const other = await openTestPage(context);
		await other.page.evaluate(() => window.consentEdge.ready());
		await other.page.evaluate(() => window.consentEdge.set({ sale: false }));
		await page.evaluate(() => {
			window.gppEvents.length = 0;
			window.dispatchEvent(new Event("focus"));
		});
		await page.waitForFunction(() => window.consentEdge.allows("sale") === false);
		const events = await page.evaluate(() => window.gppEvents.map((e) => `${e.eventName}:${e.data}`));
		expect(events).toEqual(["signalStatus:not ready", "sectionChange:usnat", "signalStatus:ready"]);
		expect(await gpp(page, "getField", "usnat.SaleOptOut")).toEqual({ data: 1, success: true });
		await context.close();
	});
});
