/**
 * The banner once a choice has outlived CONSENT_LIFETIME_DAYS (set to ~6 s here, so a loaded machine
 * still answers well within it after the renewal): it asks again,
 * and giving the same answer again closes it, restores what was allowed and keeps it closed on the
 * next page. A later visit is simulated by dropping the short-lived `ce_consent` cookie (its
 * allowances are only trusted for minutes anyway), keeping the visitor's `ce_vid`.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("banner renewal");

const NAME = "Your privacy choices";
const LIFETIME_DAYS = "0.00007";
const LAPSE_MS = 6_500;

describe.skipIf(!hasChromium)("the banner after a choice has lapsed, in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		server = await serveWorker({ vars: { CONSENT_LIFETIME_DAYS: LIFETIME_DAYS } });
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	async function laterVisit(context: BrowserContext) {
		await new Promise((resolve) => setTimeout(resolve, LAPSE_MS));
		await context.clearCookies({ name: "ce_consent" });
		const page = await context.newPage();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		return page;
	}

	it.each([
		["Accept all", true],
		["Reject all", false],
	])("%s again closes it for good", async (button, allowed) => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "DE" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const first = await context.newPage();
		await first.goto(`${server.origin}${TEST_PAGE_PATH}`);
		const dialog = first.getByRole("dialog", { name: NAME, exact: true });
		await dialog.waitFor({ state: "visible" });
		await dialog.getByRole("button", { name: button, exact: true }).click();
		await dialog.waitFor({ state: "detached" });

		const later = await laterVisit(context);
		const asked = later.getByRole("dialog", { name: NAME, exact: true });
		await asked.waitFor({ state: "visible" });
		expect(await later.evaluate(() => window.consentEdge.allows("analytics"))).toBe(false);

		await asked.getByRole("button", { name: button, exact: true }).click();
		// The answer is saved and the banner closes, as it did the first time.
		await asked.waitFor({ state: "detached", timeout: 5_000 });
		expect(await later.evaluate(() => window.consentEdge.allows("analytics"))).toBe(allowed);
		expect(await later.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);

		await later.reload();
		await later.evaluate(() => window.consentEdge.ready());
		await later.waitForTimeout(250);
		expect(await later.locator('[role="dialog"]').count()).toBe(0);
		await context.close();
	});
});
