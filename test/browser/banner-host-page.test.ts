/**
 * The SDK's banner on pages it does not control, in Chromium against `wrangler dev`: a site's CSS
 * aimed at bare elements (`button { display: none }`, `p { font-size: 11px }`, `* { all: unset }`)
 * must not hide its buttons, run its title into its text or restyle it, a right-to-left page must not reverse its English or Japanese,
 * and its text follows the visitor's own default font size (a
 * browser's text-only zoom), as the preference centre does, rather than a fixed pixel size.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("banner on a host page");

const DE = { "X-Debug-Geo": "DE" };
const PHONE = { width: 375, height: 667 };

/** Where each part of the banner is drawn, and how large its text is. */
function parts(page: Page) {
	return page.evaluate(() => {
		const box = (selector: string) => {
			const el = document.querySelector(selector) as HTMLElement;
			const r = el.getBoundingClientRect();
			return {
				top: r.top,
				bottom: r.bottom,
				width: r.width,
				height: r.height,
				font: getComputedStyle(el).fontSize,
			};
		};
		return {
			banner: box("#ce-banner"),
			title: box("#ce-banner-title"),
			text: box("#ce-banner-text"),
			reject: box('[data-consent-action="reject-all"]'),
			accept: box('[data-consent-action="accept-all"]'),
			settings: box('[data-consent-action="settings"]'),
		};
	});
}

describe.skipIf(!hasChromium)("the banner on a host page", () => {
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

	async function open(lang: string, css: string, defaultFontSize?: number, viewport = PHONE) {
		const context = await browser.newContext({ extraHTTPHeaders: DE, viewport });
		await serveTestSite(context, server.origin, { gtag: true, lang, css });
		const page = await context.newPage();
		if (defaultFontSize) {
			// The browser's font size setting (chrome://settings/fonts), which text-only zoom changes.
			const cdp = await context.newCDPSession(page);
			await cdp.send("Page.setFontSizes", { fontSizes: { standard: defaultFontSize } });
		}
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.waitForSelector("#ce-banner", { state: "attached" });
		return { context, page };
	}

	for (const css of ["button{display:none}", "div,p{display:none}", "*{all:unset}"]) {
		it(`keeps its title, text and three buttons apart and shown under the page's ${css}`, async () => {
			for (const lang of ["en", "ja"]) {
				const { context, page } = await open(lang, css);
				const seen = await parts(page);
				expect(seen.banner.height, `${lang} ${css}`).toBeGreaterThan(100);
				// The title is a line of its own above the text, not run into it.
				expect(seen.title.bottom, `${lang} ${css}`).toBeLessThanOrEqual(seen.text.top);
				for (const answer of [seen.reject, seen.accept]) {
					expect(answer.height, `${lang} ${css}`).toBeGreaterThanOrEqual(44);
					expect(answer.width, `${lang} ${css}`).toBeGreaterThan(90);
				}
				expect(seen.accept).toEqual({ ...seen.reject, width: seen.accept.width });
				expect(seen.settings.height, `${lang} ${css}`).toBeGreaterThanOrEqual(24);
				// Still answerable from the keyboard: Tab reaches Reject all, Enter answers.
				await page.keyboard.press("Tab");
				expect(await page.evaluate(() => document.activeElement?.getAttribute("data-consent-action"))).toBe(
					"reject-all",
				);
				await page.keyboard.press("Enter");
				await page.locator("#ce-banner").waitFor({ state: "detached" });
				await context.close();
			}
		});
	}

	it("looks as on a plain page where the page styles bare p, div and button elements", async () => {
		const hostile =
			"p{font-size:11px;line-height:1;margin:3em;max-width:10ch;text-indent:4em;opacity:.5}" +
			"div{padding:30px;border:5px solid red;width:50%}" +
			"button{height:20px;box-shadow:0 0 0 8px red;opacity:.4;padding:0;border-radius:0;text-align:right}";
		for (const lang of ["en", "ja"]) {
			const plain = await open(lang, "");
			const expected = await parts(plain.page);
			await plain.context.close();
			const { context, page } = await open(lang, hostile);
			expect(await parts(page), lang).toEqual(expected);
			const looks = await page.evaluate(() =>
				Array.from(document.querySelectorAll("#ce-banner p, #ce-banner button"), (el) => {
					const s = getComputedStyle(el);
					return [s.opacity, s.boxShadow, s.textIndent].join(" ");
				}),
			);
			expect(new Set(looks), lang).toEqual(new Set(["1 none 0px"]));
			await context.close();
		}
	});

	it("keeps its themed focus ring where the page removes focus outlines", async () => {
		const css = ":root{--ce-focus:#b45309}:focus{outline:none!important}button{outline:0}";
		for (const lang of ["en", "ja"]) {
			const { context, page } = await open(lang, css);
			for (const action of ["reject-all", "accept-all", "settings"]) {
				await page.keyboard.press("Tab");
				expect(
					await page.evaluate(() => {
						const el = document.activeElement as HTMLElement;
						const s = getComputedStyle(el);
						return [el.getAttribute("data-consent-action"), s.outlineStyle, s.outlineWidth, s.outlineColor];
					}),
				).toEqual([action, "solid", "3px", "rgb(180, 83, 9)"]);
			}
			await context.close();
		}
	});

	it("reads left to right on a right-to-left page, as its English and Japanese do", async () => {
		// What a page's dir="rtl" does to what it holds: the direction is inherited.
		for (const lang of ["en", "ja"]) {
			const { context, page } = await open(lang, "html{direction:rtl}");
			const seen = await page.evaluate(() => {
				const text = document.getElementById("ce-banner-text") as HTMLElement;
				const node = text.firstChild as Text;
				const glyph = (at: number) => {
					const range = document.createRange();
					range.setStart(node, at);
					range.setEnd(node, at + 1);
					return range.getBoundingClientRect();
				};
				const end = glyph(node.length - 1);
				const reject = document.querySelector('[data-consent-action="reject-all"]') as HTMLElement;
				const accept = document.querySelector('[data-consent-action="accept-all"]') as HTMLElement;
				return {
					direction: getComputedStyle(text).direction,
					// The closing full stop ends its line on the right, not at the left edge.
					fullStopAtLineEnd: end.right > text.getBoundingClientRect().left + 40,
					rejectFirst: reject.getBoundingClientRect().left < accept.getBoundingClientRect().left,
				};
			});
			expect(seen, lang).toEqual({ direction: "ltr", fullStopAtLineEnd: true, rejectFirst: true });
			await context.close();
		}
	});

	it("follows the visitor's default font size, not the page's root font size", async () => {
		const sizes = async (lang: string, css: string, defaultFontSize?: number) => {
			const { context, page } = await open(lang, css, defaultFontSize);
			const seen = await parts(page);
			await context.close();
			return [seen.title.font, seen.text.font, seen.reject.font, seen.settings.font].map(Number.parseFloat);
		};
		for (const lang of ["en", "ja"]) {
			const normal = await sizes(lang, "");
			// A page that sets its root to 10 px (62.5%, for rem arithmetic) does not shrink it.
			expect(await sizes(lang, "html{font-size:62.5%}")).toEqual(normal);
			// Twice the default font size: twice the text, at every part.
			const large = await sizes(lang, "", 32);
			expect(large).toEqual(normal.map((size) => size * 2));
		}
	});

	it("at a large default font size on a 320 px phone, Reject and Accept stay whole and the same size", async () => {
		for (const [lang, defaultFontSize] of [
			["en", 16],
			["ja", 16],
			["en", 20],
			["ja", 20],
			["en", 24],
			["ja", 24],
			["en", 32],
			["ja", 32],
		] as const) {
			const { context, page } = await open(lang, "", defaultFontSize, { width: 320, height: 568 });
			const seen = await page.evaluate(() => {
				const banner = document.getElementById("ce-banner") as HTMLElement;
				const b = banner.getBoundingClientRect();
				const whole = (el: Element) => {
					const r = el.getBoundingClientRect();
					return r.left >= b.left && r.right <= b.left + banner.clientWidth;
				};
				const buttons = Array.from(banner.querySelectorAll("button"));
				const [reject, accept] = buttons.map((el) => el.getBoundingClientRect());
				return {
					scrollsSideways: banner.scrollWidth > banner.clientWidth,
					cutOff: buttons.filter((el) => !whole(el)).map((el) => el.textContent),
					sameSize: reject?.width === accept?.width && reject?.height === accept?.height,
					sideBySide: reject?.top === accept?.top,
				};
			});
			const { sideBySide, ...fit } = seen;
			expect(fit, `${lang} ${defaultFontSize}px`).toEqual({
				scrollsSideways: false,
				cutOff: [],
				sameSize: true,
			});
			// Side by side at the usual size, one above the other at twice it.
			if (defaultFontSize !== 20 && defaultFontSize !== 24) expect(sideBySide).toBe(defaultFontSize === 16);
			await context.close();
		}
	});
});
