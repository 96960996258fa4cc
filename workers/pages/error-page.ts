/**
 * The HTML error page people see when a page or a form post fails (a cross-site post, a storage
 * outage, a body too large): in the page's language, with a way back to the preference centre.
 * English pages say the error's own message; Japanese ones say what its code means (the messages
 * are written for developers, in English, all over the code).
 */
import type { HttpError } from "../http/http-error";
import { type ErrorPageText, htmlErrorResponse } from "../http/responses";
import { type Lang, pageLanguage } from "./page-language";

const JA_MESSAGES: Readonly<Record<string, string>> = {
	forbidden_origin:
		"当サイト以外のページからの送信は受け付けていません。設定ページから、もう一度お試しください。",
	storage_unavailable: "ただいま設定を保存できません。しばらくしてから、もう一度お試しください。",
	rate_limited: "送信が多すぎます。しばらくしてから、もう一度お試しください。",
	payload_too_large: "送信された内容が大きすぎます。",
	unsupported_media_type: "この形式の送信は受け付けていません。",
	invalid_body: "送信された内容を読み取れませんでした。",
	invalid_json: "送信された内容を読み取れませんでした。",
	invalid_query: "アドレス（URL）の内容を読み取れませんでした。",
	unknown_purpose: "この利用目的はありません。",
	idempotency_conflict: "この送信はすでに処理されています。",
	invalid_idempotency_key: "送信の識別子（Idempotency-Key）が正しくありません。",
	invalid_subject: "対象の指定が正しくありません。",
	not_found: "ページが見つかりません。",
	method_not_allowed: "この操作はここでは行えません。",
	unauthorized: "この操作には認証が必要です。",
	internal_error: "問題が発生しました。しばらくしてから、もう一度お試しください。",
};

const BACK_LABEL: Readonly<Record<Lang, string>> = {
	en: "Back to privacy preferences",
	ja: "プライバシー設定に戻る",
};

/** Everything but the unsubscribe pages (reached from an email, not from the site) leads back. */
function leadsBack(path: string): boolean {
	return !(path === "/unsubscribe" || path.startsWith("/unsubscribe/"));
}

export function peopleErrorResponse(err: HttpError, request: Request, url: URL): Response {
	const lang = pageLanguage(request, url);
	const text: ErrorPageText = {
		lang,
		message: (lang === "ja" && JA_MESSAGES[err.code]) || err.message,
		back: leadsBack(url.pathname)
			? { href: `/preferences?lang=${lang}`, label: BACK_LABEL[lang] }
			: undefined,
	};
	return htmlErrorResponse(err, text);
}
