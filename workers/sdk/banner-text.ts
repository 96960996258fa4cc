/**
 * What the SDK's first-layer banner says, in English and Japanese (the languages of the preference
 * centre). The worker hands this table to the SDK with its configuration, so the wording is data a
 * site can review and extend without touching the script. The body names what Accept all allows, the
 * banner's purposes; marketing email is asked for on its own (`askedSeparately` in purposes.ts).
 */
export interface BannerText {
	/** The dialog's accessible name (its heading). */
	readonly title: string;
	readonly body: string;
	readonly acceptAll: string;
	readonly rejectAll: string;
	readonly settings: string;
	/**
	 * Shown under GPC: Accept all cannot turn on what the signal governs (ads, sale), so the banner
	 * says it is honoured rather than let "Accept all allows all of these" stand alone.
	 */
	readonly gpc: string;
	/** Shown (and announced) when saving the choice failed. */
	readonly saveFailed: string;
	/** Shown when saving a refusal failed: it holds on the page while the SDK tries again. */
	readonly savePending: string;
}

export const BANNER_TEXT: Readonly<Record<"en" | "ja", BannerText>> = {
	en: {
		title: "Your privacy choices",
		body: "With your consent, we and our partners use cookies and similar technologies for analytics, personalization and targeted advertising, and we may sell or share information about you with third parties. “Accept all” allows all of these. You can change your choices at any time in Settings.",
		acceptAll: "Accept all",
		rejectAll: "Reject all",
		settings: "Settings",
		gpc: "Opt-Out Preference Signal Honored: your browser's Global Privacy Control keeps targeted advertising and sale or sharing off, whatever you choose here.",
		saveFailed: "Your choice could not be saved. Please try again.",
		savePending: "Tracking is off on this page, but your choice is not saved yet. We will keep trying.",
	},
	ja: {
		title: "プライバシーの設定",
		body: "当サイトと提携先は、同意いただいた場合に限り、アクセス解析、パーソナライズ、ターゲティング広告のためにCookieなどの技術を使用し、利用者に関する情報を第三者に提供（販売・共有）することがあります。「すべて同意する」を選ぶと、これらすべてに同意したことになります。選択は「詳細設定」からいつでも変更できます。",
		acceptAll: "すべて同意する",
		rejectAll: "すべて拒否する",
		settings: "詳細設定",
		gpc: "オプトアウト選好シグナルを適用しています。ブラウザーのGPCにより、ここでの選択にかかわらず、ターゲティング広告と第三者提供はオフのままです。",
		saveFailed: "選択を保存できませんでした。もう一度お試しください。",
		savePending: "このページでの追跡は止めましたが、選択はまだ保存できていません。保存を再試行します。",
	},
};
