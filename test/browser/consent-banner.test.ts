/**
 * The SDK's first-layer banner in a real browser against `wrangler dev`: shown in an opt-in
 * jurisdiction (DE) until a choice is made, never in opt-out ones nor because of GPC; accessible
 * markup, equal prominence of Accept and Reject, keyboard use and focus, English and Japanese,
 * theming, a strict page CSP, narrow screens, and `data-banner="off"` for sites with their own.
 */
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, TEST_SECRETS, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH, type TestPageOptions } from "./test-site";

warnIfNoChromium("consent banner");

const DE = { "X-Debug-Geo": "DE" };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const EN_NAME = "Your privacy choices";
const JA_NAME = "プライバシーの設定";
const ALL_DENIED = {
	essential: true,
	analytics: false,
	personalization: false,
	ads: false,
	sale: false,
	email: false,
};
/** What Accept all leaves allowed: every purpose but marketing email, which is asked for on its own. */
const ALL_ACCEPTED = {
	essential: true,
	analytics: true,
	personalization: true,
	ads: true,
	sale: true,
	email: false,
};
/** What Accept all and Reject all answer (the tracking purposes); `email` keeps its own choice. */
const BANNER_PURPOSES = ["analytics", "personalization", "ads", "sale"];
/** What the test page runs with nothing but `essential` allowed. */
const RAN_WHILE_DENIED = ["queued ping: loaded, not ready, true", "essential inline", "page end"];

interface SiteOptions {
	readonly headers?: Record<string, string>;
	readonly page?: Partial<TestPageOptions>;
	readonly gpc?: boolean;
	readonly viewport?: { width: number; height: number };
	readonly locale?: string;
}

/** What a button looks like, for comparing Accept with Reject. */
function appearance(button: Locator) {
	return button.evaluate((el) => {
		const s = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		return {
			width: r.width,
			height: r.height,
			top: r.top,
			fontSize: s.fontSize,
			fontWeight: s.fontWeight,
			fontFamily: s.fontFamily,
			color: s.color,
			backgroundColor: s.backgroundColor,
			borderColor: s.borderTopColor,
			borderWidth: s.borderTopWidth,
			borderRadius: s.borderTopLeftRadius,
			padding: s.padding,
			textDecoration: s.textDecorationLine,
		};
	});
}

/**
 * Accept and Reject look the same: every computed style and the row are identical, and the widths of
 * the two equal grid columns differ at most by layout rounding (a fraction of a pixel).
 */
async function expectEquallyProminent(dialog: Locator) {
	const { width: rejectWidth, ...reject } = await appearance(
		dialog.locator('[data-consent-action="reject-all"]'),
	);
	const { width: acceptWidth, ...accept } = await appearance(
		dialog.locator('[data-consent-action="accept-all"]'),
	);
	expect(reject).toEqual(accept);
	expect(Math.abs(rejectWidth - acceptWidth)).toBeLessThan(0.5);
	expect(acceptWidth).toBeGreaterThan(90);
	expect(accept.height).toBeGreaterThanOrEqual(44);
	expect(accept.backgroundColor).not.toBe("rgba(0, 0, 0, 0)");
	expect(accept.borderColor).toBe(accept.backgroundColor);
	return { ...accept, width: acceptWidth };
}

/** The focused element, named by id or data-consent-action. */
function focused(page: Page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		return el ? el.getAttribute("data-consent-action") || el.id || el.tagName : null;
	});
}

describe.skipIf(!hasChromium)("the consent banner in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		server = await serveWorker();
		browser = await launchChromium();
		await mkdir(ARTIFACTS, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	async function newSite(options: SiteOptions = {}) {
		const context = await browser.newContext({
			extraHTTPHeaders: options.headers ?? DE,
			viewport: options.viewport ?? DESKTOP,
			locale: options.locale ?? "en-US",
		});
		if (options.gpc) {
			await context.addInitScript(() => {
				Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {
					get: () => true,
					configurable: true,
				});
			});
		}
		await serveTestSite(context, server.origin, { gtag: true, ...options.page });
		return context;
	}

	async function open(context: BrowserContext) {
		const page = await context.newPage();
		const consentCalls: string[] = [];
		const bodies: unknown[] = [];
		page.on("request", (request) => {
			if (!new URL(request.url()).pathname.startsWith("/v1/")) return;
			consentCalls.push(request.method());
			if (request.method() !== "GET") bodies.push(request.postDataJSON());
		});
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.waitForLoadState("load");
		return { page, consentCalls, bodies };
	}

	function banner(page: Page, name = EN_NAME) {
		return page.getByRole("dialog", { name, exact: true });
	}

	/** After the decision is known and the page settled: there is no banner of any kind. */
	async function expectNoBanner(page: Page) {
		await page.evaluate(() => window.consentEdge.ready());
		await page.waitForTimeout(250);
		expect(await page.locator('[role="dialog"], [data-consent-action]').count()).toBe(0);
	}

	function storedDecision(page: Page) {
		return page.evaluate(() =>
			fetch("/v1/consent", { credentials: "include" }).then((r) => r.json() as Promise<DecisionDocument>),
		);
	}

	async function records(subject: string) {
		const res = await fetch(`${server.origin}/v1/subjects/${encodeURIComponent(subject)}/records`, {
			headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}` },
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { records: { source: string; purposes: Record<string, boolean> }[] })
			.records;
	}

	it("DE: an accessible dialog; Reject all saves every tracking purpose false, keeps tags blocked, stays closed", async () => {
		const context = await newSite();
		const { page, consentCalls, bodies } = await open(context);
		const dialog = banner(page);
		await dialog.waitFor({ state: "visible" });
		expect(await page.getByRole("dialog").count()).toBe(1);
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(true);

		// Markup: named by its heading, described by its text, in the page's language, first in <body>.
		expect(
			await dialog.evaluate((el) => ({
				labelledBy: document.getElementById(el.getAttribute("aria-labelledby") ?? "")?.textContent,
				describedBy: document.getElementById(el.getAttribute("aria-describedby") ?? "")?.textContent,
				lang: el.getAttribute("lang"),
				first: document.body.firstElementChild === el,
				position: getComputedStyle(el).position,
				bottom: el.getBoundingClientRect().bottom,
				viewport: window.innerHeight,
			})),
		).toEqual({
			labelledBy: EN_NAME,
			describedBy:
				"With your consent, we and our partners use cookies and similar technologies for analytics, personalization and targeted advertising, and we may sell or share information about you with third parties. “Accept all” allows all of these. You can change your choices at any time in Settings.",
			lang: "en",
			first: true,
			position: "fixed",
			bottom: DESKTOP.height,
			viewport: DESKTOP.height,
		});
		const reject = dialog.getByRole("button", { name: "Reject all", exact: true });
		const accept = dialog.getByRole("button", { name: "Accept all", exact: true });
		const settings = dialog.getByRole("button", { name: "Settings", exact: true });
		expect(await reject.getAttribute("data-consent-action")).toBe("reject-all");
		expect(await accept.getAttribute("data-consent-action")).toBe("accept-all");
		expect(await settings.getAttribute("data-consent-action")).toBe("settings");
		expect(await settings.getAttribute("data-href")).toBe(
			`${server.origin}/preferences?lang=en&return=${encodeURIComponent(`${server.origin}${TEST_PAGE_PATH}`)}`,
		);
		expect(await dialog.locator("[data-consent-action]").count()).toBe(3);
		// No inline event-handler attributes anywhere in it.
		expect(
			await dialog.evaluate((el) =>
				Array.from(el.querySelectorAll("*"), (n) => n.getAttributeNames())
					.flat()
					.filter((name) => name.startsWith("on")),
			),
		).toEqual([]);

		// Equal prominence: same size, row, font, colours and filled background.
		expect(await expectEquallyProminent(dialog)).toMatchObject({
			backgroundColor: "rgb(29, 78, 216)",
			color: "rgb(255, 255, 255)",
			fontWeight: "600",
			fontSize: "16px",
		});

		// Focus moved into the dialog; the page's own state is untouched while the banner waits.
		expect(await focused(page)).toBe("ce-banner");
		const ping = await page.evaluate(() => new Promise<unknown>((resolve) => window.__gpp("ping", resolve)));
		expect(ping).toMatchObject({ cmpDisplayStatus: "visible" });
		await page.screenshot({ path: `${ARTIFACTS}consent-banner-en.png` });

		await reject.click();
		await dialog.waitFor({ state: "detached" });
		expect(consentCalls).toEqual(["GET", "PUT"]);
		expect(bodies).toEqual([{ purposes: Object.fromEntries(BANNER_PURPOSES.map((p) => [p, false])) }]);
		// Focus returns to where the visitor was.
		expect(await focused(page)).toBe("search");
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);

		// Gated tags stay blocked; Consent Mode and __gpp have the answer.
		await page.waitForTimeout(200);
		expect(await page.evaluate(() => window.ran)).toEqual(RAN_WHILE_DENIED);
		expect(await page.locator('script[type="text/plain"][data-consent~="ads"]').count()).toBe(4);
		expect(await page.evaluate(() => window.gppEvents.map((e) => `${e.eventName}:${e.data}`))).toEqual([
			"listenerRegistered:true",
			"cmpStatus:loaded",
			"signalStatus:ready",
			"cmpDisplayStatus:visible",
			"signalStatus:not ready",
			"cmpDisplayStatus:hidden",
			"signalStatus:ready",
		]);

		// The worker stored the answer: every banner purpose false, explicitly, recorded as a `ui` choice;
		// marketing email was not asked and stays at its default.
		const stored = await storedDecision(page);
		expect(stored.purposes).toEqual(ALL_DENIED);
		for (const p of BANNER_PURPOSES) expect(stored.reasons[p]).toBe("explicit");
		expect(stored.reasons.email).toBe("default");
		expect(stored.prompt).toBe(false);
		expect(stored.consentMode).toMatchObject({ ad_storage: "denied", analytics_storage: "denied" });
		const history = await records(stored.subject ?? "");
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({
			source: "ui",
			purposes: Object.fromEntries(BANNER_PURPOSES.map((p) => [p, false])),
		});

		// Reloading: the cookie decides at once, no banner, no request (the last GET was ours above).
		await page.reload();
		await page.waitForLoadState("load");
		await expectNoBanner(page);
		expect(consentCalls).toEqual(["GET", "PUT", "GET"]);
		const again = await open(context);
		await expectNoBanner(again.page);
		expect(again.consentCalls).toEqual([]);
		// Decided from the cookie before the page's queued ping ran.
		expect(await again.page.evaluate(() => window.ran)).toEqual([
			"queued ping: loaded, ready, true",
			...RAN_WHILE_DENIED.slice(1),
		]);
		await context.close();
	});

	it("DE: Accept all saves every tracking purpose (not email), runs the gated tags and grants Consent Mode", async () => {
		const context = await newSite();
		const { page, consentCalls, bodies } = await open(context);
		await banner(page).waitFor({ state: "visible" });
		expect(await page.evaluate(() => window.ran)).toEqual(RAN_WHILE_DENIED);

		await banner(page).getByRole("button", { name: "Accept all", exact: true }).click();
		await banner(page).waitFor({ state: "detached" });
		await page.waitForFunction(
			() => window.ran.includes("ads file") && window.ran.includes("analytics file"),
		);
		expect(consentCalls).toEqual(["GET", "PUT"]);
		expect(bodies).toEqual([{ purposes: Object.fromEntries(BANNER_PURPOSES.map((p) => [p, true])) }]);
		const ran = await page.evaluate(() => window.ran);
		expect(ran.slice(3).sort()).toEqual([
			"ads file",
			"ads inline",
			"ads+analytics inline",
			"analytics file",
			"analytics inline",
		]);
		for (const never of ["no purposes", "unknown purpose"]) expect(ran).not.toContain(never);
		expect(await page.evaluate(() => window.consentEdge.allows("sale"))).toBe(true);
		expect(await focused(page)).toBe("search");
		const layer = await page.evaluate(() => Array.from(window.dataLayer, (e) => Array.from(e)));
		expect(layer.at(-1)).toEqual([
			"consent",
			"update",
			{
				ad_storage: "granted",
				ad_user_data: "granted",
				ad_personalization: "granted",
				analytics_storage: "granted",
				functionality_storage: "granted",
				personalization_storage: "granted",
				security_storage: "granted",
			},
		]);
		// Stored as the worker reads it: the tracking purposes allowed explicitly, marketing email not
		// (a cookie banner click is not consent to email), and nothing left to ask.
		const stored = await storedDecision(page);
		expect(stored.purposes).toEqual(ALL_ACCEPTED);
		for (const p of BANNER_PURPOSES) expect(stored.reasons[p]).toBe("explicit");
		expect(stored.reasons.email).toBe("default");
		expect(stored.prompt).toBe(false);

		const again = await open(context);
		await expectNoBanner(again.page);
		await again.page.waitForFunction(() => window.ran.includes("ads file"));
		expect(again.consentCalls).toEqual([]);
		// Nor when the worker decides from storage (a later visit, past the cookie's few minutes): the
		// email purpose nobody chose does not bring the banner back.
		await context.clearCookies({ name: "ce_consent" });
		const later = await open(context);
		await expectNoBanner(later.page);
		expect(later.consentCalls).toEqual(["GET"]);
		expect(await later.page.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);
		expect(await later.page.evaluate(() => window.consentEdge.allows("email"))).toBe(false);
		await context.close();
	});

	it("DE: Reject all and Accept all leave a marketing email choice as it was", async () => {
		// A newsletter subscriber whose choice predates the current policy: asked again by the banner.
		const context = await newSite();
		const { page } = await open(context);
		await banner(page).waitFor({ state: "visible" });
		const subscribed = await page.evaluate(() =>
			fetch("/v1/consent", {
				method: "PUT",
				credentials: "include",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ purposes: { email: true }, policyVersion: "2000-01" }),
			}).then((r) => r.json() as Promise<DecisionDocument>),
		);
		expect(subscribed).toMatchObject({ prompt: true, purposes: { email: true } });
		await page.close();

		const { page: asked, bodies } = await open(context);
		const dialog = banner(asked);
		await dialog.waitFor({ state: "visible" });
		await dialog.getByRole("button", { name: "Reject all", exact: true }).click();
		await dialog.waitFor({ state: "detached" });
		expect(bodies).toEqual([{ purposes: Object.fromEntries(BANNER_PURPOSES.map((p) => [p, false])) }]);
		const rejected = await storedDecision(asked);
		expect(rejected.purposes).toEqual({ ...ALL_DENIED, email: true });
		expect(rejected.reasons.email).toBe("explicit");
		expect(rejected.prompt).toBe(false);

		// The API's acceptAll() means what the button does.
		const accepted = await asked.evaluate(() => window.consentEdge.acceptAll());
		expect(accepted.purposes).toEqual({ ...ALL_ACCEPTED, email: true });
		expect(accepted.prompt).toBe(false);
		await context.close();
	});

	it('speaks Japanese with <html lang="ja">', async () => {
		const context = await newSite({ page: { lang: "ja" } });
		const { page } = await open(context);
		const dialog = banner(page, JA_NAME);
		await dialog.waitFor({ state: "visible" });
		expect(await dialog.getAttribute("lang")).toBe("ja");
		const reject = dialog.getByRole("button", { name: "すべて拒否する", exact: true });
		const accept = dialog.getByRole("button", { name: "すべて同意する", exact: true });
		const settings = dialog.getByRole("button", { name: "詳細設定", exact: true });
		expect(await reject.getAttribute("data-consent-action")).toBe("reject-all");
		expect(await accept.getAttribute("data-consent-action")).toBe("accept-all");
		expect(await settings.getAttribute("data-consent-action")).toBe("settings");
		expect(await settings.getAttribute("data-href")).toMatch(
			new RegExp(`^${server.origin}/preferences\\?lang=ja&return=`),
		);
		expect(await page.locator("#ce-banner-text").textContent()).toBe(
			"当サイトと提携先は、同意いただいた場合に限り、アクセス解析、パーソナライズ、ターゲティング広告のためにCookieなどの技術を使用し、利用者に関する情報を第三者に提供（販売・共有）することがあります。「すべて同意する」を選ぶと、これらすべてに同意したことになります。選択は「詳細設定」からいつでも変更できます。",
		);
		await expectEquallyProminent(dialog);
		await page.screenshot({ path: `${ARTIFACTS}consent-banner-ja.png` });
		await context.close();
	});

	it("takes its colours and font from the page's CSS variables", async () => {
		const theme =
			":root { --ce-banner-bg: #0f172a; --ce-banner-fg: #e2e8f0; --ce-button-bg: #facc15; --ce-button-fg: #111827; --ce-font: Georgia, serif; }";
		const context = await newSite({ page: { css: theme } });
		const { page } = await open(context);
		const dialog = banner(page);
		await dialog.waitFor({ state: "visible" });
		expect(await expectEquallyProminent(dialog)).toMatchObject({
			backgroundColor: "rgb(250, 204, 21)",
			borderColor: "rgb(250, 204, 21)",
			color: "rgb(17, 24, 39)",
			fontFamily: "Georgia, serif",
		});
		expect(
			await dialog.evaluate((el) => {
				const s = getComputedStyle(el);
				return [s.backgroundColor, s.color, s.fontFamily];
			}),
		).toEqual(["rgb(15, 23, 42)", "rgb(226, 232, 240)", "Georgia, serif"]);
		await page.screenshot({ path: `${ARTIFACTS}consent-banner-themed.png` });
		await context.close();
	});

	it("takes the language from navigator.languages when the page's is missing or unsupported", async () => {
		const japaneseBrowser = await newSite({ page: { lang: null }, locale: "ja-JP" });
		await banner((await open(japaneseBrowser)).page, JA_NAME).waitFor({ state: "visible" });
		await japaneseBrowser.close();

		const germanPage = await newSite({ page: { lang: "de" }, locale: "ja-JP" });
		const { page } = await open(germanPage);
		await banner(page, JA_NAME).waitFor({ state: "visible" });
		expect(await banner(page, JA_NAME).getAttribute("lang")).toBe("ja");
		await germanPage.close();

		const englishPage = await newSite({ page: { lang: "en-GB" }, locale: "ja-JP" });
		await banner((await open(englishPage)).page).waitFor({ state: "visible" });
		await englishPage.close();
	});

	it("fits a narrow phone screen with Accept and Reject side by side at equal size", async () => {
		for (const [lang, name] of [
			["en", EN_NAME],
			["ja", JA_NAME],
		] as const) {
			const context = await newSite({ page: { lang }, viewport: PHONE });
			const { page } = await open(context);
			const dialog = banner(page, name);
			await dialog.waitFor({ state: "visible" });
			await expectEquallyProminent(dialog);
			const layout = await dialog.evaluate((el) => {
				const box = (selector: string) => el.querySelector(selector)?.getBoundingClientRect();
				const r = el.getBoundingClientRect();
				return {
					dialog: { left: r.left, right: r.right, bottom: r.bottom, top: r.top },
					reject: box('[data-consent-action="reject-all"]'),
					accept: box('[data-consent-action="accept-all"]'),
					settings: box('[data-consent-action="settings"]'),
					scrollWidth: document.documentElement.scrollWidth,
				};
			});
			expect(layout.dialog).toMatchObject({ left: 0, right: PHONE.width, bottom: PHONE.height });
			expect(layout.dialog.top).toBeGreaterThan(PHONE.height / 3);
			expect(layout.scrollWidth).toBe(PHONE.width);
			expect(layout.reject?.left).toBeGreaterThanOrEqual(16);
			expect(layout.accept?.right).toBeLessThanOrEqual(PHONE.width - 16);
			expect(layout.reject?.right).toBeLessThan(layout.accept?.left ?? 0);
			expect(layout.settings?.top).toBeGreaterThan(layout.accept?.bottom ?? Number.POSITIVE_INFINITY);
			await page.screenshot({ path: `${ARTIFACTS}consent-banner-${lang}-phone.png` });
			await context.close();
		}
	});

	it("fits a 320 x 256 viewport (WCAG 1.4.10): the page shows above it, and it scrolls within to every button", async () => {
		const viewport = { width: 320, height: 256 };
		for (const [lang, name] of [
			["en", EN_NAME],
			["ja", JA_NAME],
		] as const) {
			const context = await newSite({ page: { lang }, viewport });
			const { page } = await open(context);
			const dialog = banner(page, name);
			await dialog.waitFor({ state: "visible" });
			const box = () =>
				dialog.evaluate((el) => {
					const r = el.getBoundingClientRect();
					return {
						top: r.top,
						bottom: r.bottom,
						scrolls: el.scrollHeight > el.clientHeight,
						scrollTop: el.scrollTop,
						pageWidth: document.documentElement.scrollWidth,
					};
				});
			const shown = await box();
			// At most half the viewport: the page stays in view above it.
			expect(shown.top, lang).toBeGreaterThanOrEqual(viewport.height / 2);
			expect(shown.bottom, lang).toBe(viewport.height);
			expect(shown.scrolls, lang).toBe(true);
			expect(shown.pageWidth, lang).toBe(viewport.width);
			// The dialog has focus: the arrow keys scroll its text.
			expect(await focused(page)).toBe("ce-banner");
			await page.keyboard.press("ArrowDown");
			await expect.poll(async () => (await box()).scrollTop).toBeGreaterThan(0);
			// Each button, tabbed to, is scrolled into the dialog's view, its focus ring too.
			for (const action of ["reject-all", "accept-all", "settings"]) {
				await page.keyboard.press("Tab");
				expect(await focused(page)).toBe(action);
				const seen = await page.evaluate(() => {
					const el = document.activeElement as HTMLElement;
					const ring = Number.parseFloat(getComputedStyle(el).outlineWidth) + 2;
					const r = el.getBoundingClientRect();
					const b = (document.getElementById("ce-banner") as HTMLElement).getBoundingClientRect();
					return r.top - ring >= b.top && r.bottom + ring <= b.bottom && r.bottom <= window.innerHeight;
				});
				expect(seen, `${lang} ${action}`).toBe(true);
			}
			await page.screenshot({ path: `${ARTIFACTS}consent-banner-${lang}-320x256.png` });
			await context.close();
		}
	});

	it("Escape closes it for this page view without an answer, hands focus back, and it asks again on the next page", async () => {
		const context = await newSite();
		const { page, consentCalls } = await open(context);
		const dialog = banner(page);
		await dialog.waitFor({ state: "visible" });
		expect(await focused(page)).toBe("ce-banner");
		await page.keyboard.press("Escape");
		await dialog.waitFor({ state: "detached" });
		// Not an answer: nothing is sent, nothing is allowed, the choice is still to be made.
		expect(await focused(page)).toBe("search");
		await page.waitForTimeout(200);
		expect(consentCalls).toEqual(["GET"]);
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(true);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await page.evaluate(() => window.ran)).toEqual(RAN_WHILE_DENIED);
		const ping = await page.evaluate(() => new Promise<unknown>((resolve) => window.__gpp("ping", resolve)));
		expect(ping).toMatchObject({ cmpDisplayStatus: "hidden" });
		// A new decision on this page (the visitor cleared cookies elsewhere, then came back to the tab:
		// read again, a new subject, still asking) does not bring it back either.
		await context.clearCookies();
		await page.evaluate(() => window.dispatchEvent(new Event("focus")));
		await expect.poll(() => consentCalls).toEqual(["GET", "GET"]);
		await expect.poll(() => page.evaluate(() => window.changes.length)).toBe(1);
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(true);
		await page.waitForTimeout(300);
		expect(await page.locator("#ce-banner").count()).toBe(0);

		// The next page asks again; Escape from a button closes it too, focus back where it was.
		const next = await open(context);
		await banner(next.page).waitFor({ state: "visible" });
		await next.page.keyboard.press("Tab");
		expect(await focused(next.page)).toBe("reject-all");
		await next.page.keyboard.press("Escape");
		await banner(next.page).waitFor({ state: "detached" });
		expect(await focused(next.page)).toBe("search");
		expect(next.consentCalls.filter((m) => m !== "GET")).toEqual([]);
		await context.close();
	});

	it("works from the keyboard alone: Tab to a button, Enter or Space answers", async () => {
		const context = await newSite();
		const { page, bodies } = await open(context);
		await banner(page).waitFor({ state: "visible" });
		expect(await focused(page)).toBe("ce-banner");
		await page.keyboard.press("Tab");
		expect(await focused(page)).toBe("reject-all");
		await page.keyboard.press("Tab");
		expect(await focused(page)).toBe("accept-all");
		await page.keyboard.press("Tab");
		expect(await focused(page)).toBe("settings");
		await page.keyboard.press("Shift+Tab");
		expect(await focused(page)).toBe("accept-all");
		// A visible focus ring from the banner's own sheet.
		expect(
			await page.evaluate(() => {
				const s = getComputedStyle(document.activeElement as Element);
				return [s.outlineStyle, s.outlineWidth];
			}),
		).toEqual(["solid", "3px"]);
		await page.keyboard.press("Enter");
		await banner(page).waitFor({ state: "detached" });
		expect(bodies).toEqual([{ purposes: Object.fromEntries(BANNER_PURPOSES.map((p) => [p, true])) }]);
		expect(await focused(page)).toBe("search");
		await context.close();

		const other = await newSite();
		const second = await open(other);
		await banner(second.page).waitFor({ state: "visible" });
		await second.page.keyboard.press("Tab");
		expect(await focused(second.page)).toBe("reject-all");
		await second.page.keyboard.press("Space");
		await banner(second.page).waitFor({ state: "detached" });
		expect(second.bodies).toEqual([{ purposes: Object.fromEntries(BANNER_PURPOSES.map((p) => [p, false])) }]);
		expect((await storedDecision(second.page)).purposes).toEqual(ALL_DENIED);
		await other.close();
	});

	it("Settings, a button like the other two, opens the preference centre in the banner's language, and leads back after a save", async () => {
		const context = await newSite();
		const { page } = await open(context);
		const dialog = banner(page);
		await dialog.waitFor({ state: "visible" });
		expect(await dialog.locator("button[data-consent-action]").count()).toBe(3);
		const site = `${server.origin}${TEST_PAGE_PATH}`;
		await dialog.getByRole("button", { name: "Settings", exact: true }).click();
		await page.waitForURL(`${server.origin}/preferences?lang=en&return=${encodeURIComponent(site)}`);
		expect(await page.locator("html").getAttribute("lang")).toBe("en");
		expect(await page.locator('form[method="post"] input[type="checkbox"]').count()).toBeGreaterThan(0);
		const back = page.getByRole("link", { name: `Back to ${new URL(server.origin).host}`, exact: true });
		expect(await back.getAttribute("href")).toBe(site);

		await page.getByText("Analytics", { exact: true }).click();
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
			page.getByRole("button", { name: "Save choices", exact: true }).click(),
		]);
		expect(await page.getByRole("status").textContent()).toBe("Your choices have been saved.");
		// The saved page still leads back (remembered in a cookie, not carried through the 303).
		expect(await back.getAttribute("href")).toBe(site);
		await Promise.all([page.waitForURL(site), back.click()]);
		await page.evaluate(() => window.consentEdge.ready());
		expect(await page.evaluate(() => window.consentEdge.allows("analytics"))).toBe(true);
		expect(await page.locator('[role="dialog"]').count()).toBe(0);
		await context.close();
	});

	it("keeps the banner open and says so when the choice cannot be saved", async () => {
		const context = await newSite();
		await context.route(`${server.origin}/v1/consent`, (route) =>
			route.request().method() === "PUT"
				? route.fulfill({
						status: 503,
						contentType: "application/json",
						headers: { "Retry-After": "1" },
						body: JSON.stringify({ error: { code: "storage_unavailable", message: "Try again." } }),
					})
				: route.continue(),
		);
		const { page, consentCalls } = await open(context);
		const dialog = banner(page);
		await dialog.waitFor({ state: "visible" });
		await dialog.getByRole("button", { name: "Accept all", exact: true }).click();
		const alert = dialog.getByRole("alert");
		await page.waitForFunction(() => document.querySelector('#ce-banner [role="alert"]')?.textContent !== "");
		expect(await alert.textContent()).toBe("Your choice could not be saved. Please try again.");
		expect(await dialog.isVisible()).toBe(true);
		expect(await focused(page)).toBe("accept-all");
		expect(consentCalls).toEqual(["GET", "PUT"]);
		expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
		expect(await page.evaluate(() => window.ran)).toEqual(RAN_WHILE_DENIED);
		await context.close();
	});

	it("renders under a strict page CSP without a single violation", async () => {
		const context = await newSite({ page: { csp: true } });
		const { page } = await open(context);
		const dialog = banner(page);
		await dialog.waitFor({ state: "visible" });
		expect(await dialog.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 255, 255)");
		expect((await expectEquallyProminent(dialog)).backgroundColor).toBe("rgb(29, 78, 216)");
		await page.keyboard.press("Tab");
		expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineWidth)).toBe(
			"3px",
		);
		await page.keyboard.press("Space");
		await dialog.waitFor({ state: "detached" });
		expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
		await context.close();
	});

	it('shows nothing with data-banner="off" while needsPrompt() is true; the API answers instead', async () => {
		const context = await newSite({ page: { banner: "off" } });
		const { page, consentCalls } = await open(context);
		await expectNoBanner(page);
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(true);
		expect(await focused(page)).toBe("search");
		const rejected = await page.evaluate(() => window.consentEdge.rejectAll());
		expect(rejected.purposes).toEqual(ALL_DENIED);
		expect(rejected.prompt).toBe(false);
		expect(consentCalls).toEqual(["GET", "PUT"]);
		expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);
		const accepted = await page.evaluate(() => window.consentEdge.acceptAll());
		expect(accepted.purposes).toEqual(ALL_ACCEPTED);
		expect(await page.locator("[data-consent-action]").count()).toBe(0);
		await context.close();
	});

	it("never shows in opt-out jurisdictions, with or without GPC", async () => {
		for (const [geo, gpc] of [
			["US-CA", true],
			["US-CA", false],
			["JP", false],
		] as const) {
			const headers: Record<string, string> = { "X-Debug-Geo": geo };
			if (gpc) headers["Sec-GPC"] = "1";
			const context = await newSite({ headers, gpc });
			const { page, consentCalls } = await open(context);
			await expectNoBanner(page);
			const doc = await page.evaluate(() => window.consentEdge.ready());
			expect(doc.jurisdiction).toBe(geo);
			expect(doc.gpc).toBe(gpc);
			expect(doc.prompt).toBe(false);
			expect(await page.evaluate(() => window.consentEdge.needsPrompt())).toBe(false);
			expect(consentCalls).toEqual(["GET"]);
			expect(await focused(page)).toBe("search");
			const again = await open(context);
			await expectNoBanner(again.page);
			await context.close();
		}
	});
});
