/**
 * What the SDK's first-layer banner says, in English and Japanese (the languages of the preference
 * centre). The worker hands this table to the SDK with its configuration, so the wording is data a
 * site can review and extend without touching the script.
 */
export interface BannerText {
	/** The dialog's accessible name (its heading). */
	readonly title: string;
	readonly body: string;
	readonly acceptAll: string;
	readonly rejectAll: string;
	readonly settings: string;
	/** Shown (and announced) when saving the choice failed. */
	readonly saveFailed: string;
}

export const BANNER_TEXT: Readonly<Record<"en" | "ja", BannerText>> = {
	en: {
		title: "Your privacy choices",
		body: "With your consent, we and our partners use cookies and similar technologies for analytics, personalised content and advertising. You can change your choice at any time.",
		acceptAll: "Accept all",
		rejectAll: "Reject all",
		settings: "Settings",
		saveFailed: "Your choice could not be saved. Please try again.",
	},
	ja: {
		title: "プライバシーの設定",
		body: "当サイトと提携先は、同意いただいた場合に限り、アクセス解析、コンテンツのパーソナライズ、広告のためにCookieなどの技術を使用します。選択はいつでも変更できます。",
		acceptAll: "すべて同意する",
		rejectAll: "すべて拒否する",
		settings: "詳細設定",
		saveFailed: "選択を保存できませんでした。もう一度お試しください。",
	},
};
