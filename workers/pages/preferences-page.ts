/**
 * GET /preferences: the preference centre for the visitor. Decides as GET /v1/consent does (so a
 * GPC opt-out is recorded and the cookies are (re)issued), then renders the page and the history.
 */
import { PURPOSES } from "../config/purposes";
import { decideForSubject } from "../consent/decide-request";
import { decisionHeaders } from "../consent/decision-response";
import { readDecisionCookie } from "../consent/read-decision-cookie";
import { requestContext } from "../consent/request-context";
import { hasSavedMarker, mayBeBackFromSave } from "../consent/saved-marker";
import { setVisitorCookies, signsDecisionCookies } from "../consent/visitor-cookies";
import { ConsentRepository } from "../storage/consent-repository";
import { renderPage } from "./html-document";
import { languageCookie, pageLanguage, requestedLanguage } from "./page-language";
import { htmlPage } from "./page-response";
import { PAGE_TEXT } from "./page-text";
import { pageTheme } from "./page-theme";
import { pageVisitor } from "./page-visitor";
import { preferencesMain, type SaveOutcome, saveMessage } from "./render-preferences";
import { returnLink } from "./return-link";
import { providesByOptOut, provisionSection } from "./third-party-provision";

const HISTORY_LIMIT = 50;

export async function preferencesPage(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const visitor = await pageVisitor(request);
	const lang = pageLanguage(request, rc.url);
	const cookie = visitor.issued ? null : await readDecisionCookie(rc);
	const [result, history] = await Promise.all([
		decideForSubject(rc, visitor.subject, {
			cookie,
			fresh: visitor.issued,
			fill: !signsDecisionCookies(rc),
			limitGpcRecord: true,
		}),
		visitor.issued
			? Promise.resolve([])
			: ConsentRepository.forSubject(env, visitor.subject, "read")
					.listRecords(visitor.subject, HISTORY_LIMIT)
					.catch((err) => {
						console.warn("consent history unavailable", err);
						return null;
					}),
	]);
	const { decision } = result;
	// Back from a save without the cookie it set (cookies blocked): this is a new visitor, not the saver.
	// Anyone can link to either address: only a browser back from its own save (saved-marker.ts) is told
	// "saved", and only one that may be back from a post on this site that its cookies were not kept
	// or (with nothing stored) that its data was deleted.
	const outcome: SaveOutcome | null =
		rc.url.searchParams.get("saved") === "1"
			? visitor.issued
				? mayBeBackFromSave(request, rc.url.origin)
					? "not-kept"
					: null
				: (await hasSavedMarker(rc, visitor.vid))
					? "saved"
					: null
			: rc.url.searchParams.get("erased") === "1" &&
					history?.length === 0 &&
					mayBeBackFromSave(request, rc.url.origin)
				? "erased"
				: null;
	const back = returnLink(request, rc.url, rc.settings, rc.secure);
	const main = preferencesMain({
		lang,
		gpc: rc.gpc,
		outcome,
		purposes: PURPOSES.map((definition) => ({
			definition,
			allowed: decision.purposes[definition.name] === true,
			reason: decision.reasons[definition.name] ?? "default",
			locked: rc.gpc && definition.gpc,
		})),
		returnTo: back.returnTo,
		provisionNotice: providesByOptOut(rc.jurisdiction) ? provisionSection(lang, rc.settings.operator) : "",
		history,
		historyLimit: HISTORY_LIMIT,
	});
	const page = renderPage({
		lang,
		title: outcome
			? `${saveMessage(lang, outcome)} – ${PAGE_TEXT[lang].preferences.title}`
			: PAGE_TEXT[lang].preferences.title,
		main,
		theme: pageTheme(env, rc.url.origin),
		url: rc.url,
		privacyPolicyUrl: rc.settings.privacyPolicyUrl,
	});
	const headers = decisionHeaders(rc);
	await setVisitorCookies(headers, rc, visitor, result);
	const explicit = requestedLanguage(rc.url);
	if (explicit) headers.append("Set-Cookie", languageCookie(explicit, rc.secure));
	if (back.cookie) headers.append("Set-Cookie", back.cookie);
	return htmlPage(page, { headers });
}
