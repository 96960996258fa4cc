/**
 * The SDK as site owners actually load it, in a real browser: with `async` or `defer` on its tag
 * (Consent Mode's default must still come before Google's queued commands), on a page that enforces
 * Trusted Types under a nonce CSP (gated tags run through the SDK's own policy, and a page whose
 * policy list leaves it out still gets its decision, its banner and its events), and asked about a
 * name that is no purpose before the decision is known.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("SDK loading");

const PAGE_PATH = "/loading.html";
const NONCE = "loading-nonce-7c2e";

/** Google's snippet after the SDK's tag, which carries `attributes` (`async`, `defer`). */
function snippetPage(attributes: string): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SDK ${attributes}</title>
<script src="/consent.js" ${attributes} data-banner="off"></script>
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
}

/** A page under a nonce CSP that enforces Trusted Types, with gated tags inline and by URL. */
function trustedTypesPage(): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Trusted Types</title>
<script nonce="${NONCE}">
window.ran = [];
window.changes = [];
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
	cspViolations.push(e.effectiveDirective);
});
</script>
<script src="/consent.js" nonce="${NONCE}"></script>
<script nonce="${NONCE}">
window.early = { constructor: typeof consentEdge.allows("constructor"), toString: typeof consentEdge.allows("toString") };
consentEdge.onChange(function (doc) { changes.push(doc); });
consentEdge.ready().then(function () { ran.push("ready"); });
</script>
</head>
<body>
<p><label>Search <input id="search" type="search"></label></p>
<script type="text/plain" data-consent="essential" nonce="${NONCE}">ran.push("essential inline");</script>
<script type="text/plain" data-consent="analytics" nonce="${NONCE}">ran.push("analytics inline");</script>
<script type="text/plain" data-consent="analytics" data-src="/loading-assets/analytics.js" nonce="${NONCE}"></script>
</body>
</html>`;
}

function dataLayerNames(page: Page) {
	return page.evaluate(() =>
		Array.from(window.dataLayer as unknown as ArrayLike<unknown>[], (entry) => {
			const args = Array.from(entry as ArrayLike<unknown>);
			if (args.length === 0) return `event ${(entry as unknown as { event?: string }).event}`;
			return args[0] === "consent" ? `consent ${args[1]}` : String(args[0]);
		}),
	);
}

describe.skipIf(!hasChromium)("loading the SDK, in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	async function serve(context: BrowserContext, html: string, csp?: string) {
		await context.route(`${server.origin}${PAGE_PATH}`, (route) =>
			route.fulfill({
				contentType: "text/html; charset=utf-8",
				headers: csp ? { "Content-Security-Policy": csp } : {},
				body: html,
			}),
		);
		await context.route(`${server.origin}/loading-assets/*.js`, (route) =>
			route.fulfill({ contentType: "application/javascript", body: 'ran.push("analytics file");' }),
		);
	}

	it("async or defer on its tag: the consent default still precedes the commands Google's snippet queued", async () => {
		for (const attributes of ["defer", "async"]) {
			for (const geo of ["DE", "US-CA"]) {
				const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
				await serve(context, snippetPage(attributes));
				// An async script runs when it arrives: a slower network lets the snippet run first.
				await context.route(`${server.origin}/consent.js`, async (route) => {
					const response = await route.fetch();
					await new Promise((resolve) => setTimeout(resolve, 300));
					await route.fulfill({ response });
				});
				const page = await context.newPage();
				await page.goto(`${server.origin}${PAGE_PATH}`);
				await page.waitForFunction(() => typeof window.consentEdge === "object");
				await page.evaluate(() => window.consentEdge.ready());
				await page.waitForTimeout(100);
				const names = await dataLayerNames(page);
				const label = `${attributes} ${geo}: ${names.join(", ")}`;
				expect(names[0], label).toBe("consent default");
				// Google's ads data redaction (ad_storage is denied while waiting) follows the default at once.
				expect(names.slice(1, 5), label).toEqual(["set", "event gtm.js", "js", "config"]);
				const redaction = await page.evaluate(() => Array.from(window.dataLayer[1] as ArrayLike<unknown>));
				expect(redaction, label).toEqual(["set", "ads_data_redaction", true]);
				expect(names, label).toContain("consent update");
				const first = await page.evaluate(() => Array.from(window.dataLayer[0] as ArrayLike<unknown>));
				expect(first[2]).toMatchObject({
					ad_storage: "denied",
					analytics_storage: "denied",
					wait_for_update: 500,
				});
				await context.close();
			}
		}
	});

	for (const [label, policy] of [
		["any policy", ""],
		["a list naming consent-edge-sdk", "; trusted-types consent-edge-sdk"],
	] as const) {
		it(`Trusted Types enforced (${label}): gated tags run, ready() settles, no page error`, async () => {
			const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
			await serve(
				context,
				trustedTypesPage(),
				`script-src 'self' 'nonce-${NONCE}'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'${policy}`,
			);
			const page = await context.newPage();
			const errors: string[] = [];
			page.on("pageerror", (err) => errors.push(err.message));
			await page.goto(`${server.origin}${PAGE_PATH}`);
			await page.waitForFunction(() => window.ran.includes("analytics file"), null, { timeout: 5_000 });
			await page.waitForFunction(() => window.ran.includes("ready"), null, { timeout: 5_000 });
			expect(await page.evaluate(() => window.ran.slice().sort())).toEqual(
				["analytics file", "analytics inline", "essential inline", "ready"].sort(),
			);
			expect(errors).toEqual([]);
			await context.close();
		});
	}

	it("Trusted Types with a list leaving consent-edge-sdk out: no gated tag runs, yet the decision, banner and events work", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "DE" } });
		await serve(
			context,
			trustedTypesPage(),
			`script-src 'self' 'nonce-${NONCE}'; require-trusted-types-for 'script'; trusted-types site-policy`,
		);
		const page = await context.newPage();
		const errors: string[] = [];
		page.on("pageerror", (err) => errors.push(err.message));
		await page.goto(`${server.origin}${PAGE_PATH}`);
		await page.waitForFunction(() => window.ran.includes("ready"), null, { timeout: 5_000 });
		await page.locator('[data-consent-action="accept-all"]').click();
		await page.waitForFunction(() => window.changes.length === 1, null, { timeout: 5_000 });
		expect(await page.locator("#ce-banner").count()).toBe(0);
		expect(await page.evaluate(() => window.changes[0]?.purposes.analytics)).toBe(true);
		// The page's policy admits no script text from the SDK: its gated tags stay inert.
		expect(await page.evaluate(() => window.ran)).toEqual(["ready"]);
		expect(errors).toEqual([]);
		await context.close();
	});

	it("Trusted Types refusing gated tags: they stay refused quietly, one warning, no new violation at later choices", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "DE" } });
		await serve(
			context,
			trustedTypesPage(),
			`script-src 'self' 'nonce-${NONCE}'; require-trusted-types-for 'script'; trusted-types site-policy`,
		);
		const page = await context.newPage();
		const logged: string[] = [];
		page.on("console", (message) => {
			if (message.text().startsWith("consent-edge")) logged.push(message.type());
		});
		await page.goto(`${server.origin}${PAGE_PATH}`);
		await page.waitForFunction(() => window.ran.includes("ready"), null, { timeout: 5_000 });
		await page.locator('[data-consent-action="accept-all"]').click();
		await page.waitForFunction(() => window.changes.length === 1, null, { timeout: 5_000 });
		const violations = await page.evaluate(() => window.cspViolations.length);
		// The essential tag at load and both analytics tags at the choice were refused, and said so once.
		expect(violations).toBeGreaterThan(0);
		expect(logged).toEqual(["warning"]);

		// Later decisions (two more choices, a tag added later) try none of them again.
		await page.evaluate(() => window.consentEdge.set({ ads: false }));
		await page.evaluate(() => window.consentEdge.set({ personalization: false }));
		await page.evaluate(() => {
			const tag = document.createElement("script");
			tag.type = "text/plain";
			tag.setAttribute("data-consent", "analytics");
			// By URL: the page's Trusted Types refuse the page's own script text too.
			tag.setAttribute("data-src", "/loading-assets/analytics.js");
			document.body.appendChild(tag);
		});
		await page.waitForFunction(() => window.changes.length === 3, null, { timeout: 5_000 });
		await page.waitForTimeout(200);
		expect(await page.evaluate(() => window.cspViolations.length)).toBe(violations + 1);
		expect(logged).toEqual(["warning"]);
		expect(await page.evaluate(() => window.ran)).toEqual(["ready"]);
		expect(await page.locator('script[type="text/plain"][data-consent]').count()).toBe(4);
		await context.close();
	});

	it("allows() of a name that is no purpose is undefined before the decision, never an inherited value", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "US-CA" } });
		await serve(context, trustedTypesPage());
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		await context.route("**/v1/consent", async (route) => {
			const response = await route.fetch();
			await held;
			await route.fulfill({ response });
		});
		const page = await context.newPage();
		await page.goto(`${server.origin}${PAGE_PATH}`);
		expect(await page.evaluate(() => window.early)).toEqual({
			constructor: "undefined",
			toString: "undefined",
		});
		expect(
			await page.evaluate(() => [
				typeof window.consentEdge.allows("constructor"),
				typeof window.consentEdge.allows("__proto__"),
			]),
		).toEqual(["undefined", "undefined"]);
		release();
		await page.evaluate(() => window.consentEdge.ready());
		expect(await page.evaluate(() => window.consentEdge.allows("constructor"))).toBe(false);
		await context.close();
	});
});
