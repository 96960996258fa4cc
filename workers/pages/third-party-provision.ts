/**
 * Japan's opt-out route for providing personal data to third parties (APPI Art. 27(2)): where `sale`
 * (sale or sharing with third parties) is allowed by default for a Japanese visitor, the person must
 * be able to know, beforehand, the eight items the Act lists, and stop the provision on request.
 * The preference centre shows them to visitors in Japan, in the page's language, beside the control
 * that stops it. The operator's own details come from vars (OPERATOR_NAME, OPERATOR_ADDRESS,
 * OPERATOR_REPRESENTATIVE, THIRD_PARTY_PROVISION_SINCE); an item left unset says so, so a site owner
 * sees what is missing. Item (viii) is what the Commission's rules add (Enforcement Rules Art. 11(4),
 * recalled, check e-Gov): how the personal data provided is updated, and the day provision starts; a
 * change of the items is announced beforehand (Art. 27(3)), said after the list. (The Act also wants
 * the items filed with the Personal Information Protection Commission: that is the operator's to do;
 * README.)
 */

import { purposeDefinition } from "../config/purposes";
import type { OperatorDetails } from "../config/settings";
import { jurisdictionDefault } from "../consent/decide-consent";
import { escapeHtml } from "../http/responses";
import type { Lang } from "./page-language";
import { PAGE_TEXT } from "./page-text";

/** The purpose whose default-on state is provision to third parties by opt-out. */
const PROVISION_PURPOSE = "sale";

export const PROVISION_SECTION_ID = "third-party-provision";

interface ProvisionText {
	readonly heading: string;
	readonly intro: string;
	readonly notSet: string;
	/** Between an item's name and its value: a full-width colon in Japanese. */
	readonly separator: string;
	readonly items: readonly [string, string][];
	readonly operator: { readonly name: string; readonly address: string; readonly representative: string };
	/** How to ask, naming this page's own controls (their labels are read from where they are defined). */
	readonly howToAsk: (purposeLabel: string, optOutLabel: string) => string;
	/** The Commission's rules' item (i): how the personal data provided is updated. */
	readonly updates: string;
	/** The Commission's rules' item (ii): the day provision starts (or started). */
	readonly startDate: string;
	/** Art. 27(3): a change of these items is made known beforehand. */
	readonly changes: string;
}

const EN: ProvisionText = {
	heading: "Provision of personal data to third parties (Japan, APPI Article 27(2))",
	intro:
		"This site may provide personal data to third parties on the condition that it stops doing so when you ask (provision by opt-out). As the Act on the Protection of Personal Information requires, these are the details:",
	notSet: "Not provided by the site operator",
	separator: ": ",
	operator: { name: "Name", address: "Address", representative: "Representative" },
	items: [
		["The operator", ""],
		[
			"Purpose",
			"Providing personal data to third parties (such as advertising partners) is one of the purposes of use.",
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
			"When you ask, this site stops providing personal data that identifies you to third parties.",
		],
		["How to ask", ""],
		["How the data is updated, and start date", ""],
	],
	howToAsk: (purpose, optOut) =>
		`On this page: turn off “${purpose}” and save, or choose “${optOut}”. A Global Privacy Control signal from your browser is taken as the same request. A request applies to this browser: make it in each browser and on each device you use.`,
	updates: "Collected afresh on each visit and provided as it is collected.",
	startDate: "Start date of provision",
	changes: "These items are updated on this page before any change to them takes effect.",
};

const JA: ProvisionText = {
	heading: "個人データの第三者提供について（個人情報保護法第27条第2項）",
	intro:
		"当サイトは、ご本人の求めに応じて提供を停止することを条件に、個人データを第三者に提供することがあります（オプトアウトによる第三者提供）。個人情報保護法に基づき、次の事項をお知らせします。",
	notSet: "サイト運営者による記載なし",
	separator: "：",
	operator: { name: "名称", address: "住所", representative: "代表者" },
	items: [
		["事業者", ""],
		["利用目的", "第三者（広告配信事業者などの提携先）への個人データの提供を、利用目的に含みます。"],
		[
			"提供する個人データの項目",
			"Cookie・端末の識別子、閲覧したページとその日時、参照元のページ、広告の表示・クリックの記録、IPアドレスから推定したおおよその地域（国・都道府県）、ブラウザーと端末の種類。",
		],
		["取得の方法", "当サイトに設置したCookie・タグ（スクリプト）・ピクセルにより、自動的に取得します。"],
		[
			"提供の方法",
			"上記のタグ等により、または当サイトのサーバーから、インターネットを通じて電子的に送信します。",
		],
		[
			"本人の求めによる提供の停止",
			"ご本人の求めに応じて、ご本人が識別される個人データの第三者への提供を停止します。",
		],
		["求めを受け付ける方法", ""],
		["個人データの更新の方法と提供の開始日", ""],
	],
	howToAsk: (purpose, optOut) =>
		`このページで「${purpose}」をオフにして保存するか、「${optOut}」を選んでください。ブラウザーから送信されるグローバル・プライバシー・コントロール（GPC）のシグナルも、同じ求めとして受け付けます。求めはこのブラウザーに適用されます。ほかのブラウザーや端末では、それぞれで手続きしてください。`,
	updates: "閲覧のたびに新たに取得し、その都度提供します。",
	startDate: "提供の開始日",
	changes: "これらの事項を変更する場合は、あらかじめこのページでお知らせします。",
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
	const line = (label: string, v: string | null) =>
		`${escapeHtml(label)}${escapeHtml(t.separator)}${value(v)}`;
	const who = [
		line(t.operator.name, operator.name),
		line(t.operator.address, operator.address),
		line(t.operator.representative, operator.representative),
	].join("<br>");
	const purposeLabel = purposeDefinition(PROVISION_PURPOSE)?.label[lang] ?? PROVISION_PURPOSE;
	const howToAsk = escapeHtml(t.howToAsk(purposeLabel, PAGE_TEXT[lang].preferences.optOutAll));
	const since = operator.provisionSince && PAGE_TEXT[lang].date(operator.provisionSince);
	const updates = `${escapeHtml(t.updates)}<br>${line(t.startDate, since)}`;
	const last = t.items.length - 1;
	const items = t.items.map(([term, description], i) => {
		const body = i === 0 ? who : i === last - 1 ? howToAsk : i === last ? updates : escapeHtml(description);
		return `<dt>${escapeHtml(term)}</dt><dd>${body}</dd>`;
	});
	return `<section id="${PROVISION_SECTION_ID}" aria-labelledby="${PROVISION_SECTION_ID}-heading">
<h2 id="${PROVISION_SECTION_ID}-heading">${escapeHtml(t.heading)}</h2>
<p>${escapeHtml(t.intro)}</p>
<dl class="provision">
${items.join("\n")}
</dl>
<p>${escapeHtml(t.changes)}</p>
</section>`;
}
