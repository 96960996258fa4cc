/**
 * The language of a people-facing page: `?lang=en|ja` (the switch link), then the `ce_lang` cookie
 * that link leaves behind (so the 303 after a save keeps the choice), then `Accept-Language`
 * (highest q wins, ties by order), else English.
 */
import { requestCookie, serializeCookie } from "../http/cookies";
import { requestUrl } from "../http/request-inputs";

export type Lang = "en" | "ja";

export const LANGUAGES: readonly Lang[] = ["en", "ja"];
const LANG_COOKIE = "ce_lang";
const YEAR_S = 31_536_000;

function asLang(value: string | null | undefined): Lang | null {
	const primary = value?.trim().toLowerCase().split("-")[0];
	return primary === "en" || primary === "ja" ? primary : null;
}

/** The best supported language in an Accept-Language header, or null. */
export function acceptedLanguage(header: string | null): Lang | null {
	let best: Lang | null = null;
	let bestQ = 0;
	for (const entry of (header ?? "").split(",")) {
		const [tag, ...params] = entry.split(";");
		const lang = asLang(tag);
		if (!lang) continue;
		let q = 1;
		for (const param of params) {
			const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
			if (m?.[1]) q = Number(m[1]);
		}
		if (q > bestQ) {
			best = lang;
			bestQ = q;
		}
	}
	return best;
}

/** The `?lang=` choice, if the URL makes one. */
export function requestedLanguage(url: URL): Lang | null {
	return asLang(url.searchParams.get("lang"));
}

export function pageLanguage(request: Request, url = new URL(requestUrl(request))): Lang {
	return (
		requestedLanguage(url) ??
		asLang(requestCookie(request, LANG_COOKIE)) ??
		acceptedLanguage(request.headers.get("Accept-Language")) ??
		"en"
	);
}

/** Remembers an explicit switch; strictly necessary for the feature the visitor asked for. */
export function languageCookie(lang: Lang, secure: boolean): string {
	return serializeCookie(LANG_COOKIE, lang, { maxAge: YEAR_S, httpOnly: true, secure, sameSite: "Lax" });
}

/** The current page in another language: same path and parameters, `lang` replaced, `saved` dropped. */
export function languageHref(url: URL, lang: Lang): string {
	const params = new URLSearchParams(url.search);
	params.delete("saved");
	params.set("lang", lang);
	return `${url.pathname}?${params.toString()}`;
}
