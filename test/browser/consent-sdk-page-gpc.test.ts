/**
 * GPC seen only by the page, in Chromium: `navigator.globalPrivacyControl` is true (defined by an
 * init script) and no request carries `Sec-GPC`. The SDK passes the page's signal to the worker
 * (`?gpc=1` on its calls), so the opt-out is recorded for the visitor and follows them to lookups
 * that never see the page (a server's keyed lookup), as the header's would.
 */
import type { Browser, BrowserContext, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { TEST_SECRETS, type WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("page GPC");

type Doc = {
	subject: string;
	gpc: boolean;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
};
type Records = { records: { source: string; gpc: boolean; purposes: Record<string, boolean> }[] };

async function exposeGpc(context: BrowserContext): Promise<void> {
	await context.addInitScript(() =>
		Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
	);
}

describe.skipIf(!hasChromium)("GPC from navigator.globalPrivacyControl alone", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	function keyedGet<T>(path: string): Promise<T> {
		return fetch(`${server.origin}${path}`, {
			headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}`, "X-Debug-Geo": "US-CA" },
		}).then((res) => res.json() as Promise<T>);
	}

	/** The subject's records once one has source `gpc` (written in the background), or after 5 s. */
	async function recordsOnceGpc(subject: string) {
		let records: Records["records"] = [];
		for (let i = 0; i < 50; i++) {
			records = (await keyedGet<Records>(`/v1/subjects/${subject}/records`)).records;
			if (records.some((r) => r.source === "gpc")) break;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		return records;
	}

	async function view(context: BrowserContext) {
		const page = await context.newPage();
		const calls: Request[] = [];
		page.on("request", (request) => {
			if (new URL(request.url()).pathname.startsWith("/v1/")) calls.push(request);
		});
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		const doc = await page.evaluate(() => window.consentEdge.ready());
		// Let a lookup made beside a cookie's decision answer.
		await page.waitForLoadState("networkidle");
		return { page, doc: doc as Doc, calls };
	}

	it("a known visitor: after the SDK runs, the worker has recorded the GPC opt-out", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true, banner: "off" });
		// A first view without the signal: a known visitor (ce_vid), ads allowed, nothing recorded.
		const before = await view(context);
		expect(before.doc).toMatchObject({ gpc: false, purposes: { ads: true, sale: true } });
		const { subject } = before.doc;
		expect((await keyedGet<Records>(`/v1/subjects/${subject}/records`)).records).toEqual([]);
		await before.page.close();

		// The browser now exposes GPC to pages only. The view's fresh cookie says the worker was not told.
		await exposeGpc(context);
		const after = await view(context);
		expect(after.doc).toMatchObject({ gpc: true, purposes: { ads: false, sale: false } });
		expect(after.calls.length).toBeGreaterThan(0);
		for (const call of after.calls) {
			expect(call.headers()["sec-gpc"]).toBeUndefined();
			expect(new URL(call.url()).searchParams.get("gpc")).toBe("1");
		}
		const records = await recordsOnceGpc(subject);
		expect(records).toEqual([
			expect.objectContaining({ source: "gpc", gpc: true, purposes: { ads: false, sale: false } }),
		]);
		// A server's lookup of the visitor, without the signal, finds the opt-out.
		const server_ = await keyedGet<Doc>(`/v1/consent?subject=${subject}`);
		expect(server_.purposes).toMatchObject({ ads: false, sale: false, analytics: true });
		expect(server_.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });

		// Told once: the next view decides from the cookie the worker signed with the signal, no call.
		await after.page.close();
		const third = await view(context);
		expect(third.calls).toEqual([]);
		expect(third.doc).toMatchObject({ gpc: true, purposes: { ads: false, sale: false } });
		await context.close();
	});

	it("the SDK's writes carry it too: a choice is recorded with the signal, as under Sec-GPC", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await exposeGpc(context);
		await serveTestSite(context, server.origin, { gtag: true, banner: "off" });
		const first = await view(context);
		expect(first.calls.map((c) => `${c.method()} ${new URL(c.url()).search}`)).toEqual(["GET ?gpc=1"]);
		const saved = (await first.page.evaluate(() => window.consentEdge.set({ analytics: false }))) as Doc;
		expect(saved).toMatchObject({ gpc: true, purposes: { ads: false, sale: false, analytics: false } });
		// The GPC record is written in the background, after the answer.
		const records = await recordsOnceGpc(saved.subject);
		expect(records.map((r) => [r.source, r.gpc])).toEqual([
			["gpc", true],
			["ui", true],
		]);
		await context.close();
	});
});
