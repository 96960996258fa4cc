/**
 * What a person sees when a page or a form post fails: a page in their language (the same choice as
 * the preference centre's: `?lang=`, the `ce_lang` cookie, `Accept-Language`), with a way back to
 * the preference centre; an unsubscribe page's error, reached from an email, has no such link.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, brokenD1, call, callWithEnv, Visitor } from "../helpers";

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const JA = { "Accept-Language": "ja" };

describe("error pages for people", () => {
	it("a cross-site save is a 403 page in Japanese for a Japanese reader, leading back", async () => {
		const res = await new Visitor({ country: "JP" }).fetch("/preferences", {
			method: "POST",
			headers: { ...FORM, ...JA, Origin: "https://evil.example" },
			body: "form=preferences&analytics=on",
		});
		expect(res.status).toBe(403);
		const html = await res.text();
		expect(html).toContain('<html lang="ja">');
		expect(html).toContain("当サイト以外のページからの送信は受け付けていません。");
		expect(html).toContain('<a href="/preferences?lang=ja">プライバシー設定に戻る</a>');
		expect(html).not.toContain("allowed origins");
	});

	it("a storage outage's 503 keeps its status and Retry-After, in the reader's language", async () => {
		const res = await callWithEnv({ ...env, DB: brokenD1() } as Env, "/preferences", {
			method: "POST",
			cf: { country: "JP" },
			headers: { ...FORM, ...JA, Origin: BASE },
			body: "form=preferences&analytics=on",
		});
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).not.toBeNull();
		const html = await res.text();
		expect(html).toContain('<html lang="ja">');
		expect(html).toContain("ただいま設定を保存できません。");
		expect(html).toContain('href="/preferences?lang=ja"');
	});

	it("English readers get a message written for people, not the developer's, and the way back", async () => {
		const res = await call("/preferences", {
			method: "POST",
			headers: { ...FORM, "Accept-Language": "en-GB,en;q=0.8", Origin: "null" },
			body: "form=preferences",
		});
		expect(res.status).toBe(403);
		const html = await res.text();
		expect(html).toContain('<html lang="en">');
		expect(html).toContain(
			"<h1>Choices can only be sent from this site&#39;s own pages. Please try again from the privacy preferences page.</h1>",
		);
		expect(html).not.toContain("origin");
		expect(html).toContain('<a href="/preferences?lang=en">Back to privacy preferences</a>');
		// The API's JSON answer keeps the developer's message.
		const api = await call("/v1/consent", {
			method: "PUT",
			headers: { "Content-Type": "application/json", Origin: "https://evil.example" },
			body: "{}",
		});
		expect((await api.json<{ error: { message: string } }>()).error.message).toContain("allowed origins");
	});

	it('an English storage outage page says the choices were not saved, not "Storage is unavailable"', async () => {
		const res = await callWithEnv({ ...env, DB: brokenD1() } as Env, "/preferences", {
			method: "POST",
			cf: { country: "US", regionCode: "CA" },
			headers: { ...FORM, Origin: BASE },
			body: "form=preferences&analytics=on",
		});
		expect(res.status).toBe(503);
		expect(await res.text()).toContain(
			"<h1>Your choices cannot be saved right now. Please try again in a few minutes.</h1>",
		);
	});

	it("?lang= beats Accept-Language, as on the page itself", async () => {
		const res = await call("/preferences?lang=en", {
			method: "POST",
			headers: { ...FORM, ...JA, Origin: "https://evil.example" },
			body: "form=preferences",
		});
		expect(await res.text()).toContain('<html lang="en">');
	});

	it("an unsubscribe error page has no link into the site's preferences", async () => {
		const res = await call("/unsubscribe?t=not-a-token", {
			method: "POST",
			headers: { ...FORM, ...JA },
			body: "List-Unsubscribe=One-Click",
		});
		expect(res.status).toBeGreaterThanOrEqual(400);
		expect(res.status).toBeLessThan(500);
		const html = await res.text();
		expect(html).not.toContain('href="/preferences');
	});

	it("API errors stay JSON", async () => {
		const res = await call("/v1/consent", {
			method: "PUT",
			headers: { "Content-Type": "text/plain" },
			body: "x",
		});
		expect(res.headers.get("Content-Type")).toContain("application/json");
	});
});
