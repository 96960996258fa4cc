/**
 * The unsubscribe link as a person follows it from a mail in Chromium with JavaScript off: a scanner
 * rendering the link first changes nothing, the confirmation speaks the browser's language, loads
 * nothing from anywhere but the worker and leaves no cookie, and its button unsubscribes with a 200
 * page, no redirect.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { TEST_SECRETS, type WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("unsubscribe link");

const MAIL = "http://mail.example";
const KEYED = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}` };

describe.skipIf(!hasChromium)("the unsubscribe link followed from a mail", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	async function linkFor(email: string): Promise<string> {
		const res = await fetch(`${server.origin}/v1/unsubscribe-links`, {
			method: "POST",
			headers: { ...KEYED, "Content-Type": "application/json" },
			body: JSON.stringify({ email, list: "news" }),
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { url: string }).url;
	}

	async function suppressed(email: string): Promise<boolean> {
		const query = new URLSearchParams({ email, list: "news" });
		const res = await fetch(`${server.origin}/v1/suppressions?${query}`, { headers: KEYED });
		return ((await res.json()) as { suppressed: boolean }).suppressed;
	}

	it.each([
		["en-US", "en", "Unsubscribe", "You are unsubscribed from “news”."],
		["ja-JP", "ja", "配信を停止する", "「news」の配信を停止しました。"],
	])("%s: scanned, opened and confirmed without JavaScript", async (locale, lang, button, done) => {
		const email = `follow-${lang}@example.com`;
		const url = await linkFor(email);
		const context = await browser.newContext({ javaScriptEnabled: false, locale });
		const requests: string[] = [];
		context.on("request", (request) => requests.push(`${request.method()} ${new URL(request.url()).origin}`));
		// A link scanner renders the link before anyone clicks it (as mail security gateways do).
		const scanner = await context.newPage();
		expect((await scanner.goto(url))?.status()).toBe(200);
		await scanner.close();
		expect(await suppressed(email)).toBe(false);

		await context.route(`${MAIL}/**`, (route) =>
			route.fulfill({ contentType: "text/html", body: `<a href="${url}">Unsubscribe</a>` }),
		);
		const page = await context.newPage();
		await page.goto(`${MAIL}/inbox`);
		const [confirmation] = await Promise.all([
			page.waitForResponse((r) => r.url() === url && r.request().isNavigationRequest()),
			page.getByRole("link", { name: "Unsubscribe" }).click(),
		]);
		expect(confirmation.status()).toBe(200);
		await page.waitForLoadState("load");
		expect(await page.getAttribute("html", "lang")).toBe(lang);
		expect(await suppressed(email)).toBe(false);

		const [answer] = await Promise.all([
			page.waitForResponse((r) => r.request().method() === "POST"),
			page.getByRole("button", { name: button, exact: true }).click(),
		]);
		await page.waitForLoadState("load");
		expect(answer.status()).toBe(200);
		expect(answer.headers().location).toBeUndefined();
		expect(page.url()).toBe(url);
		expect(await page.getAttribute("html", "lang")).toBe(lang);
		expect(await page.getByRole("status").textContent()).toContain(done);
		expect(await suppressed(email)).toBe(true);

		// Nothing but the mail page and the worker was asked for anything, and no cookie was left.
		expect(new Set(requests)).toEqual(
			new Set([`GET ${MAIL}`, `GET ${server.origin}`, `POST ${server.origin}`]),
		);
		expect(await context.cookies()).toEqual([]);
		await context.close();
	});
});
