/**
 * The SDK's first lookup failing (the worker unreachable as the page loads, or never answering): the
 * page fails closed, as it must, and the lookup is made again once the worker can answer: when the
 * visitor comes back to the page, when the browser is back online, and, backing off, while the page
 * stays open. Only one lookup is in flight at a time, and nothing is allowed before the worker (or a
 * fresh cookie) has said so. A lookup that hangs fails after 10 s; one answered `degraded` (a second
 * `wrangler dev` over a D1 without its migrations cannot read the stored choice) is asked again too.
 * The page's clock is Playwright's, paused, so the backoff's timers fire only when a test moves it on.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";
import { serveTestSite, TEST_PAGE_PATH, testPageHtml } from "./test-site";

warnIfNoChromium("consent.js lookup retries");

describe.skipIf(!hasChromium)("consent.js when its first lookup fails", () => {
	let server: WorkerServer;
	// The worker over an unmigrated D1, answering lookups `degraded` (started for those tests only).
	let broken: WorkerServer | undefined;
	let browser: Browser;
	let failures = 0;
	// What the page logged for them.
	let logged: string[] = [];
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	/** Waits until the page has seen `n` lookups fail: its next try is scheduled only then. */
	const failed = (n: number) => expect.poll(() => failures).toBe(n);

	/**
	 * A US visitor (ads allowed by default), whose lookups get no answer (the connection is refused)
	 * while `down` is true, or none yet while `held` is, or the broken worker's while `degraded` is;
	 * `lookups` counts the ones the page sent.
	 */
	async function site() {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		// The test page without its closing ready() call, which would ask again as the page loads (a
		// second lookup, or not, as the first has failed by then or not): the tests count lookups.
		const html = testPageHtml({ gtag: true });
		const end = html.lastIndexOf("<script");
		await context.route(`${server.origin}${TEST_PAGE_PATH}`, (route) =>
			route.fulfill({
				contentType: "text/html; charset=utf-8",
				body: html.slice(0, end) + html.slice(html.indexOf("</script>", end) + 9),
			}),
		);
		const state = { down: true, held: false, degraded: false, lookups: 0 };
		let release = () => {};
		await context.route("**/v1/consent", async (route) => {
			if (route.request().method() !== "GET") return route.continue();
			state.lookups++;
			if (state.held) await new Promise<void>((resolve) => (release = resolve));
			if (state.down) return route.abort("connectionrefused");
			if (state.degraded && broken) {
				const response = await route.fetch({ url: broken.origin + new URL(route.request().url()).pathname });
				return route.fulfill({ response });
			}
			return route.continue();
		});
		return { context, state, release: () => release() };
	}

	/** The page, and how many failed lookups it has handled (each is logged as it is). */
	async function open(context: BrowserContext): Promise<Page> {
		const page = await context.newPage();
		failures = 0;
		logged = [];
		page.on("console", (message) => {
			if (message.type() !== "error" || !message.text().startsWith("consent-edge:")) return;
			failures++;
			logged.push(message.text());
		});
		// Paused: an installed clock otherwise runs on in real time, and a loaded machine's seconds would
		// fire the backoff's timers between a test's steps.
		await page.clock.install();
		await page.clock.pauseAt(Date.now() + 1_000);
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		return page;
	}

	const readyOutcome = (page: Page) =>
		page.evaluate(() =>
			window.consentEdge.ready().then(
				(doc) => `ready: ads ${doc.purposes.ads}`,
				() => "rejected",
			),
		);

	async function expectFailedClosed(page: Page) {
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBeUndefined();
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBeUndefined();
		const ran = await page.evaluate(() => window.ran);
		for (const tag of ["ads inline", "ads file", "analytics inline", "analytics file"]) {
			expect(ran).not.toContain(tag);
		}
		expect(ran).toContain("essential inline");
	}

	it("fails closed, then applies the worker's decision once the visitor comes back to the page", async () => {
		const { context, state } = await site();
		const page = await open(context);
		await expect.poll(() => state.lookups).toBe(1);
		// Its failure handled: until then ready() would wait on that lookup instead of making its own.
		await failed(1);
		// The page itself asks: ready() rejects, and asking again makes one more lookup (still down).
		expect(await readyOutcome(page)).toBe("rejected");
		expect(state.lookups).toBe(2);
		await expectFailedClosed(page);

		// The worker answers again; the visitor switches back to the tab.
		state.down = false;
		await page.evaluate(() => window.dispatchEvent(new Event("focus")));
		await expect.poll(() => page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(state.lookups).toBe(3);
		await page.waitForFunction(() => window.ran.includes("ads file"));
		expect(await page.evaluate(() => window.ran)).toContain("ads inline");
		expect(await readyOutcome(page)).toBe("ready: ads true");
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBe(true);
		// A decision known: coming back again costs no lookup (the cookie is unchanged).
		await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
		await page.waitForTimeout(300);
		expect(state.lookups).toBe(3);
		await context.close();
	});

	it("retries when the browser is back online", async () => {
		const { context, state } = await site();
		const page = await open(context);
		await expect.poll(() => state.lookups).toBe(1);
		// Its failure handled: while a lookup is in flight, going online asks nothing more.
		await failed(1);
		await context.setOffline(true);
		state.down = false;
		await context.setOffline(false);
		await expect.poll(() => page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(state.lookups).toBe(2);
		await page.waitForFunction(() => window.ran.includes("analytics file"));
		await context.close();
	});

	it("retries while the page stays open, backing off, never two at once, allowing nothing meanwhile", async () => {
		const { context, state, release } = await site();
		const page = await open(context);
		await failed(1);
		// 2 s, then 4 s after that: one lookup each, none before.
		await page.clock.runFor(1_900);
		expect(state.lookups).toBe(1);
		await page.clock.runFor(200);
		await failed(2);
		expect(state.lookups).toBe(2);
		await page.clock.runFor(3_800);
		expect(state.lookups).toBe(2);
		await page.clock.runFor(300);
		await failed(3);
		expect(state.lookups).toBe(3);
		await expectFailedClosed(page);

		// The next one hangs (a slow worker): coming back to the page, or going online, adds none.
		state.held = true;
		await page.clock.runFor(8_100);
		await expect.poll(() => state.lookups).toBe(4);
		await page.evaluate(() => {
			window.dispatchEvent(new Event("focus"));
			window.dispatchEvent(new Event("online"));
			document.dispatchEvent(new Event("visibilitychange"));
		});
		await page.clock.runFor(9_000);
		await page.waitForTimeout(300);
		expect(state.lookups).toBe(4);
		await expectFailedClosed(page);

		// It answers at last, the worker being back: the decision applies, and no more lookups follow.
		state.held = false;
		state.down = false;
		release();
		await expect.poll(() => page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		await page.clock.runFor(600_000);
		await page.waitForTimeout(300);
		expect(state.lookups).toBe(4);
		await context.close();
	});

	it("stops backing off after about eight and a half minutes; coming back to the page still retries", async () => {
		const { context, state } = await site();
		const page = await open(context);
		await failed(1);
		// 2, 4 … 256 s: eight more lookups, then none while the page is left alone.
		for (let i = 1; i <= 8; i++) {
			await page.clock.runFor(2 ** i * 1_000 + 100);
			await failed(1 + i);
			expect(state.lookups).toBe(1 + i);
		}
		await page.clock.runFor(3_600_000);
		await page.waitForTimeout(300);
		expect(state.lookups).toBe(9);
		state.down = false;
		await page.evaluate(() => window.dispatchEvent(new Event("focus")));
		await expect.poll(() => page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(state.lookups).toBe(10);
		await context.close();
	});

	it("gives up on a lookup that hangs after 10 s: fails closed, then tries again on the schedule", async () => {
		const { context, state } = await site();
		state.down = false;
		state.held = true;
		const page = await open(context);
		await expect.poll(() => state.lookups).toBe(1);
		let outcome = "";
		void readyOutcome(page).then((o) => (outcome = o));
		await page.clock.runFor(9_800);
		await page.waitForTimeout(300);
		expect(outcome).toBe("");
		expect(failures).toBe(0);
		await page.clock.runFor(300);
		await failed(1);
		await expect.poll(() => outcome).toBe("rejected");
		await expectFailedClosed(page);
		expect(state.lookups).toBe(1);
		// Said plainly, once, not as the browser's bare AbortError.
		expect(logged).toEqual(["consent-edge: lookup timed out after 10 s; asking again"]);

		// The worker answers the next one, 2 s later.
		state.held = false;
		await page.clock.runFor(2_100);
		await expect.poll(() => page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(state.lookups).toBe(2);
		await context.close();
	});

	it("sends a write queued behind a hanging lookup once the lookup has timed out", async () => {
		const { context, state } = await site();
		state.down = false;
		state.held = true;
		const page = await open(context);
		await expect.poll(() => state.lookups).toBe(1);
		let saved = "";
		void page
			.evaluate(() =>
				window.consentEdge.set({ analytics: false }).then(
					(doc) => `saved: analytics ${doc.purposes.analytics}`,
					(err) => `not saved: ${err.status}`,
				),
			)
			.then((s) => (saved = s));
		await page.clock.runFor(9_800);
		await page.waitForTimeout(300);
		expect(saved).toBe("");
		await page.clock.runFor(300);
		await failed(1);
		await expect.poll(() => saved).toBe("saved: analytics false");
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBe(false);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		await context.close();
	});

	describe("when the first lookup is answered degraded", () => {
		let brokenDir: string;
		beforeAll(async () => {
			brokenDir = await mkdtemp(join(tmpdir(), "consent-edge-no-migrations-"));
			broken = await serveWorker({ persistTo: brokenDir, vars: { ALLOWED_ORIGINS: server.origin } });
		});
		afterAll(async () => {
			await broken?.stop();
			broken = undefined;
			if (brokenDir) await rm(brokenDir, { recursive: true, force: true });
		});

		it("stays closed as the answer says and asks again, backing off and when the visitor comes back", async () => {
			const { context, state } = await site();
			state.down = false;
			state.degraded = true;
			// A returning visitor: for a new one there is no stored choice to read, so no degraded answer.
			await context.addCookies([{ name: "ce_vid", value: "AAAAAAAAAAAAAAAAAAAAAAAA", url: server.origin }]);
			const page = await open(context);
			await failed(1);
			expect(state.lookups).toBe(1);
			expect(await page.evaluate(() => window.consentEdge.ready().then((doc) => doc.reasons.ads))).toBe(
				"degraded",
			);
			expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
			expect(await page.evaluate(() => window.ran)).not.toContain("ads inline");

			// Asked again 2 s later (still degraded), and when the visitor comes back to the page.
			await page.clock.runFor(1_900);
			expect(state.lookups).toBe(1);
			await page.clock.runFor(200);
			await failed(2);
			expect(state.lookups).toBe(2);
			await page.evaluate(() => window.dispatchEvent(new Event("focus")));
			await failed(3);
			expect(state.lookups).toBe(3);
			expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);

			// The storage is back: the next try applies the stored decision, and no more lookups follow.
			state.degraded = false;
			await page.clock.runFor(8_100);
			await expect.poll(() => page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
			expect(state.lookups).toBe(4);
			await page.waitForFunction(() => window.ran.includes("ads file"));
			await page.evaluate(() => window.dispatchEvent(new Event("focus")));
			await page.clock.runFor(600_000);
			await page.waitForTimeout(300);
			expect(state.lookups).toBe(4);
			await context.close();
		});
	});
});
