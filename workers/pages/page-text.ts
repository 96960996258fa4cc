/**
 * Every string people read on the preference centre and the unsubscribe pages, in English and
 * Japanese. Purpose labels and descriptions live with the purposes (config/purposes.ts).
 */
import type { Reason } from "../consent/decide-consent";
import type { TokenProblem } from "../email/unsubscribe-token";
import type { Lang } from "./page-language";

export interface PageText {
	readonly languageName: string;
	readonly languageNav: string;
	readonly privacyPolicy: string;
	/** A `YYYY-MM-DD` date (or the start of an ISO-8601 timestamp) as the reader writes dates. */
	readonly date: (iso: string) => string;
	readonly preferences: {
		readonly title: string;
		readonly intro: string;
		readonly saved: string;
		/** After a save that came back without the visitor's cookie: nothing shows what was chosen. */
		readonly notKept: string;
		/** The link back to the site page the visitor came from (return-link.ts). */
		readonly backTo: (host: string) => string;
		/** Cal. 11 CCR 7025(c)(6) and Colo. Rule 5.08.E: the passive status line. */
		readonly gpcStatus: string;
		readonly gpcExplanation: string;
		readonly gpcLocked: string;
		readonly legend: string;
		readonly save: string;
		readonly optOutAll: string;
		readonly actionsHint: string;
		readonly on: string;
		readonly off: string;
		readonly currently: (state: string, reason: string) => string;
		readonly reasons: Readonly<Record<Reason, string>>;
		readonly historyHeading: string;
		readonly historyIntro: string;
		readonly historyEmpty: string;
		readonly historyUnavailable: string;
		readonly historyTruncated: (shown: number) => string;
		readonly columns: { readonly date: string; readonly change: string; readonly how: string };
		/** A record's UTC ISO-8601 timestamp, to the minute, as the reader writes dates. */
		readonly when: (timestamp: string) => string;
		readonly allowed: string;
		readonly denied: string;
		readonly noPurposeChange: string;
		readonly changed: (purpose: string, state: string) => string;
		readonly listSeparator: string;
		readonly sources: Readonly<Record<string, string>>;
	};
	/** The visitor's own data (GDPR Art. 15/17, APPI): download it, or erase it after a confirmation. */
	readonly yourData: {
		readonly heading: string;
		readonly intro: string;
		readonly download: string;
		readonly erase: string;
		readonly confirmTitle: string;
		readonly confirmErased: string;
		readonly confirmRemains: string;
		readonly confirmButton: string;
		readonly cancel: string;
		readonly erased: string;
	};
	readonly unsubscribe: {
		readonly title: string;
		readonly confirm: (list: string | null) => string;
		readonly button: string;
		readonly done: (list: string | null) => string;
		readonly already: (list: string | null) => string;
		readonly errorTitle: string;
		readonly errors: Readonly<Record<TokenProblem | "other", string>>;
	};
}

const EN: PageText = {
	languageName: "English",
	languageNav: "Language",
	privacyPolicy: "Privacy policy",
	date: (iso) => iso.slice(0, 10),
	preferences: {
		title: "Privacy preferences",
		intro:
			"Choose what this site may do with information about your visits. You can change these choices at any time. They apply to this browser only: after you clear this site's cookies, or in another browser or on another device, choose again.",
		saved: "Your choices have been saved.",
		backTo: (host) => `Back to ${host}`,
		notKept:
			"Your choices could not be kept: this browser did not send back this site's cookies. Allow cookies for this site, then choose again.",
		gpcStatus: "Opt-Out Preference Signal Honored",
		gpcExplanation:
			"Your browser sent a Global Privacy Control signal. We treat it as your request to opt out of targeted advertising and the sale or sharing of your personal information.",
		gpcLocked:
			"Off: your browser sends the Global Privacy Control signal, and this cannot be turned on while it does.",
		legend: "What this site may do",
		save: "Save choices",
		optOutAll: "Opt out of everything",
		actionsHint: "Opting out of everything turns off every purpose except the essential one.",
		on: "On",
		off: "Off",
		currently: (state, reason) => `Currently: ${state} (${reason})`,
		reasons: {
			essential: "always needed",
			explicit: "your choice",
			gpc: "Global Privacy Control",
			default: "default for your region",
			degraded: "until your saved choice can be loaded",
		},
		historyHeading: "Your consent history",
		historyIntro: "Every change to your choices, newest first.",
		historyEmpty: "No choices recorded yet.",
		historyUnavailable: "Your history cannot be shown right now. Please try again later.",
		historyTruncated: (shown) => `Showing the ${shown} most recent changes.`,
		columns: { date: "Date (UTC)", change: "What changed", how: "How" },
		when: (timestamp) => `${EN.date(timestamp)} ${timestamp.slice(11, 16)}`,
		allowed: "allowed",
		denied: "denied",
		noPurposeChange: "No purpose changed",
		changed: (purpose, state) => `${purpose}: ${state}`,
		listSeparator: ", ",
		sources: {
			// Every visitor write is `ui`: the banner, the site's own controls through the SDK, this page.
			ui: "Your choice in this browser",
			api: "The site or app",
			gpc: "Global Privacy Control signal",
			// A one-click unsubscribe, the page's button, or one the site recorded (mailto:, a complaint).
			email: "Email unsubscribe",
			import: "Imported unsubscribe list",
		},
	},
	yourData: {
		heading: "Your data",
		intro: "Download a copy of everything this site holds about your choices in this browser, or delete it.",
		download: "Download my data",
		erase: "Delete my data",
		confirmTitle: "Delete your data?",
		confirmErased:
			"This deletes your saved choices and their whole history, and forgets this browser's visitor id. This site then treats you as a new visitor: the defaults for your region apply until you choose again.",
		confirmRemains:
			"What remains: a note that data was deleted (when, how many changes there were, and which purposes were off), stored without anything that identifies this browser, and any email unsubscribes, which keep your address from being mailed again. A Global Privacy Control signal your browser sends still applies.",
		confirmButton: "Delete my data",
		cancel: "Cancel and go back",
		erased: "Your data has been deleted. This browser now has a new visitor id.",
	},
	unsubscribe: {
		title: "Unsubscribe",
		confirm: (list) =>
			list
				? `Stop sending email from the list “${list}” to this address?`
				: "Stop sending email from all our mailing lists to this address?",
		button: "Unsubscribe",
		done: (list) =>
			list
				? `You are unsubscribed from “${list}”. No more email from this list will be sent to this address.`
				: "You are unsubscribed from all our mailing lists. No more email from them will be sent to this address.",
		already: (list) =>
			list
				? `This address is already unsubscribed from “${list}”.`
				: "This address is already unsubscribed from all our mailing lists.",
		errorTitle: "This unsubscribe link does not work",
		errors: {
			missing: "The link has no unsubscribe token. Use the link from the email exactly as it is.",
			malformed: "The link is incomplete or damaged. Try copying the whole link from the email.",
			forged: "The link is not valid.",
			expired: "The link has expired. Use the link in a more recent email.",
			other: "Something went wrong. Please try again later.",
		},
	},
};

const JA: PageText = {
	languageName: "日本語",
	languageNav: "言語",
	privacyPolicy: "プライバシーポリシー",
	date: (iso) => `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`,
	preferences: {
		title: "プライバシー設定",
		intro:
			"当サイトが閲覧に関する情報をどのように利用するかを選べます。設定はいつでも変更できます。設定はこのブラウザーにのみ適用されます。当サイトのCookieを削除した場合や、別のブラウザー・端末をお使いの場合は、改めて設定してください。",
		saved: "設定を保存しました。",
		backTo: (host) => `${host} に戻る`,
		notKept:
			"設定を保持できませんでした。このブラウザーから当サイトのCookieが送信されていません。当サイトのCookieを許可してから、もう一度設定してください。",
		gpcStatus: "オプトアウト選好シグナルを適用しています",
		gpcExplanation:
			"お使いのブラウザーからグローバル・プライバシー・コントロール（GPC）のシグナルが送信されました。ターゲティング広告と個人情報の第三者提供（販売・共有）を停止するご依頼として取り扱っています。",
		gpcLocked:
			"ブラウザーがGPCシグナルを送信しているため、オフになっています。送信している間はオンにできません。",
		legend: "当サイトによる情報の利用",
		save: "設定を保存",
		optOutAll: "すべてオプトアウト",
		actionsHint: "「すべてオプトアウト」を選ぶと、必須以外のすべての利用目的がオフになります。",
		on: "オン",
		off: "オフ",
		currently: (state, reason) => `現在：${state}（${reason}）`,
		reasons: {
			essential: "常に必要",
			explicit: "ご自身の選択",
			gpc: "グローバル・プライバシー・コントロール",
			default: "アクセス元の地域の初期設定",
			degraded: "保存された設定を読み込めるまで",
		},
		historyHeading: "同意の履歴",
		historyIntro: "設定の変更履歴です（新しい順）。",
		historyEmpty: "記録された設定はまだありません。",
		historyUnavailable: "現在、履歴を表示できません。しばらくしてからもう一度お試しください。",
		historyTruncated: (shown) => `最新の${shown}件を表示しています。`,
		columns: { date: "日時（UTC）", change: "変更内容", how: "方法" },
		when: (timestamp) => `${JA.date(timestamp)} ${timestamp.slice(11, 16)}`,
		allowed: "許可",
		denied: "拒否",
		noPurposeChange: "利用目的の変更なし",
		changed: (purpose, state) => `${purpose}：${state}`,
		listSeparator: "、",
		sources: {
			ui: "このブラウザーでの選択",
			api: "サイトまたはアプリ",
			gpc: "GPCシグナル",
			email: "メールの配信停止",
			import: "配信停止リストの取り込み",
		},
	},
	yourData: {
		heading: "ご本人のデータ",
		intro: "このブラウザーでの設定について当サイトが保存しているデータを、ダウンロードまたは削除できます。",
		download: "データをダウンロード",
		erase: "データを削除",
		confirmTitle: "データを削除しますか？",
		confirmErased:
			"保存された設定とその変更履歴をすべて削除し、このブラウザーの訪問者IDを破棄します。削除後は新しい訪問者として扱われ、改めて設定するまで、アクセス元の地域の初期設定が適用されます。",
		confirmRemains:
			"削除後も残るもの：削除を行った記録（日時、変更の件数、オフにしていた利用目的）。このブラウザーを識別する情報は含みません。また、メールの配信停止は、そのアドレスに再びメールが送られないよう保持されます。ブラウザーが送信するGPCシグナルは引き続き適用されます。",
		confirmButton: "データを削除する",
		cancel: "削除せずに戻る",
		erased: "データを削除しました。このブラウザーには新しい訪問者IDが設定されます。",
	},
	unsubscribe: {
		title: "メール配信停止",
		confirm: (list) =>
			list
				? `このアドレスへの「${list}」のメール配信を停止しますか？`
				: "このアドレスへの、すべての配信リストのメール配信を停止しますか？",
		button: "配信を停止する",
		done: (list) =>
			list
				? `「${list}」の配信を停止しました。このアドレスには今後、このリストのメールをお送りしません。`
				: "すべての配信リストの配信を停止しました。このアドレスには今後、これらのリストのメールをお送りしません。",
		already: (list) =>
			list
				? `このアドレスは「${list}」の配信をすでに停止しています。`
				: "このアドレスは、すべての配信リストの配信をすでに停止しています。",
		errorTitle: "この配信停止リンクは使用できません",
		errors: {
			missing: "配信停止用のトークンがありません。メールに記載のリンクをそのままお使いください。",
			malformed: "リンクが不完全か破損しています。メールのリンク全体をコピーしてお試しください。",
			forged: "このリンクは無効です。",
			expired: "このリンクは有効期限が切れています。最近のメールのリンクをお使いください。",
			other: "エラーが発生しました。しばらくしてからもう一度お試しください。",
		},
	},
};

export const PAGE_TEXT: Readonly<Record<Lang, PageText>> = { en: EN, ja: JA };
