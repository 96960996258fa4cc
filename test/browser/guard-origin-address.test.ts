/**
 * A site that names its own address (ORIGIN's host, not the visitor's) behind the guard, in
 * Chromium: the worker is visited as `localhost` while ORIGIN is `127.0.0.1`, two hosts to the
 * browser. A cookie the site scopes to its own host is kept (a login's session), and a refresh to its
 * own URL, in the header or (for guarded visitors) in the page, lands on the visitor's host, never on
 * ORIGIN's, for allowed and guarded visitors alike. A guarded page whose meta refresh names itself
 * with the site's own campaign tag ends on a page instead of refreshing to itself for ever.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { ProxyOrigin } from "./proxy-origin";
import { serveProxyOrigin } from "./proxy-origin";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("the guard's rewriting of ORIGIN's address");

const VISITORS = { allowed: { "X-Debug-Geo": "US-CA" }, guarded: { "X-Debug-Geo": "DE" } } as const;

describe.skipIf(!hasChromium)("a site naming its own address behind the guard", () => {
	let browser: Browser;
	let server: WorkerServer;
	let site: ProxyOrigin;
	guardedSiteWithChromium(serveProxyOrigin, (started) => {
		({ browser, server, site } = started);
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

	/** The origin's requests for a path since `from`, as their targets. */
	const targetsSince = (from: number, path: string) =>
		site.seen
			.slice(from)
			.map((request) => request.target)
			.filter((target) => target.startsWith(path));

	it("ends a guarded page's meta refresh to itself with a campaign tag on the tagged page (read whole)", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: VISITORS.guarded });
		try {
			const page = await context.newPage();
			const from = site.seen.length;
			const landed = page.waitForURL(/utm_source=site/, { timeout: 10_000 });
			await page.goto(`${visitorOrigin()}/self-refresh`);
			await landed;
			// Long enough for dozens of refreshes, had the page gone round in circles.
			await page.waitForTimeout(1_500);
			expect(page.url()).toBe(`${visitorOrigin()}/self-refresh?utm_source=site`);
			expect(await page.title()).toBe("tagged");
			expect(targetsSince(from, "/self-refresh")).toEqual(["/self-refresh", "/self-refresh?utm_source=site"]);
		} finally {
			await context.close();
		}
	});

	it("leaves such a meta refresh out of a streamed guarded page: the visitor stays", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: VISITORS.guarded });
		try {
			const page = await context.newPage();
			const from = site.seen.length;
			await page.goto(`${visitorOrigin()}/self-refresh?length=none`);
			await page.waitForTimeout(1_500);
			expect(page.url()).toBe(`${visitorOrigin()}/self-refresh?length=none`);
			expect(await page.title()).toBe("self");
			expect(targetsSince(from, "/self-refresh")).toEqual(["/self-refresh?length=none"]);
		} finally {
			await context.close();
		}
	});
});
