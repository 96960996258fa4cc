/**
 * Wording decisions from a review of the pages' English and Japanese text, each pinned with the reason
 * it was made: what a sentence claims must be what the code does, and the same thing must be called
 * the same way everywhere.
 */
import { describe, expect, it } from "vitest";
import { BANNER_PURPOSES } from "../../workers/config/purposes";
import { visitorSubject } from "../../workers/consent/caller";
import { BANNER_TEXT } from "../../workers/sdk/banner-text";
import { BASE, call, json, keyed, Visitor } from "../helpers";

const JA = { "Accept-Language": "ja" };

async function page(path: string, init: Parameters<typeof call>[1] = {}): Promise<string> {
	const res = await call(path, init);
	return res.text();
}

describe("page wording", () => {
	it("the Japanese default names the region the request comes from, not where the visitor lives", async () => {
		// The jurisdiction is read from the request's location (request.cf), not from a residence.
		const html = await page("/preferences", { cf: { country: "JP" }, headers: JA });
		expect(html).toContain("現在：オン（アクセス元の地域の初期設定）");
		expect(html).not.toContain("お住まい");
	});

	it("the Japanese sale control is named as the APPI notice names what it stops: 第三者提供", async () => {
		// In Japan this checkbox is the Art. 27(2) opt-out channel; the notice speaks of 第三者提供, and
		// 販売 alone (a translation of the CCPA's "sale") is not a term the APPI or the Commission uses.
		const html = await page("/preferences", { cf: { country: "JP" }, headers: JA });
		expect(html).toContain('<label for="purpose-sale">個人情報の第三者提供（販売・共有）</label>');
		expect(html).toContain("「個人情報の第三者提供（販売・共有）」をオフにして保存");
		const gpc = await page("/preferences", { cf: { country: "JP" }, headers: { ...JA, "Sec-GPC": "1" } });
		expect(gpc).toContain("ターゲティング広告と個人情報の第三者提供（販売・共有）を停止するご依頼");
	});

	it("under GPC a locked purpose is not promised to come back on when the signal stops", async () => {
		// A GPC opt-out recorded for a known visitor outlives the signal (a missing signal is never an
		// opt-in): "Off while your browser sends the signal" told them the opposite.
		const visitor = new Visitor({ country: "US", regionCode: "CA" });
		await visitor.fetch("/preferences");
		const locked = await (await visitor.fetch("/preferences", { headers: { "Sec-GPC": "1" } })).text();
		expect(locked).toContain(
			'<p class="hint" id="purpose-sale-locked">Off: your browser sends the Global Privacy Control signal, and this cannot be turned on while it does.</p>',
		);
		expect(locked).not.toMatch(/Off while/);
		// And the signal gone, it is still off: the line no longer shows, the state says why.
		const after = await (await visitor.fetch("/preferences")).text();
		expect(after).toContain('id="purpose-sale-state">Currently: Off (Global Privacy Control)</p>');
	});

	it("the Japanese status line says the signal is being applied, not 'respected'", async () => {
		const html = await page("/preferences", { cf: { country: "JP" }, headers: { ...JA, "Sec-GPC": "1" } });
		expect(html).toContain("<strong>オプトアウト選好シグナルを適用しています</strong>");
		expect(html).toContain(
			"ブラウザーがGPCシグナルを送信しているため、オフになっています。送信している間はオンにできません。",
		);
		expect(html).not.toContain("尊重");
	});

	it("Japanese pages speak in the site's voice (当サイト) and do not address the reader as あなた", async () => {
		// あなた reads as translated in a Japanese consumer notice; the APPI notice says ご本人 and 当サイト.
		const visitor = new Visitor({ country: "JP" });
		await visitor.fetch("/preferences", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, ...JA },
			body: "form=preferences&analytics=on",
		});
		for (const html of [
			await (await visitor.fetch("/preferences?saved=1", { headers: JA })).text(),
			await page("/preferences", { cf: { country: "JP" }, headers: { ...JA, "Sec-GPC": "1" } }),
			await page("/preferences?saved=1", { cf: { country: "JP" }, headers: JA }),
		]) {
			const main = /<main id="main">([\s\S]*)<\/main>/.exec(html)?.[1] ?? "";
			expect(main).toContain("当サイト");
			expect(main).not.toContain("あなた");
			expect(main).not.toContain("このサイト");
			expect(main).not.toContain("送り返して");
		}
	});

	it("English names the ads purpose with the CCPA's own term, in the US spelling the page uses", async () => {
		// The page says Personalization and Honored (US); the CCPA term is "cross-context behavioral
		// advertising", a term the CPRA defines.
		const html = await page("/preferences", { cf: { country: "US", regionCode: "CA" } });
		expect(html).toContain(
			"Showing you ads based on your activity on other sites and apps (cross-context behavioral advertising).",
		);
		expect(html).not.toMatch(/behaviour|personalis/i);
	});

	it("the history says how a change came without naming a channel it may not have come through", async () => {
		const visitor = new Visitor({ country: "US", regionCode: "CA" });
		// The banner's "Reject all" (consentEdge.set through PUT /v1/consent) is recorded as `ui` too:
		// it was not made on "This page".
		await visitor.fetch("/v1/consent", {
			method: "PUT",
			headers: { "Content-Type": "application/json", Origin: BASE },
			body: JSON.stringify({ purposes: { analytics: false, personalization: false } }),
		});
		// A spam complaint the site records for an address linked to this visitor is `email` too: no link.
		const subject = await visitorSubject(visitor.cookies.get("ce_vid") ?? "");
		await call(
			"/v1/consent",
			keyed(json({ subject, purposes: { email: true }, email: "reader@example.com" }, { method: "PUT" })),
		);
		await call(
			"/v1/suppressions",
			keyed(json({ email: "reader@example.com", source: "complaint" }, { method: "POST" })),
		);
		const html = await (await visitor.fetch("/preferences")).text();
		const how = [...html.matchAll(/<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m[1]);
		expect(how).toEqual(["Email unsubscribe", "The site or app", "Your choice in this browser"]);
	});

	it("the page says a choice is kept for this browser only", async () => {
		// Choices are stored under the browser's ce_vid cookie: without it, the page is a new visitor's.
		const en = await page("/preferences", { cf: { country: "US", regionCode: "CA" } });
		expect(en).toContain(
			"They apply to this browser only: after you clear this site&#39;s cookies, or in another browser or on another device, choose again.",
		);
		const ja = await page("/preferences", { cf: { country: "JP" }, headers: JA });
		expect(ja).toContain(
			"設定はこのブラウザーにのみ適用されます。当サイトのCookieを削除した場合や、別のブラウザー・端末をお使いの場合は、改めて設定してください。",
		);
	});

	it("an unsubscribe from every list promises no more mail from the lists, not no mail at all", async () => {
		// A token for `*` suppresses the address for every list a sender checks; mail that is not sent
		// to a list (a receipt, a password reset) is not something this suppression stops.
		const issued = await call(
			"/v1/unsubscribe-links",
			keyed(json({ email: "every@example.com", list: "*" }, { method: "POST" })),
		);
		const url = new URL((await issued.json<{ url: string }>()).url);
		const target = `${url.pathname}${url.search}`;
		const en = await (await call(target)).text();
		expect(en).toContain("Stop sending email from all our mailing lists to this address?");
		const ja = await (await call(target, { headers: JA })).text();
		expect(ja).toContain("このアドレスへの、すべての配信リストのメール配信を停止しますか？");
		const form = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" } };
		const done = await (await call(target, { ...form, body: "List-Unsubscribe=One-Click" })).text();
		expect(done).toContain(
			"You are unsubscribed from all our mailing lists. No more email from them will be sent to this address.",
		);
		expect(done).not.toContain("No more of our email");
		const doneJa = await (
			await call(target, { ...form, headers: { ...form.headers, ...JA }, body: "List-Unsubscribe=One-Click" })
		).text();
		expect(doneJa).toContain(
			"すべての配信リストの配信を停止しました。このアドレスには今後、これらのリストのメールをお送りしません。",
		);
		expect(await (await call(target)).text()).toContain(
			"This address is already unsubscribed from all our mailing lists.",
		);
		expect(await (await call(target, { headers: JA })).text()).toContain(
			"このアドレスは、すべての配信リストの配信をすでに停止しています。",
		);
	});

	it("the banner names every purpose its Accept all allows, in the page's words, and not email", async () => {
		// "Accept all" sets the banner's purposes (chooseAll in consent-sdk.js): the banner said
		// "analytics, personalised content and advertising", leaving out sale or sharing. It no longer
		// sets marketing email, which the banner then must not offer ("“Accept all” also allows
		// marketing email" did).
		const words: Record<"en" | "ja", Record<string, string>> = {
			en: {
				analytics: "analytics",
				personalization: "personalization",
				ads: "targeted advertising",
				sale: "sell or share information about you with third parties",
			},
			ja: {
				analytics: "アクセス解析",
				personalization: "パーソナライズ",
				ads: "ターゲティング広告",
				sale: "第三者に提供（販売・共有）",
			},
		};
		expect(Object.keys(words.en).sort()).toEqual([...BANNER_PURPOSES].sort());
		for (const lang of ["en", "ja"] as const) {
			for (const [purpose, said] of Object.entries(words[lang])) {
				expect(BANNER_TEXT[lang].body, `${lang} ${purpose}`).toContain(said);
			}
		}
		expect(BANNER_TEXT.en.body).toContain(`“${BANNER_TEXT.en.acceptAll}”`);
		expect(BANNER_TEXT.ja.body).toContain(`「${BANNER_TEXT.ja.acceptAll}」`);
		expect(BANNER_TEXT.ja.body).toContain(`「${BANNER_TEXT.ja.settings}」`);
		expect(BANNER_TEXT.en.body).not.toMatch(/personalis/);
		expect(BANNER_TEXT.en.body).not.toMatch(/e-?mail|newsletter/i);
		expect(BANNER_TEXT.ja.body).not.toMatch(/メール|ニュースレター/);
	});
});
