/**
 * The visitor's own erasure (GDPR Art. 17, APPI Art. 35), in two steps that need no JavaScript.
 * GET /preferences/erase says what goes and what remains, with a button that POSTs; the POST erases
 * the subject of each `ce_vid` sent (presentedVisitorIds) exactly as the keyed DELETE
 * /v1/subjects/{subject} does, expires `ce_vid` and `ce_consent` (the next visit is a new visitor's)
 * and answers 303 to the preference centre, which says it was done. The POST passes the preference
 * form's Origin check (a cross-site form must not erase anyone's data) and the visitor write limit (http/rate-limit.ts).
 */
import { presentedVisitorIds, visitorSubject } from "../consent/caller";
import { requestContext } from "../consent/request-context";
import { eraseStoredSubject } from "../consent/subject-erasure";
import { expiredVisitorCookies } from "../consent/visitor-cookies";
import { assertWriteOrigin } from "../http/origin-check";
import { readBody } from "../http/request-body";
import { escapeHtml, NO_STORE } from "../http/responses";
import { renderPage } from "./html-document";
import { pageLanguage } from "./page-language";
import { htmlPage } from "./page-response";
import { PAGE_TEXT } from "./page-text";
import { pageTheme } from "./page-theme";
import { ERASE_LOCATION, ERASED_LOCATION } from "./render-preferences";

export async function eraseConfirmPage(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const lang = pageLanguage(request, rc.url);
	const t = PAGE_TEXT[lang].yourData;
	// The hidden field keeps the post a non-empty form body.
	const main = `<h1>${escapeHtml(t.confirmTitle)}</h1>
<p>${escapeHtml(t.confirmErased)}</p>
<p>${escapeHtml(t.confirmRemains)}</p>
<form method="post" action="${ERASE_LOCATION}?lang=${lang}">
<input type="hidden" name="form" value="erase">
<div class="actions"><button type="submit" class="button">${escapeHtml(t.confirmButton)}</button></div>
</form>
<p class="return"><a href="/preferences?lang=${lang}">${escapeHtml(t.cancel)}</a></p>`;
	const page = renderPage({
		lang,
		title: t.confirmTitle,
		main,
		theme: pageTheme(env, rc.url.origin),
		url: rc.url,
		privacyPolicyUrl: rc.settings.privacyPolicyUrl,
	});
	return htmlPage(page);
}

export async function eraseOwnData(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	assertWriteOrigin(request, rc.settings);
	await readBody(request, ["form"]);
	// Only a well-formed `ce_vid` names a subject; without one there is nothing of this browser's stored.
	// Each id the browser sends goes: the cookies expired below are all of them, so an id left would
	// keep its choices and history where the person can no longer reach them.
	for (const vid of presentedVisitorIds(request))
		await eraseStoredSubject(env, ctx, await visitorSubject(vid));
	const lang = pageLanguage(request, rc.url);
	const headers = new Headers({ Location: `${ERASED_LOCATION}&lang=${lang}`, "Cache-Control": NO_STORE });
	for (const line of expiredVisitorCookies(rc)) headers.append("Set-Cookie", line);
	return new Response(null, { status: 303, headers });
}
