/**
 * The unsubscribe confirmation as a person meets it in Chromium with JavaScript off, in a browser
 * that sends no Fetch Metadata (Safari before 16.4, older Chromium and Firefox): a link that stops
 * working while the page is open is told in a page in the page's language, as a browser sending
 * `Sec-Fetch-Mode: navigate` is told, not in the plain text a mail provider's server gets.
 */
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import type { Browser, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { TEST_SECRETS, type WorkerServer } from "./serve-worker";
import { servedWithChromium } from "./served-chromium";

warnIfNoChromium("unsubscribe page");

/** A genuine link (the format of workers/email/unsubscribe-token.ts) for list `news`, ending at `expiresAt`. */
function linkEndingAt(expiresAt: number): string {
	const emailHash = "a".repeat(43);
	const body = [
		"u1",
		emailHash,
		Buffer.from("news").toString("base64url"),
		Math.floor(expiresAt / 1000).toString(36),
	].join(".");
	const mac = createHmac("sha256", TEST_SECRETS.SIGNING_KEY)
		.update(`unsubscribe:${body}`)
		.digest("base64url");
	return `/unsubscribe?t=${body}.${mac}`;
}

/** The request as it came, minus Sec-Fetch-*, sent with node:http; the answer as route.fulfill takes it. */
async function relayWithoutFetchMetadata(request: Request) {
	const headers = Object.fromEntries(
		Object.entries(await request.allHeaders()).filter(([name]) => !name.startsWith("sec-fetch-")),
	);
	const body = request.postDataBuffer();
	return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
		const outgoing = httpRequest(request.url(), { method: request.method(), headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on("data", (chunk: Buffer) => chunks.push(chunk));
			res.on("end", () => {
				const answered: Record<string, string> = {};
				for (const [name, value] of Object.entries(res.headers)) {
					if (value !== undefined) answered[name] = Array.isArray(value) ? value.join("\n") : value;
				}
				resolve({ status: res.statusCode ?? 0, headers: answered, body: Buffer.concat(chunks) });
			});
			res.on("error", reject);
		});
		outgoing.on("error", reject);
		outgoing.end(body ?? undefined);
	});
}

describe.skipIf(!hasChromium)("the unsubscribe confirmation in a browser without Fetch Metadata", () => {
	let server: WorkerServer;
	let browser: Browser;
	servedWithChromium((started) => {
		({ server, browser } = started);
	});

	it.each([
		["en-US", "en", "Unsubscribe", "The link has expired. Use the link in a more recent email."],
		[
			"ja-JP",
			"ja",
			"配信を停止する",
			"このリンクは有効期限が切れています。最近のメールのリンクをお使いください。",
		],
	])(
		"%s: a link that expired while the page was open is told in a page, not plain text",
		async (locale, lang, button, message) => {
			const context = await browser.newContext({ javaScriptEnabled: false, locale });
			// What such a browser sends: everything Chromium sends but its Sec-Fetch-* headers (relayed with
			// node:http, as fetch() would add a Sec-Fetch-Mode of its own).
			await context.route(`${server.origin}/**`, async (route) => {
				const answer = await relayWithoutFetchMetadata(route.request());
				await route.fulfill(answer);
			});
			const expiresAt = Date.now() + 4_000;
			const page = await context.newPage();
			expect((await page.goto(`${server.origin}${linkEndingAt(expiresAt)}`))?.status()).toBe(200);
			await page.waitForTimeout(Math.max(0, expiresAt - Date.now() + 1_000));
			const [res] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === "POST"),
				page.getByRole("button", { name: button, exact: true }).click(),
			]);
			await page.waitForLoadState("load");
			expect(res.status()).toBe(403);
			expect(res.headers()["content-type"]).toBe("text/html; charset=utf-8");
			expect(await page.getAttribute("html", "lang")).toBe(lang);
			expect(await page.locator("main p").first().textContent()).toBe(message);
			expect(await page.locator("body").textContent()).not.toContain("expired_token");
			await context.close();
		},
	);
});
