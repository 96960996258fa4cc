/**
 * Accessibility (WCAG 2.2 AA) of every page people see, in Chromium against `wrangler dev`: the
 * preference centre (English and Japanese, JavaScript off and on, phone width, GPC, Japan's provision
 * notice, the saved states, the way back), the email unsubscribe pages, the localized error pages,
 * and the SDK's banner on a site page. axe-core finds no violation of the WCAG 2.0-2.2 A/AA rules
 * or its best practices in any state; the rest is what axe cannot judge, checked by hand: language,
 * titles that say what happened, headings, the keyboard order and a visible focus ring at every stop,
 * focus never hidden behind the banner, focus after a choice, reflow at 320 px and 200% zoom, text
 * spacing, and no motion.
 */
import { createRequire } from "node:module";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, TEST_SECRETS, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("accessibility");

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const SHOP = "https://shop.example";
const DE = { "X-Debug-Geo": "DE" };
const JP = { "X-Debug-Geo": "JP" };
const GPC_CA = { "X-Debug-Geo": "US-CA", "Sec-GPC": "1" };
const DESKTOP = { width: 1280, height: 800 };
/** WCAG 1.4.10: 320 CSS px wide; a 1280 px window at 200% zoom is 640 CSS px. */
const NARROW = { width: 320, height: 640 };
const ZOOM_200 = { width: 640, height: 400 };
/** WCAG 1.4.12's text spacing, forced on everything. */
const TEXT_SPACING =
	"*{line-height:1.5!important;letter-spacing:.12em!important;word-spacing:.16em!important}" +
	"p{margin-bottom:2em!important}";

/** axe-core's findings as `rule: target` lines (empty when the page passes). */
async function axeViolations(page: Page): Promise<string[]> {
	await page.addScriptTag({ path: AXE_PATH });
	return page.evaluate(async (tags) => {
		const { axe } = window as unknown as { axe: typeof import("axe-core") };
		const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
		return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
	}, AXE_TAGS);
}

/** What a screen-reader user meets first: the language, the title and the headings. */
function outline(page: Page) {
	return page.evaluate(() => ({
		lang: document.documentElement.lang,
		title: document.title,
		headings: Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6"), (h) => h.tagName),
	}));
}

/** One h1, first, and no level skipped on the way down. */
function expectHeadingOrder(headings: string[]) {
	expect(headings[0]).toBe("H1");
	expect(headings.filter((h) => h === "H1")).toHaveLength(1);
	for (let i = 1; i < headings.length; i++) {
		expect(Number(headings[i]?.[1])).toBeLessThanOrEqual(Number(headings[i - 1]?.[1]) + 1);
	}
}

/** WCAG relative luminance contrast of two computed `rgb()` colours. */
function contrast(a: string, b: string): number {
	const lum = (rgb: string) => {
		const [r, g, bl] = (rgb.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
			const s = c / 255;
			return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
		});
		return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

interface Stop {
	/** Role-ish name: tag, id or data-consent-action, and text. */
	readonly name: string;
	readonly outlineStyle: string;
	readonly outlineWidth: number;
	readonly outlineColor: string;
	/** The first opaque background behind the element's ring. */
	readonly behind: string;
	readonly width: number;
	readonly height: number;
}

/** The element with focus, described, with its focus ring and what the ring is drawn on. */
function focusedStop(page: Page): Promise<Stop> {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement;
		const s = getComputedStyle(el);
		let behind = "rgb(255, 255, 255)";
		for (let node = el.parentElement; node; node = node.parentElement) {
			const bg = getComputedStyle(node).backgroundColor;
			if (bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") {
				behind = bg;
				break;
			}
		}
		const r = el.getBoundingClientRect();
		const text = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().replace(/\s+/g, " ");
		const label =
			(el as HTMLInputElement).labels?.[0]?.textContent?.trim() ??
			document.getElementById(el.getAttribute("aria-labelledby") ?? "")?.textContent;
		return {
			name: `${el.tagName.toLowerCase()}:${el.getAttribute("data-consent-action") ?? label ?? text.slice(0, 40)}`,
			outlineStyle: s.outlineStyle,
			outlineWidth: Number.parseFloat(s.outlineWidth),
			outlineColor: s.outlineColor,
			behind,
			width: r.width,
			height: r.height,
		};
	});
}

/** Tabs through the page from the top, `count` times, and returns every stop. */
async function tabThrough(page: Page, count: number): Promise<Stop[]> {
	const stops: Stop[] = [];
	for (let i = 0; i < count; i++) {
		await page.keyboard.press("Tab");
		stops.push(await focusedStop(page));
	}
	return stops;
}

/** A visible focus ring (WCAG 2.4.7, 1.4.11): at least 2 px, 3:1 against what it is drawn on. */
function expectVisibleFocus(stops: Stop[]) {
	for (const stop of stops) {
		expect(stop.outlineStyle, stop.name).not.toBe("none");
		expect(stop.outlineWidth, stop.name).toBeGreaterThanOrEqual(2);
		expect(contrast(stop.outlineColor, stop.behind), stop.name).toBeGreaterThanOrEqual(3);
	}
}

/** No horizontal scrolling and no text clipped by a box that hides overflow. */
function reflow(page: Page) {
	return page.evaluate(() => {
		const clipped: string[] = [];
		for (const el of document.querySelectorAll<HTMLElement>("body *")) {
			const s = getComputedStyle(el);
			const hides = [s.overflowX, s.overflowY].includes("hidden") || s.textOverflow === "ellipsis";
			if (hides && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
				clipped.push(`${el.tagName}.${el.className}`);
		}
		return {
			horizontalScroll: document.documentElement.scrollWidth > document.documentElement.clientWidth,
			clipped,
		};
	});
}

/** Nothing moves: no running animation and no transition on any element. */
function motion(page: Page) {
	return page.evaluate(() => {
		const moving = document.getAnimations().map((a) => String((a as CSSAnimation).animationName ?? a.id));
		for (const el of document.querySelectorAll<HTMLElement>("*")) {
			const s = getComputedStyle(el);
			if (s.transitionDuration.split(",").some((d) => Number.parseFloat(d) > 0))
				moving.push(`transition ${el.tagName}`);
			if (s.animationName !== "none") moving.push(`animation ${el.tagName}`);
		}
		return moving;
	});
}

interface AxNode {
	readonly role: string;
	readonly name: string;
	readonly description: string;
	readonly checked?: string;
	readonly disabled?: boolean;
}

/** Chromium's own accessibility tree (what a screen reader is given): its controls, dialogs and alerts. */
async function axNodes(page: Page): Promise<AxNode[]> {
	const cdp = await page.context().newCDPSession(page);
	const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
		nodes: {
			ignored: boolean;
			role?: { value: string };
			name?: { value: string };
			description?: { value: string };
			properties?: { name: string; value: { value: unknown } }[];
		}[];
	};
	await cdp.detach();
	return nodes
		.filter((n) => !n.ignored && ["checkbox", "button", "link", "dialog"].includes(String(n.role?.value)))
		.map((n) => {
			const props = Object.fromEntries((n.properties ?? []).map((p) => [p.name, p.value.value]));
			return {
				role: String(n.role?.value),
				name: n.name?.value ?? "",
				description: n.description?.value ?? "",
				...(props.checked === undefined ? {} : { checked: String(props.checked) }),
				...(props.disabled === true ? { disabled: true } : {}),
			};
		});
}

/**
 * Under forced colours (Windows High Contrast) every control keeps a visible shape: a button its
 * border, a link its underline, a checkbox its native box; colours are the system's, so a control
 * drawn by background colour alone would vanish. Returns the controls that would not show.
 */
function invisibleUnderForcedColours(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const lost: string[] = [];
		for (const el of document.querySelectorAll<HTMLElement>("button, a[href], input:not([type=hidden])")) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			const s = getComputedStyle(el);
			const name = `${el.tagName.toLowerCase()}:${(el.textContent ?? el.id).trim().slice(0, 30)}`;
			if (el instanceof HTMLInputElement) {
				if (s.appearance === "none" && Number.parseFloat(s.borderTopWidth) < 1) lost.push(name);
			} else if (
				el.tagName === "A" ||
				s.borderTopStyle === "none" ||
				Number.parseFloat(s.borderTopWidth) < 1
			) {
				// Without a border: text that shows it is a control, underlined, in the system's text colour.
				if (!s.textDecorationLine.includes("underline") || s.color === s.backgroundColor) lost.push(name);
			} else if (s.borderTopColor === s.backgroundColor) lost.push(name);
		}
		return lost;
	});
}

describe.skipIf(!hasChromium)("accessibility in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;

	beforeAll(async () => {
		server = await serveWorker({
			vars: {
				SITE_NAME: "Shop Example",
				PRIVACY_POLICY_URL: `${SHOP}/privacy`,
				ALLOWED_ORIGINS: SHOP,
				OPERATOR_NAME: "Shop Example K.K.",
			},
		});
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	/** A fresh visitor; CSP bypassed only so axe can be injected (the pages themselves carry no script). */
	async function visitor(options: BrowserContextOptions = {}): Promise<BrowserContext> {
		return browser.newContext({ viewport: DESKTOP, locale: "en-US", bypassCSP: true, ...options });
	}

	async function open(context: BrowserContext, path: string, status = 200): Promise<Page> {
		const page = await context.newPage();
		const res = await page.goto(`${server.origin}${path}`);
		expect(res?.status()).toBe(status);
		return page;
	}

	/**
	 * `path` reached as a browser back from its save on this site that sent no cookie (it refuses them):
	 * a same-origin navigation with no cookie, which the page answers with its not-kept warning. Opened
	 * directly (`Sec-Fetch-Site: none`), the address is a new visitor's link and shows the plain page.
	 */
	async function openBackFromSave(context: BrowserContext, path: string): Promise<Page> {
		const page = await open(context, "/preferences");
		await context.clearCookies();
		await Promise.all([
			page.waitForURL(`${server.origin}${path}`, { waitUntil: "load" }),
			page.evaluate((to) => {
				location.href = to;
			}, path),
		]);
		expect(await page.getByRole("alert").count()).toBe(1);
		return page;
	}

	async function unsubscribeUrl(list: string, email = `${list}-reader@example.com`): Promise<string> {
		const res = await fetch(`${server.origin}/v1/unsubscribe-links`, {
			method: "POST",
			headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}`, "Content-Type": "application/json" },
			body: JSON.stringify({ email, list }),
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { url: string }).url;
	}

	describe("the preference centre", () => {
		const states: [string, Record<string, string>, string, string][] = [
			["English, DE", DE, "/preferences?lang=en", "en"],
			["Japanese, DE", DE, "/preferences?lang=ja", "ja"],
			["English under GPC", GPC_CA, "/preferences?lang=en", "en"],
			["Japanese under GPC", GPC_CA, "/preferences?lang=ja", "ja"],
			["English in Japan (provision notice)", JP, "/preferences?lang=en", "en"],
			["Japanese in Japan (provision notice)", JP, "/preferences?lang=ja", "ja"],
			["with the way back", DE, `/preferences?lang=en&return=${encodeURIComponent(`${SHOP}/cart`)}`, "en"],
			["saved without the cookie (not kept)", DE, "/preferences?lang=en&saved=1", "en"],
		];

		const historyHeading = { en: "Your consent history", ja: "同意の履歴" };

		for (const [label, headers, path, lang] of states) {
			it(`${label}: no axe violation, lang, title, one h1 and heading order, at desktop and 320 px`, async () => {
				for (const viewport of [DESKTOP, NARROW]) {
					const context = await visitor({ extraHTTPHeaders: headers, viewport });
					const page = await (path.includes("saved=1")
						? openBackFromSave(context, path)
						: open(context, path));
					const o = await outline(page);
					expect(o.lang).toBe(lang);
					expect(o.title).toContain(lang === "en" ? "Privacy preferences" : "プライバシー設定");
					expectHeadingOrder(o.headings);
					expect(await axeViolations(page)).toEqual([]);
					expect((await reflow(page)).horizontalScroll).toBe(false);
					await context.close();
				}
			});
		}

		it("after a save, with a history table: no axe violation; the title and a status say it was saved", async () => {
			for (const lang of ["en", "ja"] as const) {
				const context = await visitor({ extraHTTPHeaders: DE });
				const page = await open(context, `/preferences?lang=${lang}`);
				await page.locator("#purpose-analytics").check();
				await Promise.all([
					page.waitForURL(/saved=1$/),
					page.locator('button[type="submit"]').first().click(),
				]);
				const saved = lang === "en" ? "Your choices have been saved." : "設定を保存しました。";
				// A status already in a page that loads is not announced: the title, read on arrival, says it.
				expect((await outline(page)).title.startsWith(saved)).toBe(true);
				expect(await page.getByRole("status").textContent()).toBe(saved);
				expect(await page.locator("table tbody tr").count()).toBeGreaterThan(0);
				// The history table's scrollable region is a Tab stop of its own, with a visible ring.
				const stops = await tabThrough(page, 10);
				expect(stops.map((s) => s.name)).toContain(`div:${historyHeading[lang]}`);
				expectVisibleFocus(stops);
				expect(await axeViolations(page)).toEqual([]);
				// One landmark for the history, named by its heading: the table's scrollable region.
				expect(await page.getByRole("region", { name: historyHeading[lang] }).count()).toBe(1);
				await context.close();
			}
		});

		for (const js of [false, true]) {
			it(`JavaScript ${js ? "on" : "off"}: Tab visits every control in reading order, each with a visible focus ring`, async () => {
				const context = await browser.newContext({
					viewport: DESKTOP,
					javaScriptEnabled: js,
					extraHTTPHeaders: JP,
				});
				const page = await open(context, `/preferences?lang=en&return=${encodeURIComponent(`${SHOP}/cart`)}`);
				expect(await page.locator("script").count()).toBe(0);
				const stops = await tabThrough(page, 12);
				expect(stops.map((s) => s.name)).toEqual([
					"a:日本語",
					"a:Back to shop.example",
					"input:Analytics",
					"input:Personalization",
					"input:Targeted advertising",
					"input:Sale or sharing of personal information",
					"input:Marketing email",
					"button:Save choices",
					"button:Opt out of everything",
					"a:Download my data",
					"a:Delete my data",
					"a:Privacy policy",
				]);
				expectVisibleFocus(stops);
				for (const stop of stops.filter((s) => s.name.startsWith("input") || s.name.startsWith("button"))) {
					expect(Math.min(stop.width, stop.height), stop.name).toBeGreaterThanOrEqual(24);
				}
				await context.close();
			});
		}

		it("names each toggle by its purpose and describes it, with no non-essential purpose ticked in an opt-in region", async () => {
			const context = await visitor({ extraHTTPHeaders: DE });
			const page = await open(context, "/preferences?lang=en");
			const boxes = (await axNodes(page)).filter((n) => n.role === "checkbox");
			expect(boxes.map((b) => [b.name, b.checked, b.disabled ?? false])).toEqual([
				["Essential", "true", true],
				["Analytics", "false", false],
				["Personalization", "false", false],
				["Targeted advertising", "false", false],
				["Sale or sharing of personal information", "false", false],
				["Marketing email", "false", false],
			]);
			// What the purpose is and its current state are read with the toggle, not only near it.
			expect(boxes[1]?.description).toBe(
				"Counting visits and measuring how the site is used, so it can be improved. Currently: Off (default for your region)",
			);
			// Saving and opting out of everything are the same kind of control, the same size.
			const [save, optOut] = await page.locator(".actions .button").evaluateAll((els) =>
				els.map((el) => {
					const s = getComputedStyle(el);
					const r = el.getBoundingClientRect();
					return { bg: s.backgroundColor, fg: s.color, font: `${s.fontSize} ${s.fontWeight}`, h: r.height };
				}),
			);
			expect(optOut).toEqual(save);
			await context.close();
		});

		it("under GPC shows the signal honoured and says why the governed toggles are off and locked", async () => {
			for (const [lang, honoured] of [
				["en", "Opt-Out Preference Signal Honored"],
				["ja", "オプトアウト選好シグナルを適用しています"],
			] as const) {
				const context = await visitor({ extraHTTPHeaders: GPC_CA });
				const page = await open(context, `/preferences?lang=${lang}`);
				expect(await page.locator("#gpc-status strong").textContent()).toBe(honoured);
				expect(await page.locator("#gpc-status").isVisible()).toBe(true);
				const locked = (await axNodes(page)).filter((n) => n.role === "checkbox" && n.disabled);
				expect(locked.map((b) => b.checked)).toEqual(["true", "false", "false"]);
				for (const box of locked.slice(1))
					expect(box.description).toContain(lang === "en" ? "Global Privacy Control" : "GPC");
				await context.close();
			}
		});

		it("keeps every control visible under forced colours, focus ring included", async () => {
			for (const [headers, path] of [
				[DE, "/preferences?lang=en"],
				[GPC_CA, "/preferences?lang=ja"],
			] as const) {
				const context = await visitor({ extraHTTPHeaders: headers, forcedColors: "active" });
				const page = await open(context, path);
				expect(await page.evaluate(() => matchMedia("(forced-colors: active)").matches)).toBe(true);
				expect(await invisibleUnderForcedColours(page)).toEqual([]);
				const stops = await tabThrough(page, 4);
				for (const stop of stops) expect(stop.outlineStyle, stop.name).not.toBe("none");
				await context.close();
			}
		});

		it("reflows at 200% zoom and 320 px, and keeps every word with WCAG text spacing", async () => {
			for (const viewport of [ZOOM_200, NARROW, { width: 320, height: 256 }]) {
				for (const lang of ["en", "ja"]) {
					const context = await visitor({ extraHTTPHeaders: JP, viewport });
					const page = await open(context, `/preferences?lang=${lang}`);
					expect(await reflow(page)).toEqual({ horizontalScroll: false, clipped: [] });
					await page.addStyleTag({ content: TEXT_SPACING });
					expect(await reflow(page)).toEqual({ horizontalScroll: false, clipped: [] });
					await context.close();
				}
			}
		});

		it("reflows at 320 px with twice the default font size (text-only zoom), in both languages", async () => {
			for (const lang of ["en", "ja"]) {
				const context = await visitor({ extraHTTPHeaders: JP, viewport: NARROW });
				const page = await context.newPage();
				// The browser's font size setting (chrome://settings/fonts), which text-only zoom changes.
				const cdp = await context.newCDPSession(page);
				await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32 } });
				await page.goto(`${server.origin}/preferences?lang=${lang}`);
				expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe("32px");
				expect(await reflow(page), lang).toEqual({ horizontalScroll: false, clipped: [] });
				await context.close();
			}
		});

		it("has nothing that moves, with or without prefers-reduced-motion", async () => {
			for (const reducedMotion of ["reduce", "no-preference"] as const) {
				const context = await visitor({ extraHTTPHeaders: GPC_CA, reducedMotion });
				const page = await open(context, "/preferences");
				expect(await motion(page)).toEqual([]);
				await context.close();
			}
		});
	});

	describe("the unsubscribe pages", () => {
		it("confirmation, by keyboard, then the result: no axe violation, and the result's title says it", async () => {
			const url = new URL(await unsubscribeUrl("news"));
			const context = await visitor();
			const page = await open(context, `${url.pathname}${url.search}`);
			let o = await outline(page);
			expect(o).toMatchObject({ lang: "en", headings: ["H1"] });
			expect(o.title).toContain("Unsubscribe");
			expect(await axeViolations(page)).toEqual([]);
			const stops = await tabThrough(page, 2);
			expect(stops.map((s) => s.name)).toEqual(["a:日本語", "button:Unsubscribe"]);
			expectVisibleFocus(stops);
			await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
			o = await outline(page);
			expect(o).toMatchObject({ lang: "en", headings: ["H1"] });
			const done =
				"You are unsubscribed from “news”. No more email from this list will be sent to this address.";
			expect(await page.getByRole("status").textContent()).toBe(done);
			// A status already in a page that loads is not announced: the title, read on arrival, says it.
			expect(o.title).toBe(`${done} – Unsubscribe – Shop Example`);
			expect(await axeViolations(page)).toEqual([]);
			await context.close();
		});

		it("in Japanese, the page for an address already unsubscribed: its title says so, no axe violation", async () => {
			const url = new URL(await unsubscribeUrl("offers"));
			await fetch(url, {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: "List-Unsubscribe=One-Click",
			});
			const context = await visitor({ locale: "ja-JP" });
			const page = await open(context, `${url.pathname}${url.search}`);
			const o = await outline(page);
			expect(o).toMatchObject({ lang: "ja", headings: ["H1"] });
			const already = "このアドレスは「offers」の配信をすでに停止しています。";
			expect(await page.getByRole("status").textContent()).toBe(already);
			expect(o.title).toBe(`${already} – メール配信停止 – Shop Example`);
			expect(await axeViolations(page)).toEqual([]);
			await context.close();
		});

		it("reflows at 200% zoom and 320 px and keeps its button visible under forced colours, in both languages", async () => {
			const url = new URL(await unsubscribeUrl("digest"));
			for (const locale of ["en-US", "ja-JP"]) {
				for (const viewport of [ZOOM_200, NARROW]) {
					const context = await visitor({ locale, viewport, forcedColors: "active" });
					const page = await open(context, `${url.pathname}${url.search}`);
					expect(await reflow(page)).toEqual({ horizontalScroll: false, clipped: [] });
					expect(await invisibleUnderForcedColours(page)).toEqual([]);
					await context.close();
				}
			}
		});

		it("a list named by a long id with no break in it (64 characters) still reflows at 320 px, before and after", async () => {
			const list = `promo_weekly_digest_for_registered_customers_asia_pacific_${"x".repeat(6)}`;
			expect(list).toHaveLength(64);
			for (const locale of ["en-US", "ja-JP"]) {
				const url = new URL(await unsubscribeUrl(list, `long-list-${locale}@example.com`));
				const context = await visitor({ locale, viewport: NARROW });
				const page = await open(context, `${url.pathname}${url.search}`);
				expect(await page.getByText(list, { exact: false }).count()).toBe(1);
				expect(await reflow(page)).toEqual({ horizontalScroll: false, clipped: [] });
				await Promise.all([page.waitForEvent("load"), page.getByRole("button").click()]);
				expect(await page.getByRole("status").textContent()).toContain(list);
				expect(await reflow(page)).toEqual({ horizontalScroll: false, clipped: [] });
				await context.close();
			}
		});

		it("a link that does not work: titled so, no axe violation, in English and Japanese", async () => {
			for (const lang of ["en", "ja"]) {
				const context = await visitor();
				const page = await open(context, `/unsubscribe?t=damaged&lang=${lang}`, 400);
				const o = await outline(page);
				expect(o).toMatchObject({ lang, headings: ["H1"] });
				// The title says the link does not work, as the heading does, not just "Unsubscribe".
				expect(o.title).toBe(`${await page.locator("h1").textContent()} – Shop Example`);
				expect(await axeViolations(page)).toEqual([]);
				await context.close();
			}
		});
	});

	describe("the error pages", () => {
		it("a cross-site form post and an unknown page: localized, titled by what went wrong, no axe violation", async () => {
			for (const lang of ["en", "ja"]) {
				const context = await visitor({ locale: lang === "en" ? "en-US" : "ja-JP" });
				await context.route("https://elsewhere.example/**", (route) =>
					route.fulfill({
						contentType: "text/html",
						body: `<form method="post" action="${server.origin}/preferences"><input name="ads" value="on"><button>Send</button></form>`,
					}),
				);
				const page = await context.newPage();
				await page.goto("https://elsewhere.example/");
				const [res] = await Promise.all([page.waitForEvent("response"), page.click("button")]);
				await page.waitForLoadState("load");
				expect(res.status()).toBe(403);
				for (const p of [page, await open(context, "/preferences/nowhere", 404)]) {
					const o = await outline(p);
					expect(o.lang).toBe(lang);
					// The one heading says what went wrong (WCAG 2.4.6), as the title does: not a bare status code.
					expect(o.title).toBe(await p.locator("h1").textContent());
					expectHeadingOrder(o.headings);
					expect((await reflow(p)).horizontalScroll).toBe(false);
					expect(await axeViolations(p)).toEqual([]);
				}
				await context.close();
			}
		});
	});

	describe("the banner on a site page", () => {
		async function site(
			options: { lang: string; viewport: { width: number; height: number } } & BrowserContextOptions,
		) {
			const { lang, ...rest } = options;
			const context = await visitor({ extraHTTPHeaders: DE, ...rest });
			await serveTestSite(context, server.origin, { gtag: true, lang });
			const page = await context.newPage();
			await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
			await page.waitForSelector("#ce-banner");
			return { context, page };
		}

		for (const [lang, viewport] of [
			["en", DESKTOP],
			["ja", NARROW],
		] as const) {
			it(`${lang} at ${viewport.width} px: no axe violation; a named dialog in the page's language; visible focus`, async () => {
				const { context, page } = await site({ lang, viewport });
				expect(await axeViolations(page)).toEqual([]);
				const dialog = page.locator("#ce-banner");
				expect(await dialog.getAttribute("role")).toBe("dialog");
				expect(await dialog.getAttribute("lang")).toBe(lang);
				const stops = await tabThrough(page, 3);
				expect(stops.map((s) => s.name.split(":")[1])).toEqual(["reject-all", "accept-all", "settings"]);
				expectVisibleFocus(stops);
				for (const stop of stops)
					expect(Math.min(stop.width, stop.height), stop.name).toBeGreaterThanOrEqual(24);
				expect((await reflow(page)).horizontalScroll).toBe(false);
				await context.close();
			});
		}

		it("keeps Reject and Accept alike under forced colours and at 200% zoom, with nothing lost", async () => {
			for (const [lang, viewport] of [
				["en", ZOOM_200],
				["ja", ZOOM_200],
			] as const) {
				const { context, page } = await site({ lang, viewport, forcedColors: "active" });
				expect(await invisibleUnderForcedColours(page)).toEqual([]);
				const [reject, accept] = await page.locator("#ce-banner button").evaluateAll((els) =>
					els.map((el) => {
						const s = getComputedStyle(el);
						const r = el.getBoundingClientRect();
						return [
							s.backgroundColor,
							s.color,
							s.borderTopColor,
							s.fontSize,
							s.fontWeight,
							r.width,
							r.height,
						];
					}),
				);
				expect(accept).toEqual(reject);
				expect(await reflow(page)).toEqual({ horizontalScroll: false, clipped: [] });
				await context.close();
			}
		});

		it("under GPC says the signal is honoured and that Accept all leaves what it governs off, as it does", async () => {
			const honoured = {
				en: "Opt-Out Preference Signal Honored",
				ja: "オプトアウト選好シグナルを適用しています",
			};
			for (const lang of ["en", "ja"] as const) {
				const context = await visitor({ extraHTTPHeaders: { ...DE, "Sec-GPC": "1" } });
				await context.addInitScript(() => {
					Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {
						get: () => true,
						configurable: true,
					});
				});
				await serveTestSite(context, server.origin, { gtag: true, lang });
				const page = await context.newPage();
				await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
				await page.waitForSelector("#ce-banner");
				// Read with the dialog (its description) and shown in it: not only on the preference page.
				const dialog = (await axNodes(page)).find((n) => n.role === "dialog");
				expect(dialog?.description).toContain(honoured[lang]);
				expect(await page.locator("#ce-banner").getByText(honoured[lang]).isVisible()).toBe(true);
				expect(await axeViolations(page)).toEqual([]);
				await page.locator('[data-consent-action="accept-all"]').click();
				await page.locator("#ce-banner").waitFor({ state: "detached" });
				expect(
					await page.evaluate(() => ["analytics", "ads", "sale"].map((p) => window.consentEdge.allows(p))),
				).toEqual([true, false, false]);
				await context.close();
			}
		});

		it("does not trap focus, Escape neither answers nor strands focus, and a choice hands focus back to the page", async () => {
			const { context, page } = await site({ lang: "en", viewport: DESKTOP });
			expect(await page.evaluate(() => document.activeElement?.id)).toBe("ce-banner");
			await tabThrough(page, 4);
			expect((await focusedStop(page)).name).toBe("input:Search");
			await page.keyboard.press("Escape");
			expect((await focusedStop(page)).name).toBe("input:Search");
			expect(await page.locator("#ce-banner").count()).toBe(1);
			await page.keyboard.press("Shift+Tab");
			expect((await focusedStop(page)).name).toBe("button:settings");
			await page.keyboard.press("Shift+Tab");
			await page.keyboard.press("Shift+Tab");
			expect((await focusedStop(page)).name).toBe("button:reject-all");
			await page.keyboard.press("Enter");
			await page.locator("#ce-banner").waitFor({ state: "detached" });
			// The test page had focus in its search box before the banner took it: it gets it back.
			expect((await focusedStop(page)).name).toBe("input:Search");
			await context.close();
		});

		it("never hides a focused page control behind it (WCAG 2.4.11), at desktop and phone width, until it closes", async () => {
			const links = Array.from(
				{ length: 40 },
				(_, i) => `<p>Paragraph ${i}. <a href="#p${i}">Link ${i}</a></p>`,
			);
			for (const viewport of [DESKTOP, NARROW]) {
				const context = await visitor({ extraHTTPHeaders: DE, viewport });
				await context.route(`${server.origin}/long-page.html`, (route) =>
					route.fulfill({
						contentType: "text/html; charset=utf-8",
						body: `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width,initial-scale=1"><title>A long page</title><script src="/consent.js"></script></head><body><main><h1>A long page</h1>${links.join("")}</main></body></html>`,
					}),
				);
				const page = await context.newPage();
				await page.goto(`${server.origin}/long-page.html`);
				await page.waitForSelector("#ce-banner");
				const hidden: string[] = [];
				for (let i = 0; i < 43; i++) {
					await page.keyboard.press("Tab");
					const covered = await page.evaluate(() => {
						const el = document.activeElement as HTMLElement;
						const banner = document.getElementById("ce-banner") as HTMLElement;
						if (banner.contains(el)) return null;
						const r = el.getBoundingClientRect();
						const b = banner.getBoundingClientRect();
						return r.top >= b.top && r.bottom <= b.bottom ? el.textContent : null;
					});
					if (covered) hidden.push(covered);
				}
				expect(hidden, `${viewport.width} px`).toEqual([]);
				// Answered from the keyboard, it closes and the next Tab goes on in the page from its top
				// (nothing had focus before the banner took it): focus is neither lost nor left behind.
				await page.locator('[data-consent-action="reject-all"]').focus();
				await page.keyboard.press("Enter");
				await page.locator("#ce-banner").waitFor({ state: "detached" });
				await page.keyboard.press("Tab");
				expect((await focusedStop(page)).name, `${viewport.width} px`).toBe("a:Link 0");
				// Closed, it leaves the page's scrolling as it was.
				expect(
					await page.evaluate(() => {
						const { style } = document.documentElement;
						return [style.scrollPaddingBottom, style.paddingBottom];
					}),
				).toEqual(["", ""]);
				await context.close();
			}
		});

		it("has nothing that moves, with or without prefers-reduced-motion", async () => {
			for (const reducedMotion of ["reduce", "no-preference"] as const) {
				const { context, page } = await site({ lang: "en", viewport: DESKTOP, reducedMotion });
				expect(await motion(page)).toEqual([]);
				await context.close();
			}
		});
	});
});
