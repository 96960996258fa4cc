/**
 * The unsubscribe pages' `<main>` and titles: the confirmation (a button whose form posts the RFC 8058
 * body to the same URL), the result, and a link that does not work. `list` is null for every list.
 */
import type { TokenProblem } from "../email/unsubscribe-token";
import { escapeHtml } from "../http/responses";
import type { Lang } from "./page-language";
import { PAGE_TEXT } from "./page-text";

/** Marks posts from this page, so the suppression records `link` rather than `one-click`. */
export const PAGE_POST_FIELD = "via";
export const PAGE_POST_VALUE = "page";

export function unsubscribeConfirmMain(lang: Lang, list: string | null, action: string): string {
	const t = PAGE_TEXT[lang].unsubscribe;
	return `<h1>${escapeHtml(t.title)}</h1>
<form method="post" action="${escapeHtml(action)}">
<p>${escapeHtml(t.confirm(list))}</p>
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<input type="hidden" name="${PAGE_POST_FIELD}" value="${PAGE_POST_VALUE}">
<div class="actions"><button type="submit" class="button">${escapeHtml(t.button)}</button></div>
</form>`;
}

function resultMessage(lang: Lang, list: string | null, already: boolean): string {
	const t = PAGE_TEXT[lang].unsubscribe;
	return already ? t.already(list) : t.done(list);
}

/** The result is in the title too: a status already in a page that loads is not announced. */
export function unsubscribeResultTitle(lang: Lang, list: string | null, already: boolean): string {
	return `${resultMessage(lang, list, already)} – ${PAGE_TEXT[lang].unsubscribe.title}`;
}

export function unsubscribeResultMain(lang: Lang, list: string | null, already: boolean): string {
	return `<h1>${escapeHtml(PAGE_TEXT[lang].unsubscribe.title)}</h1>
<p class="notice" role="status">${escapeHtml(resultMessage(lang, list, already))}</p>`;
}

/** Says the link does not work, as the page's heading does. */
export function unsubscribeErrorTitle(lang: Lang): string {
	return PAGE_TEXT[lang].unsubscribe.errorTitle;
}

export function unsubscribeErrorMain(lang: Lang, problem: TokenProblem | "other"): string {
	const t = PAGE_TEXT[lang].unsubscribe;
	return `<h1>${escapeHtml(t.errorTitle)}</h1>
<p>${escapeHtml(t.errors[problem])}</p>`;
}
