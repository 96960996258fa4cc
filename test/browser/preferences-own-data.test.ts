/**
 * A person downloads and erases their own data from the preference centre, in Chromium against
 * `wrangler dev`: with JavaScript off and on (the pages carry none), in English and Japanese, from
 * the keyboard alone, and axe-core clean (as accessibility.test.ts runs it) on the page with the
 * links, the confirmation and the page that says it was done.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("own data download and erasure");

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const US_CA = { "X-Debug-Geo": "US-CA" };

const TEXT = {
	en: {
		optOut: "Opt out of everything",
		download: "Download my data",
		erase: "Delete my data",
		confirmHeading: "Delete your data?",
		confirm: "Delete my data",
		erased: "Your data has been deleted. This browser now has a new visitor id.",
		historyEmpty: "No choices recorded yet.",
	},
	ja: {
		optOut: "すべてオプトアウト",
		download: "データをダウンロード",
		erase: "データを削除",
		confirmHeading: "データを削除しますか？",
		confirm: "データを削除する",
		erased: "データを削除しました。このブラウザーには新しい訪問者IDが設定されます。",
		historyEmpty: "記録された設定はまだありません。",
	},
} as const;
type Lang = keyof typeof TEXT;

interface Export {
	subject: string;
	state: { purposes: Record<string, boolean> } | null;
	records: unknown[];
}

/** axe-core's findings as `rule: target` lines (empty when the page passes). */
async function axeViolations(page: Page): Promise<string[]> {
	await page.addScriptTag({ path: AXE_PATH });
	return page.evaluate(async (tags) => {
		const { axe } = window as unknown as { axe: typeof import("axe-core") };
		const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
		return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
	}, AXE_TAGS);
}

async function visitorId(context: BrowserContext): Promise<string | undefined> {
	return (await context.cookies()).find((c) => c.name === "ce_vid")?.value;
}

/** Clicks the download link and reads the file the browser saved. */
async function download(page: Page, lang: Lang): Promise<{ filename: string; doc: Export }> {
	const [file] = await Promise.all([
		page.waitForEvent("download"),
		page.getByRole("link", { name: TEXT[lang].download }).click(),
	]);
	const path = await file.path();
	return { filename: file.suggestedFilename(), doc: JSON.parse(await readFile(path, "utf8")) as Export };
}

describe.skipIf(!hasChromium)("a person's own data from the preference centre", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	for (const [lang, js] of [
		["en", false],
		["en", true],
		["ja", false],
	] as const) {
		it(`downloads, then erases (${lang}, JavaScript ${js ? "on" : "off"})`, async () => {
			const t = TEXT[lang];
			const context = await browser.newContext({
				javaScriptEnabled: js,
				acceptDownloads: true,
				extraHTTPHeaders: { ...US_CA, "Accept-Language": lang },
			});
			try {
				const page = await context.newPage();
				await page.goto(`${server.origin}/preferences`);
				await Promise.all([
					page.waitForURL(`${server.origin}/preferences?saved=1`),
					page.getByRole("button", { name: t.optOut }).click(),
				]);
				const before = await visitorId(context);
				expect(before).toBeDefined();

				const saved = await download(page, lang);
				expect(saved.filename).toMatch(/^consent-export-v_[\w-]+\.json$/);
				expect(saved.doc.subject).toMatch(/^v:/);
				expect(saved.doc.state?.purposes).toMatchObject({ ads: false, sale: false, analytics: false });
				expect(saved.doc.records).toHaveLength(1);

				await Promise.all([
					page.waitForURL(`${server.origin}/preferences/erase?lang=${lang}`),
					page.getByRole("link", { name: t.erase }).click(),
				]);
				await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(t.confirmHeading);
				await Promise.all([
					page.waitForURL(`${server.origin}/preferences?erased=1&lang=${lang}`),
					page.getByRole("button", { name: t.confirm }).click(),
				]);
				await expect(page.getByRole("status").textContent()).resolves.toBe(t.erased);
				await expect(page.getByText(t.historyEmpty).count()).resolves.toBe(1);
				const after = await visitorId(context);
				expect(after).toBeDefined();
				expect(after).not.toBe(before);

				const fresh = await download(page, lang);
				expect(fresh.doc.subject).not.toBe(saved.doc.subject);
				expect(fresh.doc).toMatchObject({ state: null, records: [] });
			} finally {
				await context.close();
			}
		});
	}

	it("works from the keyboard alone: Tab to each link and the button, Enter follows them", async () => {
		const context = await browser.newContext({ acceptDownloads: true, extraHTTPHeaders: US_CA });
		try {
			const page = await context.newPage();
			await page.goto(`${server.origin}/preferences`);
			await page.getByRole("button", { name: TEXT.en.optOut }).click();
			await page.waitForURL(`${server.origin}/preferences?saved=1`);
			const focusOn = async (name: string) => {
				for (let i = 0; i < 60; i++) {
					await page.keyboard.press("Tab");
					const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
					if (focused === name) return;
				}
				throw new Error(`Tab never reached ${name}`);
			};
			await focusOn(TEXT.en.download);
			const [file] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
			expect(file.suggestedFilename()).toMatch(/^consent-export-v_[\w-]+\.json$/);
			await focusOn(TEXT.en.erase);
			await Promise.all([
				page.waitForURL(`${server.origin}/preferences/erase?lang=en`),
				page.keyboard.press("Enter"),
			]);
			await focusOn(TEXT.en.confirm);
			await Promise.all([
				page.waitForURL(`${server.origin}/preferences?erased=1&lang=en`),
				page.keyboard.press("Enter"),
			]);
			await expect(page.getByRole("status").textContent()).resolves.toBe(TEXT.en.erased);
		} finally {
			await context.close();
		}
	});

	it("axe-core finds no violation on the links, the confirmation or the page after (en and ja)", async () => {
		for (const lang of ["en", "ja"] as const) {
			// bypassCSP: the pages allow no script, axe-core included (as accessibility.test.ts runs it).
			const context = await browser.newContext({
				bypassCSP: true,
				extraHTTPHeaders: { ...US_CA, "Accept-Language": lang },
			});
			try {
				const page = await context.newPage();
				for (const path of ["/preferences", `/preferences/erase?lang=${lang}`]) {
					await page.goto(`${server.origin}${path}`);
					expect(await axeViolations(page), `${lang} ${path}`).toEqual([]);
				}
				await Promise.all([
					page.waitForURL(`${server.origin}/preferences?erased=1&lang=${lang}`),
					page.getByRole("button", { name: TEXT[lang].confirm }).click(),
				]);
				expect(await axeViolations(page), `${lang} erased`).toEqual([]);
			} finally {
				await context.close();
			}
		}
	});
});
