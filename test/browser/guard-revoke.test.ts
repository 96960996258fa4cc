/**
 * A visitor the guard let through at load (no runtime on the page) who says no on the page: the SDK
 * loads the guard's runtime for the purposes now denied, from the worker's origin, under the version
 * a guarded page names and with the page's script nonce, so the trackers' later requests stop as for
 * a visitor denied at load (runtime-site.ts's bundle, run again as round 2 after the choice). Also: a
 * choice picked up from another tab, a runtime already on the page for `ads` when the visitor then
 * denies `analytics`, an allowed visitor whose trackers still run, and a page on another site that
 * embeds the guard worker's SDK, which loads nothing extra. Requests to anything but the worker are
 * answered locally, and every one the browser makes is recorded.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { RUNTIME_HOSTS, type RuntimeSite, serveRuntimeSite } from "./runtime-site";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("guard runtime after an on-page refusal");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const VISITORS = {
	/** US defaults allow every purpose: the guard passes the page through without its runtime. */
	allowed: { "X-Debug-Geo": "US-TX" },
	/** GPC opts out of `ads` only: the page comes with the runtime for `ads`. */
	adsDenied: { "Sec-GPC": "1", "X-Debug-Geo": "US-TX" },
} as const;
const TRACKER_HOSTS = [...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics];

interface Round {
	readonly fetch: number;
	readonly xhr: string;
	readonly beacon: boolean;
	readonly fbScript: readonly (string | null)[];
}

/** A page on another site than the worker's (`localhost`, allowed to write) embedding its SDK. */
async function serveShop(workerOrigin: () => string): Promise<{ origin: string; close(): Promise<void> }> {
	const shop = createServer((_request, response) => {
		response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
		response.end(`<!doctype html><html lang="en"><head><title>Shop</title>
<script src="${workerOrigin()}/consent.js" data-banner="off"></script>
</head><body><p>A shop on another site.</p></body></html>`);
	});
	await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
	const { port } = shop.address() as AddressInfo;
	return {
		origin: `http://localhost:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				shop.closeAllConnections();
				shop.close(() => resolve());
			}),
	};
}

describe.skipIf(!hasChromium)("the guard's runtime after a refusal on the page", () => {
	let site: RuntimeSite;
	let shop: Awaited<ReturnType<typeof serveShop>>;
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		site = await serveRuntimeSite();
		shop = await serveShop(() => server.origin);
	});
	servedWithChromium(
		(started) => {
			({ server, browser } = started);
		},
		() => ({ vars: { ORIGIN: site.origin, ALLOWED_ORIGINS: shop.origin } }),
	);
	afterAll(async () => {
		await shop?.close();
		await site?.close();
	});

	/** The runtime's URL on a page the guard rewrote for a visitor denied `deny` (its tag's src). */
	async function guardedRuntimeUrl(deny: string): Promise<string> {
		const page = await (await fetch(`${server.origin}/runtime`, { headers: { "X-Debug-Geo": "DE" } })).text();
		const src = /<script src="([^"]*\/v1\/guard\/runtime\.js[^"]*)"/.exec(page)?.[1] ?? "";
		const url = new URL(src.replace(/&amp;/g, "&"), server.origin);
		expect(url.searchParams.get("deny")).toBe("ads,analytics");
		url.searchParams.set("deny", deny);
		return url.href.replace("%2C", ",");
	}

	async function newContext(headers: Record<string, string>) {
		const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		context.on("request", (request) => {
			urls.push(request.url());
		});
		await context.route("**/*", (route) => {
			const request = route.request();
			const url = request.url();
			if (url.startsWith(`${server.origin}/`) || url.startsWith(`${shop.origin}/`)) return route.continue();
			if (request.resourceType() === "image") return route.fulfill({ contentType: "image/gif", body: GIF });
			if (request.resourceType() === "document")
				return route.fulfill({ contentType: "text/html", body: "<p>stub</p>" });
			return route.fulfill({
				contentType: "text/javascript",
				body: "",
				headers: { "Access-Control-Allow-Origin": "*" },
			});
		});
		return { context, urls };
	}

	/** A page of the guarded site whose bundle has run its first round, with its errors recorded. */
	async function openPage(context: BrowserContext, path = "/runtime-listed") {
		const errors: string[] = [];
		const page = await context.newPage();
		page.on("pageerror", (err) => errors.push(err.message));
		page.on("console", (message) => {
			if (message.type() === "error") errors.push(message.text());
		});
		await page.goto(`${server.origin}${path}`);
		await page.waitForFunction(() => document.documentElement.dataset.own === "done-1");
		await page.evaluate(() => window.consentEdge.ready());
		await page.waitForTimeout(300);
		return { page, errors };
	}

	/** The tracker hosts the bundle's round `round` reached. */
	function reached(
		urls: readonly string[],
		round: number,
		hosts: readonly string[] = TRACKER_HOSTS,
	): string[] {
		const found = urls.filter((url) => {
			const parsed = new URL(url);
			return hosts.includes(parsed.hostname) && parsed.searchParams.get("r") === String(round);
		});
		return hosts.filter((host) => found.some((url) => new URL(url).hostname === host));
	}

	const runtimeRequests = (urls: readonly string[]) =>
		urls.filter((url) => url.includes("/v1/guard/runtime.js"));

	/** Runs the bundle's round 2 once the runtime, if any is coming, has run. */
	async function secondRound(page: Page, runtime: boolean): Promise<Round> {
		if (runtime)
			await page.waitForFunction(() => (window as { __consentEdgeRuntime?: boolean }).__consentEdgeRuntime);
		const round = await page.evaluate(() =>
			(window as unknown as { buildTrackers(r: number): Promise<Round> }).buildTrackers(2),
		);
		await page.waitForTimeout(300);
		return round;
	}

	it("an opt-out on the page loads the runtime (nonce, cached version) and stops the trackers' later requests", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const { page, errors } = await openPage(context);
			expect(reached(urls, 1)).toEqual(TRACKER_HOSTS);
			expect(runtimeRequests(urls)).toEqual([]);
			expect(await page.evaluate(() => "__consentEdgeRuntime" in window)).toBe(false);

			await page.evaluate(() => window.consentEdge.optOut());
			const round = await secondRound(page, true);
			expect(runtimeRequests(urls)).toEqual([await guardedRuntimeUrl("ads,analytics")]);
			expect({ reached: reached(urls, 2), round, errors }).toEqual({
				reached: [],
				round: {
					...round,
					fetch: 200,
					xhr: "4:200",
					beacon: true,
					fbScript: ["text/plain", "ads", "https://connect.facebook.net/en_US/fbevents.js?r=2"],
				},
				// The page's CSP admits the runtime by the SDK's nonce: no violation reported.
				errors: [],
			});
		} finally {
			await context.close();
		}
	});

	it("denying analytics alone loads the runtime for analytics: ad trackers still run", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const { page, errors } = await openPage(context);
			await page.evaluate(() => window.consentEdge.set({ analytics: false }));
			await secondRound(page, true);
			expect(runtimeRequests(urls)).toEqual([await guardedRuntimeUrl("analytics")]);
			expect({ reached: reached(urls, 2), errors }).toEqual({ reached: [...RUNTIME_HOSTS.ads], errors: [] });
		} finally {
			await context.close();
		}
	});

	it("an allowed visitor's trackers still run, and a choice leaving ads and analytics allowed loads nothing", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const { page, errors } = await openPage(context);
			await page.evaluate(() => window.consentEdge.set({ personalization: false, ads: true }));
			await secondRound(page, false);
			expect({ reached: reached(urls, 2), runtime: runtimeRequests(urls), errors }).toEqual({
				reached: TRACKER_HOSTS,
				runtime: [],
				errors: [],
			});
		} finally {
			await context.close();
		}
	});

	it("a refusal the worker never answers holds on the page and loads the runtime, here and on the site's next page", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const { page } = await openPage(context);
			// No answer to any write (a network failure): the SDK holds the denial unsaved and retries it.
			await context.route(/\/v1\/(consent|opt-out)$/, (route) =>
				route.request().method() === "GET" ? route.continue() : route.abort(),
			);
			const answer = await page.evaluate(() =>
				window.consentEdge.optOut().then(
					() => "saved",
					(err: { retrying?: boolean }) => (err.retrying ? "retrying" : "failed"),
				),
			);
			expect(answer).toBe("retrying");
			await secondRound(page, true);
			expect(reached(urls, 2)).toEqual([]);
			expect(runtimeRequests(urls)).toEqual([await guardedRuntimeUrl("ads,analytics")]);
			// The site's next page: the guard still saw an allowing cookie and sent no runtime; the SDK
			// holds the unsaved denial from the start and loads it.
			const next = await openPage(context);
			await secondRound(next.page, true);
			expect(runtimeRequests(urls)).toHaveLength(2);
			expect(reached(urls, 2)).toEqual([]);
			// Inserted by the SDK (after its own tag), not the guard's first tag in the head.
			const order = await next.page.evaluate(() =>
				Array.from(document.scripts, (script) => new URL(script.src || location.href).pathname).filter(
					(path) => path === "/consent.js" || path === "/v1/guard/runtime.js",
				),
			);
			expect(order).toEqual(["/consent.js", "/v1/guard/runtime.js"]);
		} finally {
			await context.close();
		}
	});

	it("an opt-out made in another tab loads the runtime when this tab is focused again", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const a = await openPage(context);
			const b = await openPage(context);
			// Real window focus and blur when tabs come to the front (as consent-sdk-sync.test.ts does).
			for (const tab of [a.page, b.page]) {
				const cdp = await context.newCDPSession(tab);
				await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
			}
			await b.page.bringToFront();
			await b.page.evaluate(() => window.consentEdge.optOut());
			await a.page.waitForFunction(() => !document.hasFocus());
			expect(await a.page.evaluate(() => "__consentEdgeRuntime" in window)).toBe(false);
			await a.page.bringToFront();
			await a.page.waitForFunction(() => window.consentEdge.allows("ads") === false);
			const round = await secondRound(a.page, true);
			expect({ reached: reached(urls, 2), beacon: round.beacon, errors: [...a.errors, ...b.errors] }).toEqual(
				{
					reached: [],
					beacon: true,
					errors: [],
				},
			);
		} finally {
			await context.close();
		}
	});

	it("with the runtime already on the page for ads, denying analytics stops analytics too, without a second runtime", async () => {
		const { context, urls } = await newContext(VISITORS.adsDenied);
		try {
			const { page, errors } = await openPage(context, "/runtime");
			expect(reached(urls, 1)).toEqual([...RUNTIME_HOSTS.analytics]);
			expect(runtimeRequests(urls)).toEqual([await guardedRuntimeUrl("ads")]);
			await page.evaluate(() => window.consentEdge.set({ analytics: false }));
			const round = await secondRound(page, true);
			expect({ reached: reached(urls, 2), runtime: runtimeRequests(urls).length, round, errors }).toEqual({
				reached: [],
				runtime: 1,
				round: { ...round, fetch: 200, xhr: "4:200" },
				errors: [],
			});
			// Allowing analytics again lets its requests through once more (the SDK says so).
			await page.evaluate(() => window.consentEdge.set({ analytics: true }));
			await page.evaluate(() =>
				(window as unknown as { buildTrackers(r: number): Promise<unknown> }).buildTrackers(3),
			);
			await page.waitForTimeout(300);
			expect(reached(urls, 3)).toEqual([...RUNTIME_HOSTS.analytics]);
		} finally {
			await context.close();
		}
	});

	it("denying and then allowing again on the same page lets the trackers through again, the runtime loaded late asking the SDK", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const { page, errors } = await openPage(context);
			await page.evaluate(() => window.consentEdge.optOut());
			await secondRound(page, true);
			expect(reached(urls, 2)).toEqual([]);
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() =>
				(window as unknown as { buildTrackers(r: number): Promise<unknown> }).buildTrackers(3),
			);
			await page.waitForTimeout(300);
			expect({ reached: reached(urls, 3), runtime: runtimeRequests(urls).length, errors }).toEqual({
				reached: TRACKER_HOSTS,
				runtime: 1,
				errors: [],
			});
		} finally {
			await context.close();
		}
	});

	it("on a page enforcing Trusted Types an opt-out loads the runtime through the SDK's own policy; where the page's list admits none, the choice still applies and nothing is thrown", async () => {
		for (const [tt, loads] of [
			["open", true],
			["closed", false],
		] as const) {
			const { context, urls } = await newContext(VISITORS.allowed);
			try {
				const page = await context.newPage();
				const thrown: string[] = [];
				page.on("pageerror", (err) => thrown.push(err.message));
				await page.goto(`${server.origin}/runtime-trusted?tt=${tt}`);
				await page.evaluate(() => window.consentEdge.ready());
				const changed = page.evaluate(
					() =>
						new Promise<boolean>((resolve) => {
							window.consentEdge.onChange((doc) => resolve(doc.purposes.ads === true));
						}),
				);
				const answer = await page.evaluate(() =>
					window.consentEdge.optOut().then(
						(doc) => `saved, ads ${doc.purposes.ads}`,
						(err: Error) => `rejected: ${err.message}`,
					),
				);
				// Bounded, so a runtime that never comes shows in the comparison below.
				if (loads)
					await page
						.waitForFunction(
							() => (window as { __consentEdgeRuntime?: boolean }).__consentEdgeRuntime,
							null,
							{
								timeout: 5000,
							},
						)
						.catch(() => undefined);
				else await page.waitForTimeout(300);
				expect({
					answer,
					changed: await changed,
					runtime: await page.evaluate(() => "__consentEdgeRuntime" in window),
					requested: runtimeRequests(urls).length,
					thrown,
				}).toEqual({
					answer: "saved, ads false",
					changed: false,
					runtime: loads,
					requested: loads ? 1 : 0,
					thrown: [],
				});
			} finally {
				await context.close();
			}
		}
	});

	it("a refusal held unsaved reaches the site's next page enforcing Trusted Types with no policy of the SDK's: the SDK still starts and denies", async () => {
		const { context } = await newContext(VISITORS.allowed);
		try {
			const { page } = await openPage(context);
			await context.route(/\/v1\/(consent|opt-out)$/, (route) =>
				route.request().method() === "GET" ? route.continue() : route.abort(),
			);
			await page.evaluate(() => window.consentEdge.optOut().catch(() => undefined));
			const next = await context.newPage();
			const thrown: string[] = [];
			next.on("pageerror", (err) => thrown.push(err.message));
			await next.goto(`${server.origin}/runtime-trusted?tt=closed`);
			await next.waitForFunction(() => document.documentElement.dataset.own === "done-1");
			expect({
				ads: await next.evaluate(() => window.consentEdge?.allows("ads")),
				runtime: await next.evaluate(() => "__consentEdgeRuntime" in window),
				thrown,
			}).toEqual({ ads: false, runtime: false, thrown: [] });
		} finally {
			await context.close();
		}
	});

	it("an SDK loaded async, under a nonce policy sent as a header or in a <meta>, loads the runtime with its nonce", async () => {
		for (const path of ["/runtime-async", "/runtime-async?meta"]) {
			const { context, urls } = await newContext(VISITORS.allowed);
			try {
				const page = await context.newPage();
				const errors: string[] = [];
				page.on("pageerror", (err) => errors.push(err.message));
				page.on("console", (message) => {
					if (message.type() === "error") errors.push(message.text());
				});
				await page.goto(`${server.origin}${path}`);
				await page.waitForFunction(
					() => document.documentElement.dataset.own === "done-1" && window.consentEdge,
				);
				await page.evaluate(() => window.consentEdge.ready());
				await page.evaluate(() => window.consentEdge.optOut());
				await secondRound(page, true);
				expect({ path, reached: reached(urls, 2), runtime: runtimeRequests(urls).length, errors }).toEqual({
					path,
					reached: [],
					runtime: 1,
					errors: [],
				});
			} finally {
				await context.close();
			}
		}
	});

	it("a page on another site embedding the guard worker's SDK loads nothing extra when the visitor opts out", async () => {
		const { context, urls } = await newContext(VISITORS.allowed);
		try {
			const page = await context.newPage();
			await page.goto(`${shop.origin}/`);
			await page.evaluate(() => window.consentEdge.ready());
			expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
			await page.evaluate(() => window.consentEdge.optOut());
			expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
			await page.evaluate(() =>
				fetch("https://www.google-analytics.com/g/collect?r=shop", { mode: "no-cors" }),
			);
			await page.waitForTimeout(300);
			expect(runtimeRequests(urls)).toEqual([]);
			expect(await page.evaluate(() => "__consentEdgeRuntime" in window)).toBe(false);
			expect(urls).toContain("https://www.google-analytics.com/g/collect?r=shop");
		} finally {
			await context.close();
		}
	});
});
