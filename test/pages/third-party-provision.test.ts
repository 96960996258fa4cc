/**
 * Japan's provision of personal data to third parties by opt-out (APPI Art. 27(2)): `sale` is on by
 * default for visitors in Japan, so the preference centre tells them, beforehand, the eight items
 * the Act lists (the operator, provision as a purpose, the data, how obtained, how provided, that it
 * stops on request, how to ask, and the Commission's rules' items: how the data provided is updated and
 * the day provision starts), next to the control that stops it, and that a change of them is
 * announced beforehand (Art. 27(3)); nowhere else.
 */
import { describe, expect, it } from "vitest";
import { callWithEnv, envWith } from "../helpers";

const OPERATOR = {
	OPERATOR_NAME: "株式会社エグザンプル <Example>",
	OPERATOR_ADDRESS: "東京都千代田区丸の内1-1-1",
	OPERATOR_REPRESENTATIVE: "代表取締役 山田太郎",
	THIRD_PARTY_PROVISION_SINCE: "2026-04-01",
} as Partial<Env>;

async function page(
	geo: { country: string; regionCode?: string },
	lang: string,
	vars: Partial<Env> = OPERATOR,
) {
	const res = await callWithEnv(envWith(vars), `/preferences?lang=${lang}`, { cf: geo });
	expect(res.status).toBe(200);
	return res.text();
}

/** The notice's terms and descriptions, as text. */
function items(html: string): [string, string][] {
	const section = /<section id="third-party-provision"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
	return [...section.matchAll(/<dt>([\s\S]*?)<\/dt><dd>([\s\S]*?)<\/dd>/g)].map((m) => [
		m[1] ?? "",
		(m[2] ?? "").replace(/<[^>]+>/g, " "),
	]);
}

describe("the third-party provision notice", () => {
	it("lists all eight items in Japanese for a visitor in Japan, with the operator's details", async () => {
		const html = await page({ country: "JP" }, "ja");
		// Sale/sharing is on by default there: that is what makes this provision by opt-out.
		expect(html).toMatch(/<input [^>]*id="purpose-sale"[^>]* checked[ >]/);
		expect(html).toContain("個人データの第三者提供について（個人情報保護法第27条第2項）");
		const found = items(html);
		expect(found.map(([term]) => term)).toEqual([
			"事業者",
			"利用目的",
			"提供する個人データの項目",
			"取得の方法",
			"提供の方法",
			"本人の求めによる提供の停止",
			"求めを受け付ける方法",
			// Enforcement Rules Art. 11(4): how the personal data provided is updated, and the start day
			// (not how this notice changes: that is Art. 27(3), said after the list).
			"個人データの更新の方法と提供の開始日",
		]);
		const [operator, , , , , , how, updates] = found.map(([, text]) => text);
		// Japanese items and values are separated by a full-width colon, as on the rest of the page.
		expect(operator).toContain("名称：株式会社エグザンプル &lt;Example&gt;");
		expect(operator).toContain("住所：東京都千代田区丸の内1-1-1");
		expect(operator).toContain("代表者：代表取締役 山田太郎");
		expect(operator).not.toContain(": ");
		// The channel named is this page's own control, and it is there.
		const saleLabel = /<label for="purpose-sale">([^<]+)<\/label>/.exec(html)?.[1];
		expect(saleLabel).toBeTruthy();
		expect(how).toContain(`「${saleLabel}」`);
		expect(how).toContain("「すべてオプトアウト」");
		expect(html).toContain("すべてオプトアウト");
		// The choice is kept for this browser (its cookie), so the notice says where it applies.
		expect(how).toContain("このブラウザー");
		expect(updates).toContain("閲覧のたびに新たに取得し、その都度提供します。");
		// A date as Japanese readers write it, as the consent history does.
		expect(updates).toContain("提供の開始日：2026年4月1日");
		expect(html).toContain("<p>これらの事項を変更する場合は、あらかじめこのページでお知らせします。</p>");
	});

	it("is in English for a visitor in Japan reading English", async () => {
		const found = items(await page({ country: "JP", regionCode: "13" }, "en"));
		expect(found).toHaveLength(8);
		expect(found[6]?.[1]).toContain("“Opt out of everything”");
		expect(found[6]?.[1]).toContain("applies to this browser");
		expect(found[7]).toEqual([
			"How the data is updated, and start date",
			"Collected afresh on each visit and provided as it is collected. Start date of provision: 2026-04-01",
		]);
	});

	it("says which of the operator's items the site left unset", async () => {
		const html = await page({ country: "JP" }, "ja", { SITE_NAME: "Example Shop" } as Partial<Env>);
		const [operator, , , , , , , changes] = items(html).map(([, text]) => text);
		expect(operator).toContain("Example Shop");
		expect(operator?.match(/サイト運営者による記載なし/g)).toHaveLength(2);
		expect(changes).toContain("提供の開始日：");
		expect(changes).toContain("サイト運営者による記載なし");
	});

	it("is not shown outside Japan", async () => {
		for (const geo of [{ country: "US", regionCode: "CA" }, { country: "DE" }, { country: "KR" }]) {
			const html = await page(geo, "ja");
			expect(html, geo.country).not.toContain("third-party-provision");
		}
	});
});
