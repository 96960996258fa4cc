/**
 * GET /unsubscribe?t=TOKEN: the manual path. Shows a confirmation whose button posts, and changes
 * nothing: mail security scanners prefetch links, so a GET must never unsubscribe. A token that
 * does not verify gets an HTML page with 400 or 403.
 */
import { requireVerifyingKeys } from "../config/required-secrets";
import { requestContext } from "../consent/request-context";
import { renderPage } from "../pages/html-document";
import { pageLanguage } from "../pages/page-language";
import { htmlPage } from "../pages/page-response";
import { PAGE_TEXT } from "../pages/page-text";
import { pageTheme } from "../pages/page-theme";
import {
	unsubscribeConfirmMain,
	unsubscribeErrorMain,
	unsubscribeErrorTitle,
	unsubscribeResultMain,
	unsubscribeResultTitle,
} from "../pages/render-unsubscribe";
import { ALL_LISTS, SuppressionRepository } from "../storage/suppression-repository";
import { tokenError } from "./token-error";
import { verifyLinkToken } from "./unsubscribe-token";

export async function unsubscribePage(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const lang = pageLanguage(request, rc.url);
	const frame = {
		lang,
		title: PAGE_TEXT[lang].unsubscribe.title,
		theme: pageTheme(env, rc.url.origin),
		url: rc.url,
		privacyPolicyUrl: rc.settings.privacyPolicyUrl,
	};
	// Without SIGNING_KEY no link can be told genuine: a 503 page, not one saying the link is bad.
	const check = await verifyLinkToken(rc.url.searchParams, requireVerifyingKeys(env), rc.now);
	if (!check.ok) {
		const main = unsubscribeErrorMain(lang, check.problem);
		return htmlPage(renderPage({ ...frame, title: unsubscribeErrorTitle(lang), main }), {
			status: tokenError(check.problem).status,
		});
	}
	const { emailHash, legacyHashes = [], list } = check.claim;
	const shownList = list === ALL_LISTS ? null : list;
	// Reading is harmless; if it fails the visitor simply sees the button.
	const existing = await SuppressionRepository.open(env.DB)
		.listForAddress([emailHash, ...legacyHashes])
		.catch(() => []);
	const already = existing.some((s) => s.list === list || s.list === ALL_LISTS);
	const page = already
		? {
				title: unsubscribeResultTitle(lang, shownList, true),
				main: unsubscribeResultMain(lang, shownList, true),
			}
		: {
				title: frame.title,
				main: unsubscribeConfirmMain(lang, shownList, `${rc.url.pathname}${rc.url.search}`),
			};
	return htmlPage(renderPage({ ...frame, ...page }), { headers: new Headers({ "X-Robots-Tag": "noindex" }) });
}
