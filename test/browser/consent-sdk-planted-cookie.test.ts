/**
 * A host that may set cookies for a parent domain of the worker's (a sibling subdomain) can plant a
 * `ce_consent` of its own with a longer Path, which `document.cookie` lists before the visitor's. Its
 * signature is for the worker alone to check, so the SDK must not decide from it: with more than one
 * `ce_consent` it asks the worker, which keeps the visitor's own denials (planted-visitor-id.test.ts).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("consent.js with a planted ce_consent");

const PURPOSES = ["analytics", "personalization", "ads", "sale"];

describe.skipIf(!hasChromium)("consent.js beside a planted ce_consent", () => {
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		server = await serveWorker();
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it("keeps the visitor's opt-out when a fresh one allowing everything is listed first", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const page = await context.newPage();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		await page.evaluate(() => window.consentEdge.optOut());
		const own = (await context.cookies()).find((cookie) => cookie.name === "ce_consent");
		expect(own).toBeDefined();
		// The planter's copy: the visitor's own, rewritten to allow everything, fresh, for another subject.
		const [body = "", signature = ""] = (own?.value ?? "").split(".");
		const fields = JSON.parse(Buffer.from(body, "base64url").toString());
		const everything = Object.fromEntries(PURPOSES.map((purpose) => [purpose, 1]));
		const planted = { ...fields, s: "v:planted", d: { ...fields.d, ...everything }, p: everything };
		planted.i = Math.floor(Date.now() / 1000);
		const host = new URL(server.origin).hostname;
		await context.addCookies([
			{
				name: "ce_consent",
				value: `${Buffer.from(JSON.stringify(planted)).toString("base64url")}.${signature}`,
				domain: host,
				path: TEST_PAGE_PATH,
			},
			{ name: "ce_vid", value: `planted${"x".repeat(20)}`, domain: host, path: "/v1", httpOnly: true },
		]);
		expect(await page.evaluate(() => document.cookie.split("; ")[0]?.startsWith("ce_consent="))).toBe(true);

		const lookups: string[] = [];
		page.on("request", (request) => {
			if (new URL(request.url()).pathname === "/v1/consent") lookups.push(request.method());
		});
		await page.reload();
		await page.evaluate(() => window.consentEdge.ready());
		for (const purpose of PURPOSES)
			expect(await page.evaluate((p) => window.consentEdge.allows(p), purpose), purpose).toBe(false);
		expect(lookups).toEqual(["GET"]);
		await context.close();
	});
});
