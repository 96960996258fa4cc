/**
 * What a person is told after saving on the preference centre, in Chromium with JavaScript off: the
 * confirmation reaches screen-reader users on arrival (the page title says it: a `role="status"`
 * already in the page when it loads is not announced), in English and Japanese; a browser that
 * keeps no cookies for the site is not told "saved" while the page shows the old state, nor is a person
 * led to the saved page by a link without saving, and a new visitor led there (or to the erased page)
 * is warned of nothing; and a page come back to with Back shows the stored choices, not a change left
 * unsaved on it.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, type WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("preference centre feedback");

const DE = { "X-Debug-Geo": "DE" };

describe.skipIf(!hasChromium)("feedback after a save on the preference centre, in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	async function saveAnalytics(context: BrowserContext, label: string, save: string) {
		const page = await context.newPage();
		await page.goto(`${server.origin}/preferences`);
		await page.getByText(label, { exact: true }).click();
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
			page.getByRole("button", { name: save, exact: true }).click(),
		]);
		return page;
	}

	it.each([
		[
			"en-US",
			"Analytics",
			"Save choices",
			"Your choices have been saved. – Privacy preferences",
			"Privacy preferences",
		],
		["ja-JP", "アクセス解析", "設定を保存", "設定を保存しました。 – プライバシー設定", "プライバシー設定"],
	])("%s: the title announces the saved confirmation", async (locale, label, save, savedTitle, title) => {
		const context = await browser.newContext({ javaScriptEnabled: false, locale, extraHTTPHeaders: DE });
		const page = await saveAnalytics(context, label, save);
		expect(await page.title()).toBe(savedTitle);
		expect(await page.getByRole("checkbox", { name: label, exact: true }).isChecked()).toBe(true);
		// Only the confirmation page says so.
		await page.goto(`${server.origin}/preferences`);
		expect(await page.title()).toBe(title);
		await context.close();
	});

	it("a link to the saved address does not tell a person with stored choices that anything was saved", async () => {
		const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: DE });
		// Choices stored through the API (as the banner stores them): the browser has ce_vid and ce_consent.
		const put = await context.request.put(`${server.origin}/v1/consent`, {
			data: { purposes: { analytics: true } },
		});
		expect(put.status()).toBe(200);
		const page = await context.newPage();
		// Any site or mail can link here.
		await page.goto(`${server.origin}/preferences?saved=1`);
		expect(await page.getByRole("checkbox", { name: "Analytics", exact: true }).isChecked()).toBe(true);
		expect(await page.getByText("Your choices have been saved.").count()).toBe(0);
		expect(await page.title()).toBe("Privacy preferences");
		// The person's own save says so.
		await page.getByRole("checkbox", { name: "Personalization", exact: true }).check();
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
			page.getByRole("button", { name: "Save choices", exact: true }).click(),
		]);
		expect(await page.getByRole("status").textContent()).toBe("Your choices have been saved.");
		expect(await page.title()).toBe("Your choices have been saved. – Privacy preferences");
		await context.close();
	});

	it.each([
		["en-US", "Privacy preferences", "Analytics"],
		["ja-JP", "プライバシー設定", "アクセス解析"],
	])(
		"%s: a new visitor led to the saved address by a link gets the plain page, with no warning about cookies",
		async (locale, title, label) => {
			const context = await browser.newContext({ javaScriptEnabled: false, locale, extraHTTPHeaders: DE });
			const page = await context.newPage();
			// A link in a mail (or typed): the browser has never been here, so it has no cookie to send back,
			// which is no sign that it refuses them.
			await page.goto(`${server.origin}/preferences?saved=1`);
			expect(await page.title()).toBe(title);
			expect(await page.getByRole("alert").count()).toBe(0);
			expect(await page.getByRole("status").count()).toBe(0);
			expect(await page.getByRole("checkbox", { name: label, exact: true }).isChecked()).toBe(false);
			// Nor is a first visit told that its data was deleted.
			await page.goto(`${server.origin}/preferences?erased=1`);
			expect(await page.title()).toBe(title);
			expect(await page.getByRole("status").count()).toBe(0);
			await context.close();

			// A link on another site, clicked.
			const linked = await browser.newContext({ javaScriptEnabled: false, locale, extraHTTPHeaders: DE });
			await linked.route("https://news.example/", (route) =>
				route.fulfill({
					contentType: "text/html",
					body: `<a href="${server.origin}/preferences?saved=1">privacy</a>`,
				}),
			);
			const from = await linked.newPage();
			await from.goto("https://news.example/");
			await Promise.all([
				from.waitForURL(`${server.origin}/preferences?saved=1`, { waitUntil: "load" }),
				from.getByRole("link", { name: "privacy" }).click(),
			]);
			expect(await from.title()).toBe(title);
			expect(await from.getByRole("alert").count()).toBe(0);
			expect(await from.getByRole("status").count()).toBe(0);
			// And the page works: a save from it is confirmed (the page is at the saved address already, so
			// the confirmation appearing is what says the save's page has loaded).
			await from.getByText(label, { exact: true }).click();
			await from.locator('button[type="submit"]').first().click();
			await from.getByRole("status").waitFor();
			expect(await from.getByRole("checkbox", { name: label, exact: true }).isChecked()).toBe(true);
			await linked.close();
		},
	);

	it.each([
		["en-US", "Analytics", "Save choices", "this browser did not send back this site's cookies", "saved."],
		["ja-JP", "アクセス解析", "設定を保存", "当サイトのCookieを許可", "保存しました"],
	])(
		"%s: a browser that keeps no cookies for the site is told the choice was not kept, not that it was saved",
		async (locale, label, save, notKept, saved) => {
			const context = await browser.newContext({ javaScriptEnabled: false, locale, extraHTTPHeaders: DE });
			// Cookies blocked for this site: answers are fetched outside the browser (with every header it
			// sends, Fetch Metadata included) and handed to it without their Set-Cookie, so it never has a
			// cookie to send back.
			await context.route(`${server.origin}/**`, async (route) => {
				const request = route.request();
				const res = await fetch(request.url(), {
					method: request.method(),
					headers: await request.allHeaders(),
					body: request.postData() ?? undefined,
					redirect: "manual",
				});
				const headers = Object.fromEntries(res.headers);
				delete headers["set-cookie"];
				await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
			});
			const page = await saveAnalytics(context, label, save);
			expect(await page.getByRole("checkbox", { name: label, exact: true }).isChecked()).toBe(false);
			expect(await page.getByRole("status").count()).toBe(0);
			const alert = page.getByRole("alert");
			expect(await alert.textContent()).toContain(notKept);
			expect(await page.title()).not.toContain(saved);
			await context.close();
		},
	);

	it("Back to the page shows the stored choices, not a box changed and left unsaved (no form restoration)", async () => {
		const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: DE });
		const page = await saveAnalytics(context, "Analytics", "Save choices");
		const analytics = page.getByRole("checkbox", { name: "Analytics", exact: true });
		const stored = async () =>
			((await (await context.request.get(`${server.origin}/v1/consent`)).json()) as DecisionDocument)
				.purposes;
		expect(await analytics.isChecked()).toBe(true);
		// Untick without saving, leave by the language link, come back.
		await analytics.uncheck();
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?lang=ja`),
			page.getByRole("link", { name: "日本語", exact: true }).click(),
		]);
		await Promise.all([page.waitForURL(`${server.origin}/preferences?saved=1`), page.goBack()]);
		expect((await stored()).analytics).toBe(true);
		// The box says what is stored, as the line beside it does (checked = allowed).
		expect(await page.locator("#purpose-analytics-state").textContent()).toBe("現在：オン（ご自身の選択）");
		expect(await page.getByRole("checkbox", { name: "アクセス解析", exact: true }).isChecked()).toBe(true);
		// Nor does a box ticked and left unsaved come back ticked.
		await page.getByRole("checkbox", { name: "パーソナライズ", exact: true }).check();
		await Promise.all([
			page.waitForURL(`${server.origin}/preferences?lang=en`),
			page.getByRole("link", { name: "English", exact: true }).click(),
		]);
		await Promise.all([page.waitForURL(`${server.origin}/preferences?saved=1`), page.goBack()]);
		expect((await stored()).personalization).toBe(false);
		expect(await page.getByRole("checkbox", { name: "Personalization", exact: true }).isChecked()).toBe(
			false,
		);
		await context.close();
	});
});

describe.skipIf(!hasChromium)("a link on a sibling subdomain to the saved page, in Chromium", () => {
	// prefs.example.test is the worker, mail.example.test its sibling (same site). Chromium sends Fetch
	// Metadata only to secure origins: these http ones are treated as secure. The link's request carries
	// `Sec-Fetch-Site: same-site` (seen at a recording server; Playwright's own header view misses it),
	// which was read as a return from a sibling's form: the page warned that cookies seemed blocked.
	let server: WorkerServer;
	let browser: Browser;
	// The same hosts as plain http, as Chromium sees them: it sends them no Fetch Metadata at all.
	let plainHttp: Browser;
	const on = (host: string, path: string) => `${server.origin.replace("127.0.0.1", host)}${path}`;
	beforeAll(async () => {
		server = await serveWorker();
		const secure = [on("prefs.example.test", ""), on("mail.example.test", "")].join(",");
		browser = await launchChromium([
			"--host-resolver-rules=MAP *.example.test 127.0.0.1",
			`--unsafely-treat-insecure-origin-as-secure=${secure}`,
		]);
		plainHttp = await launchChromium(["--host-resolver-rules=MAP *.example.test 127.0.0.1"]);
	});
	afterAll(async () => {
		await plainHttp?.close();
		await browser?.close();
		await server?.stop();
	});

	it.each([
		["with Fetch Metadata (Sec-Fetch-Site: same-site)", () => browser],
		["without it, by its Referer (plain http)", () => plainHttp],
	])(
		"a new visitor led there from mail.example.test, %s, gets the plain page; its own save still says saved",
		async (_, chromium) => {
			const context = await chromium().newContext({ javaScriptEnabled: false, extraHTTPHeaders: DE });
			await context.route(on("mail.example.test", "/"), (route) =>
				route.fulfill({
					contentType: "text/html",
					body: `<a href="${on("prefs.example.test", "/preferences?saved=1")}">privacy</a>`,
				}),
			);
			const page = await context.newPage();
			await page.goto(on("mail.example.test", "/"));
			await Promise.all([
				page.waitForURL(on("prefs.example.test", "/preferences?saved=1"), { waitUntil: "load" }),
				page.getByRole("link", { name: "privacy" }).click(),
			]);
			expect(await page.title()).toBe("Privacy preferences");
			expect(await page.getByRole("alert").count()).toBe(0);
			expect(await page.getByRole("status").count()).toBe(0);
			// Its own save on the page (same-origin) is confirmed.
			await page.getByText("Analytics", { exact: true }).click();
			await page.getByRole("button", { name: "Save choices", exact: true }).click();
			await page.getByRole("status").waitFor();
			expect(await page.title()).toBe("Your choices have been saved. – Privacy preferences");
			await context.close();
		},
	);
});
