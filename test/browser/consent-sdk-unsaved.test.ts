/**
 * A "no" the worker could not store still holds: the SDK's writes against a real storage fault. A
 * second `wrangler dev` serves the worker over a D1 without its migrations, so every write it takes
 * fails in D1 and is answered the contract's 503 `storage_unavailable` with Retry-After; the page's
 * writes are sent there (page.route forwards them, as a page can only talk to its own origin's worker
 * here) until the fault is "repaired" by unrouting them, when they reach the worker with a good D1.
 * A US visitor, so ads start allowed and a refusal changes what the page does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH, type TestPageOptions } from "./test-site";

warnIfNoChromium("consent.js unsaved writes");

const UNSAVED_KEY = "consent-edge-unsaved";
const WRITES = /\/v1\/(consent|opt-out)$/;

describe.skipIf(!hasChromium)("consent.js when the worker cannot store a write", () => {
	let server: WorkerServer;
	let broken: WorkerServer;
	let brokenDir: string;
	let browser: Browser;

	beforeAll(async () => {
		brokenDir = await mkdtemp(join(tmpdir(), "consent-edge-no-migrations-"));
		server = await serveWorker();
		// The page's writes carry its origin (the good worker's), which the broken one must allow.
		broken = await serveWorker({ persistTo: brokenDir, vars: { ALLOWED_ORIGINS: server.origin } });
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await Promise.all([server?.stop(), broken?.stop()]);
		if (brokenDir) await rm(brokenDir, { recursive: true, force: true });
	});

	/** A site whose writes go to the broken worker; the returned function repairs it. */
	async function brokenSite(geo: string, page: Partial<TestPageOptions> = {}) {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
		await serveTestSite(context, server.origin, { gtag: true, ...page });
		const writes: number[] = [];
		const toBroken = async (route: Parameters<Parameters<BrowserContext["route"]>[1]>[0]) => {
			const request = route.request();
			if (request.method() === "GET") return route.continue();
			const response = await route.fetch({ url: broken.origin + new URL(request.url()).pathname });
			writes.push(response.status());
			await route.fulfill({ response });
		};
		await context.route(WRITES, toBroken);
		return { context, writes, repair: () => context.unroute(WRITES, toBroken) };
	}

	async function open(context: BrowserContext): Promise<Page> {
		const page = await context.newPage();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		return page;
	}

	/** Calls `method` on consentEdge in the page: what it resolved with, or what it rejected with. */
	function call(page: Page, method: "rejectAll" | "acceptAll" | "optOut" | "set", arg?: unknown) {
		return page.evaluate(
			([m, a]) =>
				(window.consentEdge[m] as (x?: unknown) => Promise<unknown>)(a).then(
					() => ({ saved: true }) as Record<string, unknown>,
					(err) => ({ saved: false, status: err.status, code: err.code, retrying: err.retrying === true }),
				),
			[method, arg] as const,
		);
	}

	const stored = (page: Page) =>
		page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), UNSAVED_KEY);
	const lastConsentUpdate = (page: Page) =>
		page.evaluate(() => {
			const updates = Array.from(window.dataLayer, (entry) => Array.from(entry as ArrayLike<unknown>)).filter(
				(args) => args[0] === "consent" && args[1] === "update",
			);
			return updates[updates.length - 1]?.[2] as Record<string, string> | undefined;
		});

	it("a Reject all the worker answers 503 denies at once, and is saved by a retry once it can write", async () => {
		const { context, writes, repair } = await brokenSite("US-CA");
		const page = await open(context);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(await page.evaluate(() => window.ran)).toContain("ads inline");
		const changesBefore = await page.evaluate(() => window.changes.length);
		const gppBefore = await page.evaluate(() => window.gppEvents.length);

		// The real fault: the worker over an unmigrated D1 answers the write 503 storage_unavailable.
		const answer = await call(page, "rejectAll");
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(answer).toEqual({
			saved: false,
			status: 503,
			code: "storage_unavailable",
			retrying: true,
		});
		expect(writes).toEqual([503]);
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBe(false);
		expect(await page.evaluate(() => window.changes.length)).toBe(changesBefore + 1);
		expect(await page.evaluate(() => window.changes.at(-1)?.purposes)).toMatchObject({
			ads: false,
			sale: false,
			analytics: false,
			personalization: false,
		});
		expect(await lastConsentUpdate(page)).toMatchObject({
			ad_storage: "denied",
			ad_user_data: "denied",
			ad_personalization: "denied",
			analytics_storage: "denied",
		});
		const gppAfter = await page.evaluate(() => window.gppEvents.slice(-4).map((e) => e.eventName));
		expect(gppAfter).toContain("sectionChange");
		expect(await page.evaluate(() => window.gppEvents.length)).toBeGreaterThan(gppBefore);
		// Only the denial is kept: no allowance, email (which Reject all leaves alone) not named; `a`, which
		// of them ce_consent stored as allowed when it failed (none: a first visit's defaults).
		expect(await stored(page)).toEqual({
			d: ["analytics", "personalization", "ads", "sale"],
			t: expect.any(Number),
			a: [],
		});

		// A tag for ads added after the refusal stays inert.
		await page.evaluate(() => {
			const tag = document.createElement("script");
			tag.type = "text/plain";
			tag.setAttribute("data-consent", "ads");
			tag.text = 'ran.push("late ads")';
			document.body.appendChild(tag);
		});
		await page.waitForTimeout(200);
		expect(await page.evaluate(() => window.ran)).not.toContain("late ads");

		// Storage comes back: the retry (after Retry-After, 5 s) reaches the good worker and is saved.
		await repair();
		const saved = await page.waitForResponse(
			(r) => r.request().method() === "PUT" && WRITES.test(r.url()) && r.status() === 200,
			{ timeout: 20_000 },
		);
		expect(JSON.parse(saved.request().postData() ?? "{}")).toEqual({
			purposes: { analytics: false, personalization: false, ads: false, sale: false },
		});
		await page.waitForFunction((key) => localStorage.getItem(key) === null, UNSAVED_KEY);
		const fromWorker = await page.evaluate(() =>
			fetch("/v1/consent", { credentials: "include" }).then((r) => r.json()),
		);
		expect(fromWorker.purposes).toMatchObject({
			ads: false,
			sale: false,
			analytics: false,
			personalization: false,
		});
		expect(fromWorker.reasons.ads).toBe("explicit");
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await page.evaluate(() => window.ran)).not.toContain("late ads");
		await context.close();
	});

	it("a page loaded while the refusal is still unsaved denies before its gated tags run, and retries", async () => {
		const { context, writes } = await brokenSite("US-CA");
		const first = await open(context);
		const answer = await call(first, "optOut");
		await first.close();
		// The worker's decision (and its fresh ce_consent) still allows ads: only the stored denial says no.
		const next = await context.newPage();
		// Retried at once, as the PUT of the opt-out's purposes (which a visitor's opt-out is).
		const retried = next.waitForRequest((r) => r.method() === "PUT" && r.url().endsWith("/v1/consent"));
		await next.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await next.evaluate(() => window.consentEdge.ready());
		expect(await next.evaluate(() => window.early)).toMatchObject({
			ads: false,
			sale: false,
			analytics: false,
		});
		expect(await next.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		const ran = await next.evaluate(() => window.ran);
		for (const tag of ["ads inline", "ads file", "analytics inline", "analytics file"]) {
			expect(ran).not.toContain(tag);
		}
		expect(ran).toContain("essential inline");
		const firstDefault = await next.evaluate(() =>
			Array.from(window.dataLayer, (entry) => Array.from(entry as ArrayLike<unknown>)).find(
				(args) => args[0] === "consent" && args[1] === "default",
			),
		);
		expect(firstDefault?.[2]).toMatchObject({ ad_storage: "denied", analytics_storage: "denied" });
		expect(answer).toMatchObject({ saved: false, status: 503, retrying: true });
		expect(JSON.parse((await retried).postData() ?? "{}")).toEqual({
			purposes: { analytics: false, personalization: false, ads: false, sale: false, email: false },
		});
		await expect.poll(() => writes.length).toBe(2);
		expect(writes).toEqual([503, 503]);
		expect((await stored(next)).d).toEqual(["analytics", "personalization", "ads", "sale", "email"]);
		await context.close();
	});

	it("a newer write carries the unsaved refusal, but for what it chooses itself, and ends the retries", async () => {
		const { context, writes, repair } = await brokenSite("US-CA");
		const page = await open(context);
		expect((await call(page, "rejectAll")).retrying).toBe(true);
		await repair();
		const puts: string[] = [];
		page.on("request", (r) => {
			if (r.method() === "PUT") puts.push(r.postData() ?? "");
		});
		expect(await call(page, "set", { analytics: true })).toEqual({ saved: true });
		expect(JSON.parse(puts[0] ?? "{}")).toEqual({
			purposes: { analytics: true, personalization: false, ads: false, sale: false },
		});
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBe(true);
		expect(await stored(page)).toBeNull();
		// The first refusal's retry (due after 5 s) is not sent: the newer write replaced it.
		await page.waitForTimeout(6_500);
		expect(puts).toHaveLength(1);
		expect(writes).toEqual([503]);
		await context.close();
	});

	it("a page stops retrying once another page of the site has saved a newer choice", async () => {
		const { context, writes, repair } = await brokenSite("US-CA");
		const first = await open(context);
		// Another tab, open before the refusal (so it knows of none), saves a newer choice once D1 is back.
		const second = await open(context);
		expect((await call(first, "rejectAll")).retrying).toBe(true);
		await repair();
		const puts: string[] = [];
		context.on("request", (r) => {
			if (r.method() === "PUT") puts.push(r.postData() ?? "");
		});
		expect(await call(second, "acceptAll")).toEqual({ saved: true });
		expect(await stored(first)).toBeNull();
		// The first page's retry (due 5 s after its failure) is not sent over the newer choice.
		await first.waitForTimeout(6_500);
		expect(puts).toHaveLength(1);
		expect(writes).toEqual([503]);
		await context.close();
	});

	it("a page follows a newer choice another page of the site saved over its unsaved refusal", async () => {
		const { context, repair } = await brokenSite("US-CA");
		const first = await open(context);
		const second = await open(context);
		expect((await call(first, "rejectAll")).retrying).toBe(true);
		await repair();
		expect(await call(second, "acceptAll")).toEqual({ saved: true });
		// The visitor comes back to the first page: the choice made in the other reaches it. Another
		// page's localStorage change reaches this one's process a moment later (under a loaded CI run, after
		// the first focus), so the visitor may come back more than once before it has.
		await expect
			.poll(
				() =>
					first.evaluate(() => {
						window.dispatchEvent(new Event("focus"));
						return window.consentEdge.allows("ads");
					}),
				{ timeout: 10_000 },
			)
			.toBe(true);
		// And its next write no longer carries the refusal the newer choice replaced.
		const puts: string[] = [];
		first.on("request", (r) => {
			if (r.method() === "PUT") puts.push(r.postData() ?? "");
		});
		expect(await call(first, "set", { email: true })).toEqual({ saved: true });
		expect(JSON.parse(puts[0] ?? "{}")).toEqual({ purposes: { email: true } });
		expect(await first.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		await context.close();
	});

	/** The visitor's stored decision, as the worker answers it to the context's cookies. */
	const workerDecision = (page: Page) =>
		page.evaluate(() => fetch("/v1/consent", { credentials: "include" }).then((r) => r.json()));

	it("a retry does not land over a newer choice another page is still saving", async () => {
		const { context, repair } = await brokenSite("US-CA");
		const first = await open(context);
		const second = await open(context);
		expect((await call(first, "rejectAll")).retrying).toBe(true);
		await repair();
		// The other page's Accept all reaches the worker at once, but its answer (and cookie) comes back
		// only after the first page's retry was due (5 s after its failure): a slow network.
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		await second.route("**/v1/consent", async (route) => {
			if (route.request().method() !== "PUT") return route.continue();
			const response = await route.fetch();
			await held;
			await route.fulfill({ response });
		});
		const puts: string[] = [];
		context.on("request", (r) => {
			if (r.method() === "PUT") puts.push(r.postData() ?? "");
		});
		const accepted = call(second, "acceptAll");
		await expect.poll(() => puts.length).toBe(1);
		await first.waitForTimeout(6_500);
		release();
		expect(await accepted).toEqual({ saved: true });
		await first.waitForTimeout(500);
		// The refusal was not sent again over the newer choice, which stands. (A retry that came due just
		// as the other page took the refusal over sends an empty choice, which changes nothing.)
		expect(JSON.parse(puts[0] ?? "{}").purposes.ads).toBe(true);
		for (const body of puts.slice(1)) expect(JSON.parse(body).purposes).toEqual({});
		expect((await workerDecision(first)).purposes).toMatchObject({ ads: true, analytics: true });
		expect(await stored(first)).toBeNull();
		await expect
			.poll(() =>
				first.evaluate(() => {
					window.dispatchEvent(new Event("focus"));
					return window.consentEdge.allows("ads");
				}),
			)
			.toBe(true);
		await context.close();
	});

	it("with the site's storage refusing it, a refusal's retry yields to a newer choice another page saved", async () => {
		const { context, repair } = await brokenSite("US-CA");
		await context.addInitScript(() => {
			Storage.prototype.setItem = () => {
				throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
			};
		});
		const first = await open(context);
		const second = await open(context);
		expect((await call(first, "rejectAll")).retrying).toBe(true);
		await repair();
		expect(await call(second, "acceptAll")).toEqual({ saved: true });
		const puts: string[] = [];
		context.on("request", (r) => {
			if (r.method() === "PUT") puts.push(r.postData() ?? "");
		});
		// The retry, due 5 s after the failure, sends none of the refusal the newer choice replaced.
		await first.waitForTimeout(6_500);
		for (const body of puts) expect(JSON.parse(body).purposes).toEqual({});
		expect((await workerDecision(first)).purposes).toMatchObject({ ads: true, analytics: true });
		await expect
			.poll(() =>
				first.evaluate(() => {
					window.dispatchEvent(new Event("focus"));
					return window.consentEdge.allows("ads");
				}),
			)
			.toBe(true);
		await context.close();
	});

	it("a newer choice saved in the preference centre replaces a refusal kept unsaved: the site's next page neither holds nor sends it", async () => {
		const { context, repair } = await brokenSite("US-CA");
		const first = await open(context);
		expect((await call(first, "rejectAll")).retrying).toBe(true);
		await first.close();
		await repair();
		// The visitor then opens the preference centre and saves every purpose allowed.
		const centre = await context.newPage();
		await centre.goto(`${server.origin}/preferences`);
		for (const box of await centre.locator('form input[type="checkbox"]').all()) await box.check();
		await Promise.all([
			centre.waitForURL(`${server.origin}/preferences?saved=1`),
			centre.locator('form button[type="submit"]').first().click(),
		]);
		const puts: string[] = [];
		context.on("request", (r) => {
			if (r.method() === "PUT") puts.push(r.postData() ?? "");
		});
		const next = await open(context);
		expect(await next.evaluate(() => window.early)).toMatchObject({ ads: true, analytics: true });
		expect(await next.evaluate(() => window.ran)).toContain("ads inline");
		await next.waitForTimeout(1_000);
		expect(puts).toEqual([]);
		expect(await stored(next)).toBeNull();
		expect((await workerDecision(next)).purposes).toMatchObject({ ads: true, analytics: true });
		await context.close();
	});

	it("a write that gets no answer at all (the network failed) holds its refusal too", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		await context.route(WRITES, (route) =>
			route.request().method() === "GET" ? route.continue() : route.abort(),
		);
		const page = await open(context);
		const answer = await call(page, "set", { ads: false, analytics: true });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(answer).toMatchObject({ saved: false, retrying: true });
		expect(await stored(page)).toMatchObject({ d: ["ads"] });
		await context.close();
	});

	it("a page whose storage refuses the refusal (full) holds and retries it on its own", async () => {
		const { context, repair } = await brokenSite("US-CA");
		await context.addInitScript(() => {
			Storage.prototype.setItem = () => {
				throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
			};
		});
		const page = await open(context);
		expect((await call(page, "rejectAll")).retrying).toBe(true);
		await repair();
		const puts: string[] = [];
		page.on("response", (r) => {
			if (r.request().method() === "PUT") puts.push(`${r.status()} ${r.request().postData()}`);
		});
		// Shown again before the retry (due 2 s after the failure): the refusal still holds.
		await page.evaluate(() => window.dispatchEvent(new Event("focus")));
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		await expect
			.poll(() => puts, { timeout: 10_000 })
			.toEqual([
				`200 ${JSON.stringify({ purposes: { analytics: false, personalization: false, ads: false, sale: false } })}`,
			]);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		await context.close();
	});

	it("an unsaved refusal kept more than a day ago is dropped, not applied", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		await context.addInitScript((key) => {
			// Once, in the page (the SDK's __gppLocator frame shares its storage).
			if (window === window.top)
				localStorage.setItem(key, JSON.stringify({ d: ["ads"], t: Date.now() - 25 * 3600_000 }));
		}, UNSAVED_KEY);
		const page = await open(context);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(await page.evaluate(() => window.ran)).toContain("ads inline");
		expect(await stored(page)).toBeNull();
		await context.close();
	});

	it("an unsaved refusal naming a purpose the site no longer has keeps the rest, and later writes save", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		// Kept by a page served before the operator removed a purpose (README: a write naming it is a 400).
		await context.addInitScript((key) => {
			if (window === window.top)
				localStorage.setItem(key, JSON.stringify({ d: ["ads", "retired"], t: Date.now() - 3600_000 }));
		}, UNSAVED_KEY);
		// Listened for before the page opens: the page load's retry may be answered while it opens.
		const writes: number[] = [];
		context.on("response", (r) => {
			if (WRITES.test(r.url()) && r.request().method() !== "GET") writes.push(r.status());
		});
		const page = await open(context);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		// The page load's retry saves the refusal of `ads`, and the visitor's next choice is saved too.
		await expect.poll(() => stored(page)).toBeNull();
		expect(await call(page, "set", { analytics: false })).toEqual({ saved: true });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		// Playwright reports a response after the page has read it, so the second may still be on its way.
		await expect.poll(() => writes).toEqual([200, 200]);
		await context.close();
	});

	it("an Accept all that fails changes nothing, and the banner says a failed Reject all holds", async () => {
		const { context, writes } = await brokenSite("DE");
		const page = await open(context);
		const banner = page.getByRole("dialog");
		await banner.getByRole("button", { name: "Accept all" }).click();
		await expect
			.poll(() => banner.getByRole("alert").textContent())
			.toBe("Your choice could not be saved. Please try again.");
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await page.evaluate(() => window.changes.length)).toBe(0);
		expect(await stored(page)).toBeNull();
		await page.waitForTimeout(2_500);
		expect(writes).toEqual([503]);

		await banner.getByRole("button", { name: "Reject all" }).click();
		await expect
			.poll(() => banner.getByRole("alert").textContent())
			.toBe("Tracking is off on this page, but your choice is not saved yet. We will keep trying.");
		expect(await stored(page)).toMatchObject({ d: ["analytics", "personalization", "ads", "sale"] });
		await context.close();
	});

	it("a refusal the worker rate-limits (429) holds and is retried after Retry-After; an allowance changes nothing", async () => {
		// Other visitors behind the visitor's address (a shared NAT) have used up its writes: the worker's
		// own limiter (WRITE_LIMITER, 120 per 60 s per address) answers 429 rate_limited with Retry-After.
		const address = { "CF-Connecting-IP": "203.0.113.129" };
		// The limiter's windows are the wall clock's minutes: the page's writes below (a few seconds on)
		// must meet the same one.
		const intoWindow = Date.now() % 60_000;
		if (intoWindow > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_100 - intoWindow));
		let limited: Response | undefined;
		for (let i = 0; i < 300 && !limited; i += 30) {
			const batch = await Promise.all(
				Array.from({ length: 30 }, () =>
					fetch(`${server.origin}/v1/consent`, {
						method: "PUT",
						headers: { ...address, "Content-Type": "application/json", "X-Debug-Geo": "US-CA" },
						body: JSON.stringify({ purposes: { ads: false } }),
					}),
				),
			);
			limited = batch.find((r) => r.status === 429);
		}
		expect([
			limited?.status,
			limited?.headers.get("Retry-After"),
			(await limited?.json())?.error.code,
		]).toEqual([429, "60", "rate_limited"]);

		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const fromAddress = async (route: Parameters<Parameters<BrowserContext["route"]>[1]>[0]) => {
			const request = route.request();
			if (request.method() === "GET") return route.continue();
			await route.continue({
				headers: { ...request.headers(), "cf-connecting-ip": address["CF-Connecting-IP"] },
			});
		};
		await context.route(WRITES, fromAddress);
		const page = await context.newPage();
		await page.clock.install();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		const writes: number[] = [];
		page.on("response", (r) => {
			if (WRITES.test(r.url()) && r.request().method() !== "GET") writes.push(r.status());
		});

		// An allowance that is not saved changes nothing, as a 5xx's does.
		expect(await call(page, "set", { email: true })).toEqual({
			saved: false,
			status: 429,
			code: "rate_limited",
			retrying: false,
		});
		expect(await page.evaluate(() => window.changes.length)).toBe(0);
		expect(await stored(page)).toBeNull();

		// A refusal holds at once and is kept for the retry.
		expect(await call(page, "rejectAll")).toEqual({
			saved: false,
			status: 429,
			code: "rate_limited",
			retrying: true,
		});
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await lastConsentUpdate(page)).toMatchObject({
			ad_storage: "denied",
			analytics_storage: "denied",
		});
		expect(await stored(page)).toEqual({
			d: ["analytics", "personalization", "ads", "sale"],
			t: expect.any(Number),
			a: [],
		});

		// Not sent again after the first backoff (2 s), as Retry-After asks for 60.
		await page.waitForTimeout(3_000);
		expect(writes).toEqual([429, 429]);
		// The visitor's address has writes again (here: no longer shared): 60 s on, the retry is saved.
		await context.unroute(WRITES, fromAddress);
		const saved = page.waitForResponse(
			(r) => r.request().method() === "PUT" && WRITES.test(r.url()) && r.status() === 200,
		);
		await page.clock.fastForward(60_000);
		expect(JSON.parse((await saved).request().postData() ?? "{}")).toEqual({
			purposes: { analytics: false, personalization: false, ads: false, sale: false },
		});
		await page.waitForFunction((key) => localStorage.getItem(key) === null, UNSAVED_KEY);
		const fromWorker = await page.evaluate(() =>
			fetch("/v1/consent", { credentials: "include" }).then((r) => r.json()),
		);
		expect(fromWorker.purposes).toMatchObject({ ads: false, sale: false, analytics: false });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		await context.close();
	});

	it("a write refused as invalid (400) while a refusal is kept unsaved puts the refusal back as it was", async () => {
		const { context, repair } = await brokenSite("US-CA");
		const page = await open(context);
		expect((await call(page, "rejectAll")).retrying).toBe(true);
		const kept = await stored(page);
		await repair();
		// It names `ads` (so would take ads out of the kept refusal while in flight) and a purpose the
		// site does not have: the worker refuses it, and it changes nothing.
		expect(await call(page, "set", { ads: true, nonsense: true })).toMatchObject({
			saved: false,
			status: 400,
		});
		expect(await stored(page)).toEqual(kept);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		const next = await open(context);
		expect(await next.evaluate(() => window.early)).toMatchObject({ ads: false, analytics: false });
		await context.close();
	});

	it("a write the worker refuses as invalid (400) rejects and changes nothing", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serveTestSite(context, server.origin, { gtag: true });
		const page = await open(context);
		const writes: number[] = [];
		page.on("response", (r) => {
			if (WRITES.test(r.url()) && r.request().method() !== "GET") writes.push(r.status());
		});
		const answer = await call(page, "set", { ads: false, nonsense: false });
		expect(answer).toMatchObject({ saved: false, status: 400, retrying: false });
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
		expect(await page.evaluate(() => window.changes.length)).toBe(0);
		expect(await stored(page)).toBeNull();
		await page.waitForTimeout(2_500);
		expect(writes).toEqual([400]);
		await context.close();
	});
});
