/**
 * The way back to the site from the preference centre: `?return=` names the page the banner's
 * Settings was pressed on; the page links back to it and remembers it in a short-lived `ce_return`
 * cookie (Path=/preferences), so the saved page a form post's 303 leads to (exactly
 * `/preferences?saved=1`) still offers it. Only for origins the worker serves or allows, only as a
 * link, never as a redirect.
 */
import { describe, expect, it } from "vitest";
import { BASE, callWithEnv, envWith } from "../helpers";

const SITE = "https://shop.example";
const testEnv = envWith({ ALLOWED_ORIGINS: SITE } as Partial<Env>);

const page = (query: string, cookie?: string) =>
	callWithEnv(testEnv, `/preferences?${query}`, {
		cf: { country: "DE" },
		headers: cookie ? { Cookie: cookie } : {},
	});
const returnTo = (url: string) => `return=${encodeURIComponent(url)}`;

function returnCookie(res: Response): string | undefined {
	return res.headers
		.getSetCookie()
		.find((line) => line.startsWith("ce_return="))
		?.split(";")[0];
}

describe("the link back to the site", () => {
	it("is offered for a page of an allowed origin, and remembered for the saved page", async () => {
		const res = await page(returnTo(`${SITE}/shoes?id=7&"x"=<y>#reviews`));
		const html = await res.text();
		const href = `${SITE}/shoes?id=7&amp;%22x%22=%3Cy%3E`;
		expect(html).toContain(`<p class="return"><a href="${href}">Back to shop.example</a></p>`);
		// Nothing of it in the form: its post answers exactly as the contract says.
		expect(html).not.toContain('name="return"');
		const line = res.headers.getSetCookie().find((l) => l.startsWith("ce_return="));
		expect(line).toMatch(/; Path=\/preferences; Max-Age=1800; SameSite=Lax; Secure; HttpOnly$/);

		const saved = await (await page("saved=1", returnCookie(res))).text();
		expect(saved).toContain(`<a href="${href}">Back to shop.example</a>`);
	});

	it("is offered for the worker's own origin (guard mode serves the site there), in Japanese too", async () => {
		const html = await (await page(`lang=ja&${returnTo(`${BASE}/article`)}`)).text();
		expect(html).toContain(`<a href="${BASE}/article">${new URL(BASE).host} に戻る</a>`);
	});

	it("is not offered, nor remembered, for any other origin, scheme or form", async () => {
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
			const res = await page(returnTo(target));
			expect(await res.text(), target).not.toContain('class="return"');
			expect(returnCookie(res), target).toBeUndefined();
		}
	});

	it("is remembered in a cookie a browser keeps (at most 4096 bytes), for any page it links to", async () => {
		for (const target of [
			`${SITE}/商品/${"春の新作ワンピース".repeat(20)}?色=赤`,
			`${SITE}/${"/".repeat(2000)}`,
			`${SITE}/?q=${'"<>'.repeat(200)}`,
		]) {
			const res = await page(returnTo(target));
			const html = await res.text();
			const href = /<p class="return"><a href="([^"]*)"/.exec(html)?.[1];
			expect(href, target.slice(0, 60)).toBeDefined();
			for (const line of res.headers.getSetCookie()) {
				expect(new TextEncoder().encode(line).length, line.slice(0, 60)).toBeLessThanOrEqual(4096);
			}
			const saved = await (await page("saved=1", returnCookie(res))).text();
			expect(saved, target.slice(0, 60)).toContain(`<p class="return"><a href="${href}">`);
		}
	});

	it("is not offered for a page whose address is over 2048 characters once written out", async () => {
		// 600 characters as typed, 5400 percent-encoded: the cookie would have been 30 KB.
		const res = await page(returnTo(`${SITE}/${"あ".repeat(600)}`));
		expect(await res.text()).not.toContain('class="return"');
		expect(returnCookie(res)).toBeUndefined();
	});

	it("a cookie remembered by an earlier version (every reserved character escaped) still leads back", async () => {
		const target = `${SITE}/shoes?id=7`;
		const html = await (await page("saved=1", `ce_return=${encodeURIComponent(target)}`)).text();
		expect(html).toContain(`<a href="${target}">`);
	});

	it("a planted or broken cookie offers nothing it would not offer from the URL", async () => {
		for (const cookie of [
			`ce_return=${encodeURIComponent("https://evil.example/")}`,
			"ce_return=%E0%A4%A",
			"ce_return=javascript%3Aalert(1)",
		]) {
			const res = await page("saved=1", cookie);
			expect(res.status).toBe(200);
			expect(await res.text(), cookie).not.toContain('class="return"');
		}
	});
});
