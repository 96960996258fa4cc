/**
 * The preference centre (`/preferences`) in a real browser against `wrangler dev`, with JavaScript
 * off and on (the page carries none, so both must behave alike): toggling purposes by their labels,
 * saving (303 to `?saved=1`, the confirmation, the stored decision as `/v1/consent` reports it in the
 * same browser), English and Japanese (Accept-Language, `<html lang>`, the `?lang=` switch link that
 * sticks across a save), Global Privacy Control in California (passive status line, ads and sale off
 * and disabled, no dialog or pop-up), "opt out of everything", keyboard operation, and a 360 px phone.
 */
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";

warnIfNoChromium("preference centre");

const DE = { "X-Debug-Geo": "DE" };
const US_CA = { "X-Debug-Geo": "US-CA" };
const GPC_CA = { "Sec-GPC": "1", "X-Debug-Geo": "US-CA" };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const NOT_ESSENTIAL = ["analytics", "personalization", "ads", "sale", "email"] as const;
type Purpose = "essential" | (typeof NOT_ESSENTIAL)[number];

const TEXT = {
	en: {
		title: "Privacy preferences",
		saved: "Your choices have been saved.",
		save: "Save choices",
		optOut: "Opt out of everything",
		gpcStatus: "Opt-Out Preference Signal Honored",
		gpcLocked:
			"Off: your browser sends the Global Privacy Control signal, and this cannot be turned on while it does.",
		otherLanguage: "日本語",
		historyEmpty: "No choices recorded yet.",
		labels: {
			essential: "Essential",
			analytics: "Analytics",
			personalization: "Personalization",
			ads: "Targeted advertising",
			sale: "Sale or sharing of personal information",
			email: "Marketing email",
		},
	},
	ja: {
		title: "プライバシー設定",
		saved: "設定を保存しました。",
		save: "設定を保存",
		optOut: "すべてオプトアウト",
		gpcStatus: "オプトアウト選好シグナルを適用しています",
		gpcLocked:
			"ブラウザーがGPCシグナルを送信しているため、オフになっています。送信している間はオンにできません。",
		otherLanguage: "English",
		historyEmpty: "記録された設定はまだありません。",
		labels: {
			essential: "必須",
			analytics: "アクセス解析",
			personalization: "パーソナライズ",
			ads: "ターゲティング広告",
			sale: "個人情報の第三者提供（販売・共有）",
			email: "広告・宣伝メール",
		},
	},
} as const;
type Lang = keyof typeof TEXT;

/** What a checkbox shows: checked, disabled and its "Currently: ..." line. */
interface BoxState {
	checked: boolean;
	disabled: boolean;
	state: string;
}

function allowing(...allowed: Purpose[]): Record<Purpose, boolean> {
	return {
		essential: true,
		...(Object.fromEntries(NOT_ESSENTIAL.map((p) => [p, allowed.includes(p)])) as Record<
			(typeof NOT_ESSENTIAL)[number],
			boolean
		>),
	};
}

function reasons(other: string, overrides: Partial<Record<Purpose, string>> = {}): Record<Purpose, string> {
	return {
		essential: "essential",
		...(Object.fromEntries(NOT_ESSENTIAL.map((p) => [p, other])) as Record<
			(typeof NOT_ESSENTIAL)[number],
			string
		>),
		...overrides,
	};
}

describe.skipIf(!hasChromium)("the preference centre in Chromium", () => {
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

	interface Visit {
		readonly context: BrowserContext;
		readonly page: Page;
		/** `alert`/`confirm`/`prompt` dialogs the page opened. */
		readonly dialogs: string[];
		/** Every page the context ever had (pop-ups would add to it). */
		readonly pages: Page[];
		/** Status of every answer to a POST, in order. */
		readonly posts: string[];
	}

	/** A fresh visitor (own cookies) with the given headers, language and screen, on /preferences. */
	async function visit(options: BrowserContextOptions & { js: boolean; path?: string }): Promise<Visit> {
		const { js, path = "/preferences", ...rest } = options;
		const context = await browser.newContext({
			javaScriptEnabled: js,
			viewport: DESKTOP,
			locale: "en-US",
			...rest,
		});
		const pages: Page[] = [];
		const dialogs: string[] = [];
		const posts: string[] = [];
		context.on("page", (p) => {
			pages.push(p);
			p.on("dialog", (d) => {
				dialogs.push(`${d.type()}: ${d.message()}`);
				void d.dismiss();
			});
			p.on("response", (r) => {
				if (r.request().method() === "POST")
					posts.push(`${r.status()} ${new URL(r.url()).pathname} -> ${r.headers().location ?? ""}`);
			});
		});
		const page = await context.newPage();
		const res = await page.goto(`${server.origin}${path}`);
		expect(res?.status()).toBe(200);
		return { context, page, dialogs, pages, posts };
	}

	/** The decision `/v1/consent` gives this browser (same cookies and headers as its pages). */
	async function stored(context: BrowserContext, headers: Record<string, string> = {}) {
		const res = await context.request.get(`${server.origin}/v1/consent`, { headers });
		expect(res.status()).toBe(200);
		return (await res.json()) as DecisionDocument;
	}

	function box(page: Page, lang: Lang, purpose: Purpose) {
		return page.getByRole("checkbox", { name: TEXT[lang].labels[purpose], exact: true });
	}

	/** Every checkbox's state, by purpose, read from the rendered page. */
	async function boxes(page: Page): Promise<Record<string, BoxState>> {
		const rows = await page.locator('fieldset input[type="checkbox"]').evaluateAll((inputs) =>
			inputs.map((el) => {
				const input = el as HTMLInputElement;
				return {
					id: input.id.replace(/^purpose-/, ""),
					name: input.name,
					checked: input.checked,
					disabled: input.disabled,
					state: document.getElementById(`${input.id}-state`)?.textContent ?? "",
				};
			}),
		);
		// The form field's name is the purpose (essential has none: it is never submitted).
		for (const row of rows) expect(row.name).toBe(row.id === "essential" ? "" : row.id);
		return Object.fromEntries(
			rows.map(({ id, checked, disabled, state }) => [id, { checked, disabled, state }]),
		);
	}

	function expectedBoxes(
		allowed: Record<Purpose, boolean>,
		state: (purpose: Purpose, on: boolean) => string,
		locked: Purpose[] = [],
	): Record<string, BoxState> {
		return Object.fromEntries(
			(Object.keys(allowed) as Purpose[]).map((p) => [
				p,
				{
					checked: allowed[p],
					disabled: p === "essential" || locked.includes(p),
					state: state(p, allowed[p]),
				},
			]),
		);
	}

	/**
	 * Clicks a button and waits for the 303 and the page it leads to: the next page's load, since a
	 * wait for the URL returns at once when the page posting is already `?saved=1` (seen: the
	 * confirmation looked for while the next page was still loading).
	 */
	async function submit(v: Visit, button: string) {
		const before = v.posts.length;
		await Promise.all([
			v.page.waitForEvent("load"),
			v.page.getByRole("button", { name: button, exact: true }).click(),
		]);
		expect(v.page.url()).toBe(`${server.origin}/preferences?saved=1`);
		return v.posts.slice(before);
	}

	async function expectConfirmation(page: Page, lang: Lang) {
		const notice = page.getByRole("status");
		expect(await notice.count()).toBe(1);
		expect(await notice.isVisible()).toBe(true);
		expect(await notice.textContent()).toBe(TEXT[lang].saved);
		expect(await page.getAttribute("html", "lang")).toBe(lang);
	}

	function historyRows(page: Page) {
		return page
			.locator("table tbody tr")
			.evaluateAll((rows) =>
				rows.map((row) =>
					Array.from(row.querySelectorAll("td"), (td, i) => (i === 0 ? "<time>" : td.textContent)),
				),
			);
	}

	function noHorizontalScroll(page: Page) {
		return page.evaluate(() => ({
			scrollWidth: document.documentElement.scrollWidth,
			bodyScrollWidth: document.body.scrollWidth,
			innerWidth: window.innerWidth,
		}));
	}

	const enState = (reason: string) => (p: Purpose, on: boolean) =>
		`Currently: ${on ? "On" : "Off"} (${p === "essential" ? "always needed" : reason})`;

	it("javaScriptEnabled: false really runs no script (the premise of the no-JS runs)", async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		await context.route("http://probe.test/", (route) =>
			route.fulfill({
				contentType: "text/html",
				body: '<!doctype html><p id="p">static</p><script>document.getElementById("p").textContent = "ran"</script>',
			}),
		);
		const page = await context.newPage();
		await page.goto("http://probe.test/");
		expect(await page.locator("#p").textContent()).toBe("static");
		// The preference centre itself ships no script at all.
		await page.goto(`${server.origin}/preferences`);
		expect(await page.locator("script").count()).toBe(0);
		await context.close();
	});

	describe.each([
		{ js: false, mode: "without JavaScript" },
		{ js: true, mode: "with JavaScript" },
	])("$mode", ({ js }) => {
		const shot = (name: string) => `${ARTIFACTS}${name}${js ? "" : "-nojs"}.png`;

		it("DE in English: all off by default; label clicks and check() toggle, Save stores exactly that and confirms", async () => {
			const v = await visit({ js, extraHTTPHeaders: DE });
			const { page } = v;
			expect(await page.getAttribute("html", "lang")).toBe("en");
			expect(await page.title()).toBe(TEXT.en.title);
			expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(TEXT.en.title);
			expect(await page.getByRole("status").count()).toBe(0);
			expect(await page.locator("#gpc-status").count()).toBe(0);
			expect(await page.getByText(TEXT.en.historyEmpty, { exact: true }).isVisible()).toBe(true);
			expect(await boxes(page)).toEqual(expectedBoxes(allowing(), enState("default for your region")));

			// A person clicks the label text; another uses the checkbox itself.
			await page.locator("label", { hasText: TEXT.en.labels.analytics }).click();
			await box(page, "en", "email").check();
			expect(await box(page, "en", "analytics").isChecked()).toBe(true);
			expect(await box(page, "en", "email").isChecked()).toBe(true);

			expect(await submit(v, TEXT.en.save)).toEqual(["303 /preferences -> /preferences?saved=1"]);
			await expectConfirmation(page, "en");
			expect(await boxes(page)).toEqual(
				expectedBoxes(allowing("analytics", "email"), enState("your choice")),
			);
			expect(await historyRows(page)).toEqual([
				[
					"<time>",
					"Analytics: allowed, Personalization: denied, Targeted advertising: denied, Sale or sharing of personal information: denied, Marketing email: allowed",
					"Your choice in this browser",
				],
			]);
			await page.screenshot({ path: shot("preferences-en"), fullPage: true });

			const doc = await stored(v.context);
			expect(doc.purposes).toEqual(allowing("analytics", "email"));
			expect(doc.reasons).toEqual(reasons("explicit"));
			expect(doc).toMatchObject({ jurisdiction: "DE", gpc: false, prompt: false });

			// Unchecked means denied: turning analytics back off and saving stores it off.
			await page.getByText(TEXT.en.labels.analytics, { exact: true }).click();
			expect(await box(page, "en", "analytics").isChecked()).toBe(false);
			expect(await submit(v, TEXT.en.save)).toEqual(["303 /preferences -> /preferences?saved=1"]);
			await expectConfirmation(page, "en");
			expect((await stored(v.context)).purposes).toEqual(allowing("email"));
			expect(await boxes(page)).toEqual(expectedBoxes(allowing("email"), enState("your choice")));
			expect((await historyRows(page)).map((row) => row[1])).toEqual([
				"Analytics: denied",
				"Analytics: allowed, Personalization: denied, Targeted advertising: denied, Sale or sharing of personal information: denied, Marketing email: allowed",
			]);
			expect(v.dialogs).toEqual([]);
		});

		it("Japanese by Accept-Language: lang=ja, Japanese labels and confirmation; the ?lang= switch sticks across a save", async () => {
			const v = await visit({ js, extraHTTPHeaders: DE, locale: "ja-JP" });
			const { page } = v;
			expect(await page.getAttribute("html", "lang")).toBe("ja");
			expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(TEXT.ja.title);
			expect(await page.getByText(TEXT.ja.historyEmpty, { exact: true }).isVisible()).toBe(true);
			expect(await page.getByText(TEXT.en.title).count()).toBe(0);
			expect(await boxes(page)).toEqual(
				expectedBoxes(allowing(), (p, on) =>
					p === "essential"
						? "現在：オン（常に必要）"
						: `現在：${on ? "オン" : "オフ"}（アクセス元の地域の初期設定）`,
				),
			);

			await page.getByText(TEXT.ja.labels.analytics, { exact: true }).click();
			await box(page, "ja", "personalization").check();
			expect(await submit(v, TEXT.ja.save)).toEqual(["303 /preferences -> /preferences?saved=1"]);
			await expectConfirmation(page, "ja");
			expect(await box(page, "ja", "analytics").isChecked()).toBe(true);
			expect(await box(page, "ja", "personalization").isChecked()).toBe(true);
			expect(await page.locator("#purpose-analytics-state").textContent()).toBe("現在：オン（ご自身の選択）");
			expect((await historyRows(page)).map((row) => row.slice(1))).toEqual([
				[
					"アクセス解析：許可、パーソナライズ：許可、ターゲティング広告：拒否、個人情報の第三者提供（販売・共有）：拒否、広告・宣伝メール：拒否",
					"このブラウザーでの選択",
				],
			]);
			await page.screenshot({ path: shot("preferences-ja"), fullPage: true });
			const doc = await stored(v.context);
			expect(doc.purposes).toEqual(allowing("analytics", "personalization"));
			expect(doc.reasons).toEqual(reasons("explicit"));
			expect(doc.jurisdiction).toBe("DE");

			// The switch link: same page in English, `saved` dropped, marked up in its own language.
			const english = page.getByRole("link", { name: TEXT.ja.otherLanguage, exact: true });
			expect(await english.getAttribute("href")).toBe("/preferences?lang=en");
			expect(await english.getAttribute("hreflang")).toBe("en");
			expect(await english.getAttribute("lang")).toBe("en");
			await Promise.all([page.waitForURL(`${server.origin}/preferences?lang=en`), english.click()]);
			expect(await page.getAttribute("html", "lang")).toBe("en");
			expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(TEXT.en.title);
			expect(await page.getByRole("status").count()).toBe(0);
			expect(await box(page, "en", "analytics").isChecked()).toBe(true);
			expect(await box(page, "en", "personalization").isChecked()).toBe(true);

			// The choice survives the 303 although the browser still asks for Japanese.
			await box(page, "en", "personalization").uncheck();
			await submit(v, TEXT.en.save);
			await expectConfirmation(page, "en");
			expect((await stored(v.context)).purposes).toEqual(allowing("analytics"));

			const japanese = page.getByRole("link", { name: TEXT.en.otherLanguage, exact: true });
			expect(await japanese.getAttribute("href")).toBe("/preferences?lang=ja");
			await Promise.all([page.waitForURL(`${server.origin}/preferences?lang=ja`), japanese.click()]);
			expect(await page.getAttribute("html", "lang")).toBe("ja");
			expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(TEXT.ja.title);
			expect(await box(page, "ja", "personalization").isChecked()).toBe(false);
		});

		it("GPC in California: passive status line, ads and sale off and disabled, no dialog or pop-up; a save keeps them off", async () => {
			const v = await visit({ js, extraHTTPHeaders: GPC_CA });
			const { page } = v;
			const status = page.locator("#gpc-status");
			expect(await status.isVisible()).toBe(true);
			expect(await status.locator("strong").textContent()).toBe(TEXT.en.gpcStatus);
			expect(await page.getByText(TEXT.en.gpcStatus, { exact: true }).isVisible()).toBe(true);
			// Passive: not a dialog, not an alert, no new window, nothing to dismiss.
			expect(await page.locator('[role="dialog"], [role="alertdialog"], dialog').count()).toBe(0);
			expect(await status.locator("button, a, input").count()).toBe(0);

			const gpcState = (p: Purpose, on: boolean) =>
				p === "essential"
					? "Currently: On (always needed)"
					: p === "ads" || p === "sale"
						? "Currently: Off (Global Privacy Control)"
						: `Currently: ${on ? "On" : "Off"} (default for your region)`;
			expect(await boxes(page)).toEqual(
				expectedBoxes(allowing("analytics", "personalization", "email"), gpcState, ["ads", "sale"]),
			);
			for (const p of ["ads", "sale"] as const) {
				expect(await page.locator(`#purpose-${p}-locked`).textContent()).toBe(TEXT.en.gpcLocked);
				// Clicking the label of a locked purpose changes nothing (force: Playwright would wait for it
				// to become enabled; a person just clicks).
				await page.locator(`label[for="purpose-${p}"]`).click({ force: true });
				expect(await box(page, "en", p).isChecked()).toBe(false);
			}
			await page.screenshot({ path: shot("preferences-gpc"), fullPage: true });

			await page.getByText(TEXT.en.labels.personalization, { exact: true }).click();
			expect(await submit(v, TEXT.en.save)).toEqual(["303 /preferences -> /preferences?saved=1"]);
			await expectConfirmation(page, "en");
			expect(await page.locator("#gpc-status").isVisible()).toBe(true);
			const doc = await stored(v.context);
			expect(doc.purposes).toEqual(allowing("analytics", "email"));
			// Every box the form sent is now an explicit choice; the locked ones stay with the signal.
			expect(doc.reasons).toEqual(reasons("explicit", { ads: "gpc", sale: "gpc" }));
			expect(doc).toMatchObject({ jurisdiction: "US-CA", gpc: true });
			// The signal's opt-out was stored too: without it, ads and sale stay off.
			const later = await stored(v.context, { "Sec-GPC": "0" });
			expect(later.gpc).toBe(false);
			expect(later.purposes).toEqual(allowing("analytics", "email"));
			expect(later.reasons).toMatchObject({ ads: "gpc", sale: "gpc", personalization: "explicit" });

			expect(v.dialogs).toEqual([]);
			expect(v.pages.length).toBe(1);

			// The Japanese page shows the Japanese status line instead.
			const ja = await visit({ js, extraHTTPHeaders: GPC_CA, locale: "ja-JP" });
			expect(await ja.page.getAttribute("html", "lang")).toBe("ja");
			expect(await ja.page.locator("#gpc-status strong").textContent()).toBe(TEXT.ja.gpcStatus);
			expect(await ja.page.locator("#gpc-status").isVisible()).toBe(true);
			expect(await ja.page.getByText(TEXT.en.gpcStatus).count()).toBe(0);
			expect(await ja.page.locator("#purpose-ads-locked").textContent()).toBe(TEXT.ja.gpcLocked);
			expect(await box(ja.page, "ja", "ads").isDisabled()).toBe(true);
			expect(await box(ja.page, "ja", "sale").isChecked()).toBe(false);
			expect(ja.dialogs).toEqual([]);
			expect(ja.pages.length).toBe(1);
		});

		it('"Opt out of everything" in California: 303 back, every purpose false, confirmation shown', async () => {
			const v = await visit({ js, extraHTTPHeaders: US_CA });
			const { page } = v;
			expect(await boxes(page)).toEqual(
				expectedBoxes(allowing(...NOT_ESSENTIAL), enState("default for your region")),
			);
			expect((await stored(v.context)).purposes).toEqual(allowing(...NOT_ESSENTIAL));
			// Whatever the boxes say, the button turns everything off.
			await box(page, "en", "analytics").check();
			expect(await submit(v, TEXT.en.optOut)).toEqual(["303 /v1/opt-out -> /preferences?saved=1"]);
			await expectConfirmation(page, "en");
			expect(await boxes(page)).toEqual(expectedBoxes(allowing(), enState("your choice")));
			const doc = await stored(v.context);
			expect(doc.purposes).toEqual(allowing());
			expect(doc.reasons).toEqual(reasons("explicit"));
			expect(doc.jurisdiction).toBe("US-CA");
			expect((await historyRows(page)).map((row) => row[2])).toEqual(["Your choice in this browser"]);
		});

		it("works from the keyboard: Tab to a checkbox, Space toggles, Tab to Save, Enter submits", async () => {
			const v = await visit({ js, extraHTTPHeaders: DE });
			const { page } = v;
			const focused = () =>
				page.evaluate(() => {
					const el = document.activeElement;
					if (!el || el === document.body) return "body";
					return el.id || el.textContent?.trim() || el.tagName;
				});
			const order: string[] = [];
			await page.keyboard.press("Tab");
			order.push(await focused());
			await page.keyboard.press("Tab");
			order.push(await focused());
			expect(order).toEqual([TEXT.en.otherLanguage, "purpose-analytics"]);
			// Keyboard focus is visible.
			expect(
				await page.evaluate(() => {
					const s = getComputedStyle(document.activeElement as Element);
					return `${s.outlineStyle} ${s.outlineWidth}`;
				}),
			).toBe("solid 3px");
			await page.keyboard.press("Space");
			expect(await box(page, "en", "analytics").isChecked()).toBe(true);
			await page.keyboard.press("Space");
			expect(await box(page, "en", "analytics").isChecked()).toBe(false);
			await page.keyboard.press("Space");
			expect(await box(page, "en", "analytics").isChecked()).toBe(true);
			// The disabled essential box is skipped; each purpose, then Save, then Opt out.
			for (const expected of [
				"purpose-personalization",
				"purpose-ads",
				"purpose-sale",
				"purpose-email",
				TEXT.en.save,
			]) {
				await page.keyboard.press("Tab");
				expect(await focused()).toBe(expected);
			}
			await Promise.all([
				page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
				page.keyboard.press("Enter"),
			]);
			expect(v.posts).toEqual(["303 /preferences -> /preferences?saved=1"]);
			await expectConfirmation(page, "en");
			expect((await stored(v.context)).purposes).toEqual(allowing("analytics"));
			expect(await boxes(page)).toEqual(expectedBoxes(allowing("analytics"), enState("your choice")));
		});

		it("fits a 360 px phone: no horizontal scroll before or after saving, in English and Japanese", async () => {
			const phone = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
			const v = await visit({ js, extraHTTPHeaders: DE, ...phone });
			const { page } = v;
			expect(await noHorizontalScroll(page)).toEqual({
				scrollWidth: 360,
				bodyScrollWidth: 360,
				innerWidth: 360,
			});
			await page.getByText(TEXT.en.labels.analytics, { exact: true }).tap();
			await page.getByText(TEXT.en.labels.ads, { exact: true }).tap();
			expect(await box(page, "en", "analytics").isChecked()).toBe(true);
			expect(await box(page, "en", "ads").isChecked()).toBe(true);
			// The buttons stack, each the full width of the form, and are large enough to tap.
			const buttons = await page
				.locator(".actions button")
				.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
			const form = await page.locator("form").evaluate((el) => el.getBoundingClientRect().width);
			expect(buttons).toHaveLength(2);
			for (const b of buttons) {
				expect(Math.abs(b.width - form)).toBeLessThan(1);
				expect(b.height).toBeGreaterThanOrEqual(44);
			}
			expect(buttons[1]?.top).toBeGreaterThan((buttons[0]?.bottom ?? 0) - 1);

			await Promise.all([
				page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
				page.getByRole("button", { name: TEXT.en.save, exact: true }).tap(),
			]);
			await expectConfirmation(page, "en");
			expect((await stored(v.context)).purposes).toEqual(allowing("analytics", "ads"));
			// Now with a history table, still no sideways scrolling of the page.
			expect(await historyRows(page)).toHaveLength(1);
			expect(await noHorizontalScroll(page)).toEqual({
				scrollWidth: 360,
				bodyScrollWidth: 360,
				innerWidth: 360,
			});
			await page.screenshot({ path: shot("preferences-phone"), fullPage: true });

			// Japanese under GPC: the longest texts.
			const ja = await visit({ js, extraHTTPHeaders: GPC_CA, locale: "ja-JP", ...phone });
			expect(await ja.page.getAttribute("html", "lang")).toBe("ja");
			expect(await ja.page.locator("#gpc-status").isVisible()).toBe(true);
			await ja.page.getByText(TEXT.ja.labels.email, { exact: true }).tap();
			await Promise.all([
				ja.page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
				ja.page.getByRole("button", { name: TEXT.ja.save, exact: true }).tap(),
			]);
			await expectConfirmation(ja.page, "ja");
			expect((await stored(ja.context)).purposes).toEqual(allowing("analytics", "personalization"));
			expect(await noHorizontalScroll(ja.page)).toEqual({
				scrollWidth: 360,
				bodyScrollWidth: 360,
				innerWidth: 360,
			});
			await ja.page.screenshot({ path: shot("preferences-phone-ja"), fullPage: true });
		});
	});

	it("a visitor in Japan on a phone reads the third-party provision notice and stops provision with the control it names", async () => {
		const phone = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
		const v = await visit({
			js: false,
			extraHTTPHeaders: { "X-Debug-Geo": "JP" },
			locale: "ja-JP",
			...phone,
		});
		const { page } = v;
		const heading = page.getByRole("heading", {
			name: "個人データの第三者提供について（個人情報保護法第27条第2項）",
			exact: true,
		});
		await heading.scrollIntoViewIfNeeded();
		expect(await heading.isVisible()).toBe(true);
		const terms = await page.locator("#third-party-provision dt").allInnerTexts();
		expect(terms).toHaveLength(8);
		for (const term of terms) expect(term.trim().length).toBeGreaterThan(0);
		// This server sets no operator details: the notice says so rather than leaving them out.
		expect(await page.locator("#third-party-provision .not-set").count()).toBeGreaterThan(0);
		expect(await noHorizontalScroll(page)).toEqual({
			scrollWidth: 360,
			bodyScrollWidth: 360,
			innerWidth: 360,
		});
		await page.screenshot({ path: `${ARTIFACTS}preferences-phone-jp-provision.png`, fullPage: true });

		// The channel the notice names: turn off 個人情報の第三者提供（販売・共有） and save.
		expect(await box(page, "ja", "sale").isChecked()).toBe(true);
		await page.getByText(TEXT.ja.labels.sale, { exact: true }).tap();
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
			page.getByRole("button", { name: TEXT.ja.save, exact: true }).tap(),
		]);
		const decision = await stored(v.context, { "X-Debug-Geo": "JP" });
		expect(decision.purposes.sale).toBe(false);
		expect(decision.reasons.sale).toBe("explicit");
	});
});
