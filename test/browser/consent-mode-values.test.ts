/**
 * What the SDK tells Google's tags, value by value, in Chromium (Consent Mode v2): the `default` at
 * load (every type the decision maps, lowercase `granted`/`denied`, `wait_for_update` only while
 * the decision is unknown, no `region`: the worker already located the visitor) and the `update`
 * once the decision is known, for an opt-in jurisdiction, an opt-out one, and GPC from the page's
 * `navigator.globalPrivacyControl`, on a first view (lookup) and a second one (cookie); and Google's
 * ads data redaction (`gtag('set', 'ads_data_redaction', true)`), set with the first `ad_storage`
 * denial and never unset (Google applies it only while `ad_storage` is denied).
 */

import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("Consent Mode values");

const PAGE_PATH = "/consent-mode.html";
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>consent mode</title>
<script src="/consent.js" data-banner="off"></script>
<script>
window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
gtag("js", new Date());
gtag("config", "G-TEST123");
</script>
</head>
<body><p>content</p></body>
</html>`;

type States = Record<string, string | number>;
const TYPES = [
	"ad_personalization",
	"ad_storage",
	"ad_user_data",
	"analytics_storage",
	"functionality_storage",
	"personalization_storage",
	"security_storage",
];

function states(ads: string, analytics: string, personalization: string): States {
	return {
		ad_storage: ads,
		ad_user_data: ads,
		ad_personalization: ads,
		analytics_storage: analytics,
		functionality_storage: "granted",
		personalization_storage: personalization,
		security_storage: "granted",
	};
}

const DENIED = states("denied", "denied", "denied");

describe.skipIf(!hasChromium)("Consent Mode values in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	async function consentCommands(geo: string, gpc: boolean) {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
		if (gpc)
			await context.addInitScript(() =>
				Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
			);
		await context.route(`${server.origin}${PAGE_PATH}`, (route) =>
			route.fulfill({ contentType: "text/html; charset=utf-8", body: PAGE }),
		);
		const views: { action: string; states: States }[][] = [];
		for (let view = 0; view < 2; view++) {
			const page = await context.newPage();
			await page.goto(`${server.origin}${PAGE_PATH}`);
			await page.evaluate(() => window.consentEdge.ready());
			await page.waitForTimeout(50);
			views.push(
				await page.evaluate(() =>
					Array.from(window.dataLayer as unknown as ArrayLike<unknown>[])
						.map((entry) => Array.from(entry as ArrayLike<unknown>))
						.filter((args) => args[0] === "consent")
						.map((args) => ({ action: args[1] as string, states: args[2] as Record<string, string> })),
				),
			);
			await page.close();
		}
		await context.close();
		return views;
	}

	it.each([
		["DE", false, DENIED],
		["GB", false, DENIED],
		["US-CA", false, states("granted", "granted", "granted")],
		["JP", false, states("granted", "granted", "granted")],
		["US-CA", true, states("denied", "granted", "granted")],
		["DE", true, DENIED],
	])("%s, navigator GPC %s", async (geo, gpc, decided) => {
		const [first, second] = await consentCommands(geo as string, gpc as boolean);
		// First view: nothing known yet, so everything that needs consent waits, denied.
		expect(first).toEqual([
			{ action: "default", states: { ...DENIED, wait_for_update: 500 } },
			{ action: "update", states: decided },
		]);
		// Second view: the cookie decides at load; the default is the decision itself, no waiting.
		expect(second).toEqual([
			{ action: "default", states: decided },
			{ action: "update", states: decided },
		]);
		for (const { states: sent } of [...(first ?? []), ...(second ?? [])]) {
			expect(
				Object.keys(sent)
					.filter((k) => k !== "wait_for_update")
					.sort(),
			).toEqual(TYPES);
			expect(sent).not.toHaveProperty("region");
		}
	});

	/** The page's dataLayer commands, in order: `consent <action> <ad_storage>`, `set <name> <value>`. */
	function commands(page: Page) {
		return page.evaluate(() =>
			Array.from(window.dataLayer as unknown as ArrayLike<unknown>[]).map((entry) => {
				const args = Array.from(entry as ArrayLike<unknown>);
				if (args[0] === "consent")
					return `consent ${args[1]} ${(args[2] as Record<string, string>).ad_storage}`;
				return args[0] === "set" ? `set ${args[1]} ${args[2]}` : String(args[0]);
			}),
		);
	}

	async function newContext(geo: string) {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
		await context.route(`${server.origin}${PAGE_PATH}`, (route) =>
			route.fulfill({ contentType: "text/html; charset=utf-8", body: PAGE }),
		);
		return context;
	}

	async function openPage(context: BrowserContext) {
		const page = await context.newPage();
		await page.goto(`${server.origin}${PAGE_PATH}`);
		await page.evaluate(() => window.consentEdge.ready());
		await page.waitForTimeout(50);
		return page;
	}

	async function choose(page: Page, choice: "acceptAll" | "rejectAll") {
		await page.evaluate((name) => window.consentEdge[name](), choice);
		await page.waitForTimeout(50);
	}

	it("ads data redaction: set with the first denial, before any tag command, and never unset by a grant", async () => {
		const context = await newContext("DE");
		const page = await openPage(context);
		expect(await commands(page)).toEqual([
			"consent default denied",
			"set ads_data_redaction true",
			"js",
			"config",
			"consent update denied",
		]);
		// Granted: Google's tags stop redacting by themselves; nothing is set again or unset.
		await choose(page, "acceptAll");
		expect((await commands(page)).slice(5)).toEqual(["consent update granted"]);
		// Denied again: the setting still stands, so it applies again.
		await choose(page, "rejectAll");
		expect((await commands(page)).slice(6)).toEqual(["consent update denied"]);
		await context.close();
	});

	it("ads data redaction: not set while ad_storage is granted; set before the update that denies it", async () => {
		const context = await newContext("US-CA");
		// The first view waits for the decision with everything denied, so it redacts meanwhile.
		const first = await openPage(context);
		expect(await commands(first)).toEqual([
			"consent default denied",
			"set ads_data_redaction true",
			"js",
			"config",
			"consent update granted",
		]);
		await first.close();
		// The second view is decided by the cookie at load: granted from the start, nothing to redact.
		const second = await openPage(context);
		expect(await commands(second)).toEqual([
			"consent default granted",
			"consent update granted",
			"js",
			"config",
		]);
		await choose(second, "rejectAll");
		expect((await commands(second)).slice(4)).toEqual([
			"set ads_data_redaction true",
			"consent update denied",
		]);
		await context.close();
	});

	it("a GPC browser never sees an ad type granted: accept all, set, a cookie from before the signal, another tab", async () => {
		const AD_TYPES = ["ad_storage", "ad_user_data", "ad_personalization"];
		/** Every ad type any consent command on the page has sent, as `<action> <type> <state>`. */
		const adStates = (page: Page) =>
			page.evaluate(
				(types) =>
					Array.from(window.dataLayer as unknown as ArrayLike<unknown>[])
						.map((entry) => Array.from(entry as ArrayLike<unknown>))
						.filter((args) => args[0] === "consent")
						.flatMap((args) => types.map((t) => `${args[1]} ${t} ${(args[2] as Record<string, string>)[t]}`)),
				AD_TYPES,
			);
		for (const geo of ["US-CA", "DE"]) {
			const context = await newContext(geo);
			// Before the signal: the visitor allows everything, so ce_consent says ads and sale are allowed.
			const before = await openPage(context);
			await choose(before, "acceptAll");
			expect(await before.evaluate(() => window.consentEdge.allows("ads"))).toBe(true);
			await context.addInitScript(() =>
				Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
			);
			const withGpc = await openPage(context);
			await withGpc.evaluate(() => window.consentEdge.set({ ads: true, sale: true }));
			await choose(withGpc, "acceptAll");
			// Another tab without the page's signal (opened before it) allows again; this one follows it.
			await before.evaluate(() => window.consentEdge.set({ ads: true, sale: true, analytics: false }));
			await withGpc.evaluate(() => window.dispatchEvent(new Event("focus")));
			await withGpc.waitForFunction(() => window.consentEdge.allows("analytics") === false);
			const sent = await adStates(withGpc);
			expect(sent.length, geo).toBeGreaterThan(3);
			expect(
				sent.filter((line) => !line.endsWith(" denied")),
				`${geo}: ${sent.join(", ")}`,
			).toEqual([]);
			expect(
				await withGpc.evaluate(() => [window.consentEdge.allows("ads"), window.consentEdge.allows("sale")]),
			).toEqual([false, false]);
			await context.close();
		}
	});
});
