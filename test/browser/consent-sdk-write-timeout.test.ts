/**
 * The SDK's writes when the worker takes them and never answers (a connection accepted, then
 * nothing): after 10 s the write counts as failed, as one answered 503 does, so the page's promise
 * settles, a refusal holds on the page and is sent again, and the console says it timed out rather
 * than the browser's bare AbortError. A write that timed out may still have landed: its retry is the
 * same PUT of the same denials, so saving it twice stores the same choice. The page's clock is
 * Playwright's, paused, so the 10 s and the retry's backoff pass only when a test moves it on.
 */
import type { BrowserContext, Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("consent.js write timeouts");

const UNSAVED_KEY = "consent-edge-unsaved";
const WRITES = /\/v1\/(consent|opt-out)$/;
const REFUSAL = { analytics: false, personalization: false, ads: false, sale: false };

describe.skipIf(!hasChromium)("consent.js when a write is never answered", () => {
	let server: WorkerServer;
	let browser: import("playwright-core").Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	/**
	 * A visitor of `geo` whose writes hang while `state.hang` is true: with `land`, the worker has
	 * stored the write (it was forwarded and answered) but the answer never reaches the page. `sent`
	 * holds each write's body; `release` lets the held ones go (the page has given up on them by then).
	 */
	async function site(geo: string, land = false) {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
		await serveTestSite(context, server.origin, { gtag: true });
		const state = { hang: true, sent: [] as unknown[] };
		const held: (() => void)[] = [];
		await context.route(WRITES, async (route: Route) => {
			const request = route.request();
			if (request.method() === "GET") return route.continue();
			state.sent.push(request.postDataJSON());
			if (!state.hang) return route.continue();
			if (land) await route.fetch().catch(() => {});
			await new Promise<void>((resolve) => held.push(resolve));
			await route.abort("timedout").catch(() => {});
		});
		const release = () => {
			for (const go of held.splice(0)) go();
		};
		return { context, state, release };
	}

	/** The page, its clock paused, and the console errors it logs. */
	async function open(context: BrowserContext) {
		const page = await context.newPage();
		const errors: string[] = [];
		page.on("console", (message) => {
			if (message.type() === "error" && message.text().startsWith("consent-edge:"))
				errors.push(message.text());
		});
		await page.clock.install();
		await page.clock.pauseAt(Date.now() + 1_000);
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		return { page, errors };
	}

	/** Calls `method` on consentEdge; what it settled with lands in the returned object's `outcome`. */
	function call(page: Page, method: "rejectAll" | "acceptAll" | "optOut") {
		const result: { outcome?: Record<string, unknown> } = {};
		void page
			.evaluate(
				(m) =>
					window.consentEdge[m]().then(
						() => ({ saved: true }) as Record<string, unknown>,
						(err) => ({
							saved: false,
							code: err.code,
							message: err.message,
							retrying: err.retrying === true,
						}),
					),
				method,
			)
			// A write left hanging is still unsettled when the test closes the page.
			.then(
				(outcome) => (result.outcome = outcome),
				() => {},
			);
		return result;
	}

	const stored = (page: Page) =>
		page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), UNSAVED_KEY);

	it("a refusal never answered fails after 10 s, holds on the page, and is sent again until saved", async () => {
		const { context, state } = await site("US-CA");
		const { page, errors } = await open(context);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		const result = call(page, "rejectAll");
		await expect.poll(() => state.sent.length).toBe(1);
		await page.clock.runFor(9_800);
		await page.waitForTimeout(300);
		expect(result.outcome).toBeUndefined();

		await page.clock.runFor(300);
		await expect
			.poll(() => result.outcome)
			.toEqual({
				saved: false,
				code: "timeout",
				message: "consent-edge: saving the choice timed out after 10 s",
				retrying: true,
			});
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect((await stored(page)).d).toEqual(["analytics", "personalization", "ads", "sale"]);

		// Sent again 2 s later (hanging too: one more timeout, logged once, and one more try 4 s after).
		await page.clock.runFor(2_100);
		await expect.poll(() => state.sent.length).toBe(2);
		await page.clock.runFor(10_100);
		await expect.poll(() => errors).toContain("consent-edge: saving the choice timed out after 10 s");
		expect(errors.filter((e) => e.includes("timed out"))).toHaveLength(1);
		expect(errors.join("\n")).not.toMatch(/AbortError|aborted/);

		// The worker answers the third: the refusal is saved and the page stops sending it.
		state.hang = false;
		await page.clock.runFor(4_100);
		await expect.poll(() => state.sent.length).toBe(3);
		await page.waitForFunction((key) => localStorage.getItem(key) === null, UNSAVED_KEY);
		expect(state.sent).toEqual([{ purposes: REFUSAL }, { purposes: REFUSAL }, { purposes: REFUSAL }]);
		const fromWorker = await page.evaluate(() =>
			fetch("/v1/consent", { credentials: "include" }).then((r) => r.json()),
		);
		expect(fromWorker.purposes).toMatchObject(REFUSAL);
		await page.clock.runFor(600_000);
		await page.waitForTimeout(300);
		expect(state.sent).toHaveLength(3);
		await context.close();
	});

	it("a refusal that landed though its answer never came is saved again as the same choice", async () => {
		const { context, state } = await site("US-CA", true);
		const { page } = await open(context);
		const result = call(page, "optOut");
		await expect.poll(() => state.sent.length).toBe(1);
		await page.clock.runFor(10_100);
		await expect.poll(() => result.outcome?.retrying).toBe(true);
		state.hang = false;
		await page.clock.runFor(2_100);
		await page.waitForFunction((key) => localStorage.getItem(key) === null, UNSAVED_KEY);
		expect(state.sent).toEqual([{}, { purposes: { ...REFUSAL, email: false } }]);
		const fromWorker = await page.evaluate(() =>
			fetch("/v1/consent", { credentials: "include" }).then((r) => r.json()),
		);
		expect(fromWorker.purposes).toMatchObject({ ...REFUSAL, email: false });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		await context.close();
	});

	it("an Accept all never answered fails after 10 s, changes nothing and is not sent again", async () => {
		const { context, state } = await site("DE");
		const { page } = await open(context);
		const result = call(page, "acceptAll");
		await expect.poll(() => state.sent.length).toBe(1);
		await page.clock.runFor(10_100);
		await expect.poll(() => result.outcome).toMatchObject({ saved: false, code: "timeout", retrying: false });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await stored(page)).toBeNull();
		await page.clock.runFor(600_000);
		await page.waitForTimeout(300);
		expect(state.sent).toHaveLength(1);
		await context.close();
	});

	it("the banner's Reject all never answered says the refusal holds and is being saved, after 10 s", async () => {
		const { context, release } = await site("DE");
		const { page, errors } = await open(context);
		const dialog = page.locator("#ce-banner");
		await dialog.waitFor({ state: "visible" });
		await dialog.locator('[data-consent-action="reject-all"]').click();
		await page.clock.runFor(10_100);
		await page.waitForFunction(() => document.querySelector('#ce-banner [role="alert"]')?.textContent !== "");
		expect(await dialog.getByRole("alert").textContent()).toBe(
			"Tracking is off on this page, but your choice is not saved yet. We will keep trying.",
		);
		expect(errors).toEqual(["consent-edge: saving the choice timed out after 10 s"]);
		release();
		await context.close();
	});
});
