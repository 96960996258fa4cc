/**
 * The way back to the site from the preference centre: `?return=` names the page the banner's
 * Settings was pressed on; the page links back to it and a save keeps it, but only for origins the
 * worker serves or allows, only as a link, never as a redirect anywhere else.
 */
import { describe, expect, it } from "vitest";
import { BASE, callWithEnv, envWith } from "../helpers";

const SITE = "https://shop.example";
const testEnv = envWith({ ALLOWED_ORIGINS: SITE } as Partial<Env>);
const FORM = { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE };

const page = (query: string) => callWithEnv(testEnv, `/preferences?${query}`, { cf: { country: "DE" } });
const returnTo = (url: string) => `return=${encodeURIComponent(url)}`;

describe("the link back to the site", () => {
	it("is offered, with a hidden field that keeps it across a save, for a page of an allowed origin", async () => {
		const html = await (await page(returnTo(`${SITE}/shoes?id=7&"x"=<y>#reviews`))).text();
		const href = `${SITE}/shoes?id=7&amp;%22x%22=%3Cy%3E`;
		expect(html).toContain(`<p class="return"><a href="${href}">Back to shop.example</a></p>`);
		expect(html).toContain(`<input type="hidden" name="return" value="${href}">`);
	});

	it("is offered for the worker's own origin (guard mode serves the site there), in Japanese too", async () => {
		const html = await (await page(`lang=ja&${returnTo(`${BASE}/article`)}`)).text();
		expect(html).toContain(`<a href="${BASE}/article">${new URL(BASE).host} に戻る</a>`);
	});

	it("is not offered for any other origin, scheme or form", async () => {
		for (const target of [
			"https://evil.example/",
			"https://shop.example.evil.example/",
			"javascript:alert(1)",
			"data:text/html,hi",
			`https://user:pass@shop.example/`,
			"//shop.example/x",
			"/relative",
			`${SITE}/${"a".repeat(2100)}`,
		]) {
			const html = await (await page(returnTo(target))).text();
			expect(html, target).not.toContain('class="return"');
			expect(html, target).not.toContain('name="return"');
		}
	});

	it("a save and an opt-out post answer 303 to the saved page leading back; other targets are dropped", async () => {
		const save = (path: string, body: string) =>
			callWithEnv(testEnv, path, { method: "POST", cf: { country: "DE" }, headers: FORM, body });
		const back = `${SITE}/cart`;
		const saved = await save("/preferences", `form=preferences&analytics=on&${returnTo(back)}`);
		expect(saved.status).toBe(303);
		expect(saved.headers.get("Location")).toBe(`/preferences?saved=1&${returnTo(back)}`);
		const optedOut = await save("/v1/opt-out", `form=preferences&${returnTo(back)}`);
		expect(optedOut.status).toBe(303);
		expect(optedOut.headers.get("Location")).toBe(`/preferences?saved=1&${returnTo(back)}`);
		const elsewhere = await save("/preferences", `form=preferences&${returnTo("https://evil.example/")}`);
		expect(elsewhere.headers.get("Location")).toBe("/preferences?saved=1");
	});
});
