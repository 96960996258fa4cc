/**
 * Japan's opt-out route for providing personal data to third parties (APPI Art. 27(2)): where `sale`
 * (sale or sharing with third parties) is allowed by default for a Japanese visitor, the person must
 * be able to know, beforehand, the eight items the Act lists, and stop the provision on request.
 * The preference centre shows them to visitors in Japan, in the page's language, beside the control
 * that stops it. The operator's own details come from vars (OPERATOR_NAME, OPERATOR_ADDRESS,
 * OPERATOR_REPRESENTATIVE, THIRD_PARTY_PROVISION_SINCE); an item left unset says so, so a site owner
 * sees what is missing. (The Act also wants the items filed with the Personal Information
 * Protection Commission: that is the operator's to do; README.)
 */

import { purposeDefinition } from "../config/purposes";
import type { OperatorDetails } from "../config/settings";
import { jurisdictionDefault } from "../consent/decide-consent";
import { escapeHtml } from "../http/responses";
import type { Lang } from "./page-language";

/** The purpose whose default-on state is provision to third parties by opt-out. */
const PROVISION_PURPOSE = "sale";

export const PROVISION_SECTION_ID = "third-party-provision";

interface ProvisionText {
	readonly heading: string;
	readonly intro: string;
	readonly notSet: string;
	readonly items: readonly [string, string][];
	readonly operator: { readonly name: string; readonly address: string; readonly representative: string };
	readonly changes: string;
	readonly startDate: string;
}

const EN: ProvisionText = {
	heading: "Provision of personal data to third parties (Japan, APPI Article 27(2))",
	intro:
		"This site may provide personal data to third parties on the condition that it stops doing so when you ask (provision by opt-out). What the Act on the Protection of Personal Information requires you to be told:",
	notSet: "Not provided by the site operator",
	operator: { name: "Name", address: "Address", representative: "Representative" },
	items: [
		["The operator", ""],
		[
			"Purpose",
			"Providing personal data to third parties (such as advertising and data partners) is one of the purposes of use.",
		],
		[
			"Personal data provided",
			"Cookie and device identifiers, the pages viewed and when, the referring page, ads shown and clicked, the approximate region (country and prefecture) estimated from the IP address, and the browser and device type.",
		],
		["How it is obtained", "Collected automatically by cookies, tags (scripts) and pixels on this site."],
		[
			"How it is provided",
			"Sent electronically over the internet, by those tags or from this site's servers.",
		],
		[
			"Stopping on request",
			"At your request, the provision to third parties of personal data that identifies you stops.",
		],
		[
			"How to ask",
			"On this page: turn off “Sale or sharing of personal information” and save, or choose “Opt out of everything”. A Global Privacy Control signal from your browser is taken as the same request.",
		],
		["Changes and start date", ""],
	],
	changes: "These items are updated on this page before any change to them takes effect.",
	startDate: "Provision began on",
};

const JA: ProvisionText = {
	heading: "個人データの第三者提供について（個人情報保護法第27条第2項）",
	intro:
		"当サイトは、ご本人の求めに応じて提供を停止することを条件に、個人データを第三者に提供することがあります（オプトアウトによる第三者提供）。個人情報保護法に基づき、次の事項をお知らせします。",
	notSet: "サイト運営者が未設定",
	operator: { name: "名称", address: "住所", representative: "代表者" },
	items: [
		["事業者", ""],
		[
			"利用目的",
			"個人データを第三者（広告配信事業者・データ提供先など）に提供することを利用目的に含みます。",
		],
		[
			"提供する個人データの項目",
			"Cookie等の識別子、閲覧したページとその日時、参照元のページ、広告の表示・クリックの記録、IPアドレスから推定したおおよその地域（国・都道府県）、ブラウザーと端末の種類。",
		],
		["取得の方法", "このサイトに設置したCookie・タグ（スクリプト）・ピクセルによる自動取得。"],
		["提供の方法", "タグ等またはこのサイトのサーバーからの、インターネットを通じた電子的な送信。"],
		[
			"本人の求めによる提供の停止",
			"ご本人の求めに応じて、ご本人が識別される個人データの第三者への提供を停止します。",
		],
		[
			"求めを受け付ける方法",
			"このページで「個人情報の販売・共有」をオフにして保存するか、「すべてオプトアウト」を選んでください。ブラウザーのグローバル・プライバシー・コントロール（GPC）のシグナルも、同じ求めとして受け付けます。",
		],
		["変更の方法と提供の開始日", ""],
	],
	changes: "これらの事項を変更するときは、変更の前にこのページでお知らせします。",
	startDate: "提供の開始日",
};

const TEXT: Readonly<Record<Lang, ProvisionText>> = { en: EN, ja: JA };

/** Whether a visitor in this jurisdiction is subject to provision by opt-out. */
export function providesByOptOut(jurisdiction: string): boolean {
	if (jurisdiction !== "JP" && !jurisdiction.startsWith("JP-")) return false;
	const purpose = purposeDefinition(PROVISION_PURPOSE);
	return purpose !== undefined && jurisdictionDefault(purpose, jurisdiction);
}

export function provisionSection(lang: Lang, operator: OperatorDetails): string {
	const t = TEXT[lang];
	const value = (v: string | null) =>
		v ? escapeHtml(v) : `<span class="not-set">${escapeHtml(t.notSet)}</span>`;
	const who = `${escapeHtml(t.operator.name)}: ${value(operator.name)}<br>${escapeHtml(t.operator.address)}: ${value(operator.address)}<br>${escapeHtml(t.operator.representative)}: ${value(operator.representative)}`;
	const changes = `${escapeHtml(t.changes)}<br>${escapeHtml(t.startDate)}: ${value(operator.provisionSince)}`;
	const items = t.items.map(([term, description], i) => {
		const body = i === 0 ? who : i === t.items.length - 1 ? changes : escapeHtml(description);
		return `<dt>${escapeHtml(term)}</dt><dd>${body}</dd>`;
	});
	return `<section id="${PROVISION_SECTION_ID}" aria-labelledby="${PROVISION_SECTION_ID}-heading">
<h2 id="${PROVISION_SECTION_ID}-heading">${escapeHtml(t.heading)}</h2>
<p>${escapeHtml(t.intro)}</p>
<dl class="provision">
${items.join("\n")}
</dl>
</section>`;
}
