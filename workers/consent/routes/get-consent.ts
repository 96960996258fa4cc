/** GET /v1/consent: the decision document for the visitor (cookie) or a keyed `?subject=`. */

import { pageGpcQueryAlone } from "../../gpc/page-gpc";
import { unauthorized } from "../../http/http-error";
import { authorizationHeader, requestUrl } from "../../http/request-inputs";
import { hasQuery } from "../../http/request-path";
import {
	identifyCaller,
	keyedSubject,
	knownVisitorSubject,
	presentedVisitorId,
	querySubject,
	requireScope,
} from "../caller";
import { decideForSubject } from "../decide-request";
import { decisionResponse } from "../decision-response";
import { decisionCookieVerifiedBefore, readDecisionCookie } from "../read-decision-cookie";
import { locateKeyedCall, type RequestContext, requestContext, takePageGpc } from "../request-context";
import { rememberSteadyAnswer, replaySteadyAnswer } from "../steady-answers";
import { signsDecisionCookies } from "../visitor-cookies";

export function getConsent(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
	const rc = requestContext(request, env, ctx);
	return replayedAnswer(rc) ?? answer(rc);
}

/**
 * A repeat visitor's steady answer (steady-answers.ts), found without an await: their id was hashed
 * and their cookie verified before in this isolate. Null sends the request the whole way, which finds
 * the same answer when there is one. The SDK's lookup for a page that reports GPC (`?gpc=1` alone)
 * takes this way too, the page's signal taken first as the whole way takes it (403 from an origin not
 * allowed to write).
 */
function replayedAnswer(rc: RequestContext): Response | null {
	const { request } = rc;
	if (authorizationHeader(request) !== null) return null;
	const url = requestUrl(request);
	const pageGpc = hasQuery(url);
	if (pageGpc && !pageGpcQueryAlone(url)) return null;
	const vid = presentedVisitorId(request);
	const subject = vid && knownVisitorSubject(vid);
	if (!subject) return null;
	const cookie = decisionCookieVerifiedBefore(rc);
	if (!cookie) return null;
	if (pageGpc) takePageGpc(rc);
	return replaySteadyAnswer(rc, subject, cookie);
}

async function answer(rc: RequestContext): Promise<Response> {
	const { request, env } = rc;
	const caller = await identifyCaller(request, env);
	if (caller.kind === "keyed") {
		requireScope(caller, ["admin", "reader"]);
		const subject = keyedSubject(querySubject(rc.url), "query");
		locateKeyedCall(rc);
		const result = await decideForSubject(rc, subject, { bookmark: request.headers.get("X-D1-Bookmark") });
		return decisionResponse(rc, caller, subject, result);
	}
	if (hasQuery(requestUrl(request)) && rc.url.searchParams.has("subject"))
		throw unauthorized("?subject= needs an API key.");
	takePageGpc(rc);
	const cookie = caller.issued ? null : await readDecisionCookie(rc);
	const steady = cookie && replaySteadyAnswer(rc, caller.subject, cookie);
	if (steady) return steady;
	const result = await decideForSubject(rc, caller.subject, {
		cookie,
		fresh: caller.issued,
		limitGpcRecord: true,
		// The answer's fresh ce_consent answers this visitor's next requests: no KV fill.
		fill: !signsDecisionCookies(rc),
	});
	const response = await decisionResponse(rc, caller, caller.subject, result);
	return cookie ? rememberSteadyAnswer(rc, caller, result, response) : response;
}
