/**
 * Japanese line breaking on a 320 px phone, in Chromium: the preference centre (with Japan's
 * provision notice and the GPC lines) and the SDK's banner. No line may start with a character
 * Japanese typesetting keeps off a line's start (kinsoku: small kana, ー, closing punctuation), which
 * Chromium's default `line-break: normal` allows for small kana and ー; headings, labels and buttons
 * break between phrases (`word-break: auto-phrase`), never inside a word such as すべて拒否す|る.
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("Japanese line breaking");

const PHONE = { width: 320, height: 640 };
/** Characters that must not start a line (JIS X 4051 line-start prohibitions, as `line-break: strict`). */
const NOT_AT_LINE_START =
	/^[ーぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々ゝゞヽヾ、。，．・：；？！）」』】〕〉》]/;

/** Every rendered line of the selected elements' text, measured from the glyphs' boxes. */
function renderedLines(page: Page, selector: string): Promise<string[][]> {
	return page.$$eval(selector, (elements) =>
		elements.map((el) => {
			const lines: string[] = [];
			const range = document.createRange();
			const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			let line = "";
			let top: number | null = null;
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				const text = (node as Text).data;
				for (let i = 0; i < text.length; i++) {
					range.setStart(node, i);
					range.setEnd(node, i + 1);
					const box = range.getClientRects()[0];
					if (!box || box.width === 0) {
						line += text[i];
						continue;
					}
					if (top !== null && box.top > top + box.height / 2) {
						lines.push(line.trim());
						line = "";
					}
					top = box.top;
					line += text[i];
				}
			}
			lines.push(line.trim());
			return lines.filter(Boolean);
		}),
	);
}

function badLineStarts(blocks: string[][]): string[] {
	return blocks.flatMap((lines) => lines.slice(1).filter((l) => NOT_AT_LINE_START.test(l)));
}

describe.skipIf(!hasChromium)("Japanese line breaking at 320 px, in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	it("the preference centre: no line starts with ー or a small kana; headings break between phrases", async () => {
		const context = await browser.newContext({
			viewport: PHONE,
			locale: "ja-JP",
			extraHTTPHeaders: { "X-Debug-Geo": "JP", "Sec-GPC": "1" },
		});
		const page = await context.newPage();
		await page.goto(`${server.origin}/preferences`);
		expect(await page.locator("html").getAttribute("lang")).toBe("ja");
		const blocks = await renderedLines(
			page,
			"main p, main dd, main dt, main h1, main h2, main label, main legend",
		);
		// The page is long enough to wrap a great deal: the check has something to check.
		expect(blocks.filter((lines) => lines.length > 1).length).toBeGreaterThan(10);
		expect(badLineStarts(blocks)).toEqual([]);
		const heading = await renderedLines(page, "#third-party-provision-heading");
		// Phrase breaks: 第三者提供に|ついて, never 第三者提供につ|いて.
		for (const line of heading[0] ?? []) expect(line).not.toMatch(/につ$/);
		expect(
			new Set(
				await page.$$eval("main h2, main label, main button, main dt", (els) =>
					els.map((el) => getComputedStyle(el).wordBreak),
				),
			),
		).toEqual(new Set(["auto-phrase"]));
		// A value the operator left unset is not set in a synthetic Japanese italic.
		expect(
			await page
				.locator(".not-set")
				.first()
				.evaluate((el) => getComputedStyle(el).fontStyle),
		).toBe("normal");
		await context.close();
	});

	it("the banner: buttons break between phrases, no line starts with ー or a small kana", async () => {
		const context = await browser.newContext({
			viewport: PHONE,
			locale: "ja-JP",
			extraHTTPHeaders: { "X-Debug-Geo": "DE" },
		});
		await serveTestSite(context, server.origin, { gtag: true, lang: "ja" });
		const page = await context.newPage();
		await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
		await page.locator("#ce-banner").waitFor();
		const buttons = await renderedLines(page, "#ce-banner button[data-consent-action$='-all']");
		expect(buttons).toHaveLength(2);
		for (const lines of buttons) {
			// One line, or すべて / 拒否する: never すべて拒否す / る.
			expect(
				lines.every((line) => !/^る$/.test(line) && !/す$/.test(line)),
				lines.join("|"),
			).toBe(true);
		}
		expect(badLineStarts(await renderedLines(page, "#ce-banner p"))).toEqual([]);
		await context.close();
	});
});
