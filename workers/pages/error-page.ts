/**
 * The HTML error page people see when a page or a form post fails (a cross-site post, a storage
 * outage, a body too large): in the page's language, with a way back to the preference centre.
 * Both languages say what the error's code means to a person: the errors' own messages are written
 * for developers ("Writes with a visitor cookie are only accepted from allowed origins.") and stay
 * in the JSON answers of the API.
 */
import type { HttpError } from "../http/http-error";
import { authorizationHeader } from "../http/request-inputs";
import { type ErrorPageText, htmlErrorResponse } from "../http/responses";
import { type Lang, pageLanguage } from "./page-language";

const EN_MESSAGES: Readonly<Record<string, string>> = {
	forbidden_origin:
		"Choices can only be sent from this site's own pages. Please try again from the privacy preferences page.",
	storage_unavailable: "Your choices cannot be saved right now. Please try again in a few minutes.",
	rate_limited: "Too many requests in a short time. Please wait a moment, then try again.",
	payload_too_large: "What was sent is too large.",
	unsupported_media_type: "This kind of submission is not accepted.",
	invalid_body: "What was sent could not be read.",
	invalid_json: "What was sent could not be read.",
	invalid_query: "The web address (URL) could not be read.",
	unknown_purpose: "There is no such purpose.",
	idempotency_conflict: "This request has already been handled.",
	invalid_idempotency_key: "The request's identifier (Idempotency-Key) is not valid.",
	invalid_subject: "The subject is not valid.",
	not_found: "Page not found.",
	method_not_allowed: "This page cannot be used that way.",
	unauthorized: "This action needs authorization.",
	internal_error: "Something went wrong. Please try again later.",
	not_configured: "This page is not available right now. Please try again later.",
};

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
	not_configured: "ただいまこのページはご利用いただけません。しばらくしてから、もう一度お試しください。",
};

const MESSAGES: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
	en: EN_MESSAGES,
	ja: JA_MESSAGES,
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
	const message = MESSAGES[lang][err.code] ?? err.message;
	const text: ErrorPageText = {
		lang,
		message,
		// A keyed call is a developer's server: it also gets the message naming what to fix.
		detail: authorizationHeader(request) !== null && message !== err.message ? err.message : undefined,
		back: leadsBack(url.pathname)
			? { href: `/preferences?lang=${lang}`, label: BACK_LABEL[lang] }
			: undefined,
	};
	return htmlErrorResponse(err, text);
}
