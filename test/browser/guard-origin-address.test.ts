/**
 * A site that names its own address (ORIGIN's host, not the visitor's) behind the guard, in
 * Chromium: the worker is visited as `localhost` while ORIGIN is `127.0.0.1`, two hosts to the
 * browser. A cookie the site scopes to its own host is kept (a login's session), and a refresh to its
 * own URL, in the header or (for guarded visitors) in the page, lands on the visitor's host, never on
 * ORIGIN's, for allowed and guarded visitors alike.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { serveProxyOrigin } from "./proxy-origin";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("the guard's rewriting of ORIGIN's address");

const VISITORS = { allowed: { "X-Debug-Geo": "US-CA" }, guarded: { "X-Debug-Geo": "DE" } } as const;

describe.skipIf(!hasChromium)("a site naming its own address behind the guard", () => {
	let browser: Browser;
	let server: WorkerServer;
	guardedSiteWithChromium(serveProxyOrigin, (started) => {
		({ browser, server } = started);
	});

	/** The worker's address as the visitor's browser knows it: another host than ORIGIN's. */
	const visitorOrigin = () => server.origin.replace("127.0.0.1", "localhost");

	for (const [name, headers] of Object.entries(VISITORS)) {
		it(`keeps the cookie it scopes to its own host, for ${name} visitors`, async () => {
			const context = await browser.newContext({ extraHTTPHeaders: headers });
			try {
				const page = await context.newPage();
				const res = await page.goto(`${visitorOrigin()}/own-address`);
				expect(res?.status()).toBe(200);
				const cookies = await context.cookies(visitorOrigin());
				expect(cookies.find((cookie) => cookie.name === "sid")?.value).toBe("s1");
			} finally {
				await context.close();
			}
		});

		const refreshes = name === "guarded" ? ["header", "meta"] : ["header"];
		for (const via of refreshes) {
			it(`follows a refresh (${via}) to its own URL onto the visitor's host, for ${name} visitors`, async () => {
				const context = await browser.newContext({ extraHTTPHeaders: headers });
				try {
					const page = await context.newPage();
					const landed = page.waitForURL(/\/landed\?/, { timeout: 10_000 });
					await page.goto(`${visitorOrigin()}/own-address?refresh=${via}`);
					await landed;
					expect(page.url()).toBe(`${visitorOrigin()}/landed?via=${via}`);
				} finally {
					await context.close();
				}
			});
		}
	}
});
