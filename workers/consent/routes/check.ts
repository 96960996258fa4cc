/**
 * GET /v1/check?purpose=P: the cheapest answer for an ad tag deciding whether to fire. Essential and
 * GPC-governed purposes under GPC are answered without any storage read, as is a visitor with a
 * fresh `ce_consent`. Never writes (a GPC opt-out is persisted in the background) and never sets cookies.
 */
import { PURPOSE_NAMES, purposeDefinition } from "../../config/purposes";
import { badQuery, HttpError, unauthorized } from "../../http/http-error";
import { jsonResponse } from "../../http/responses";
import { identifyCaller, keyedSubject, presentedVisitorId, requireScope, visitorSubject } from "../caller";
import { decide, decideForSubject } from "../decide-request";
import { decisionHeaders } from "../decision-response";
import { readDecisionCookie } from "../read-decision-cookie";
import { requestContext } from "../request-context";

export async function checkPurpose(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const params = rc.url.searchParams.getAll("purpose");
	if (params.length !== 1 || !params[0]) throw badQuery("Give exactly one purpose, e.g. ?purpose=ads.");
	const purpose = params[0];
	const def = purposeDefinition(purpose);
	if (!def)
		throw new HttpError(400, "unknown_purpose", `Unknown purpose; known: ${PURPOSE_NAMES.join(", ")}.`);

	let decision = decide(rc, { status: "none" });
	if (def.essential) {
		// Nothing to look up.
	} else if (rc.gpc && def.gpc) {
		// GPC decides; a known visitor's opt-out is still recorded, off the response path. Without a
		// visitor id there is nobody to record it for.
		if (!request.headers.has("Authorization") && presentedVisitorId(request) !== null)
			ctx.waitUntil(decideStored(rc, request, env).catch(() => undefined));
	} else {
		decision = await decideStored(rc, request, env);
	}
	const body = { purpose, allowed: decision.purposes[purpose] === true, reason: decision.reasons[purpose] };
	return jsonResponse(body, { headers: decisionHeaders(rc) });
}

async function decideStored(rc: ReturnType<typeof requestContext>, request: Request, env: Env) {
	if (request.headers.has("Authorization")) {
		const caller = await identifyCaller(request, env);
		requireScope(caller, ["admin", "reader"]);
		const subject = rc.url.searchParams.get("subject");
		if (subject === null) return decide(rc, { status: "none" });
		return (await decideForSubject(rc, keyedSubject(subject, "query"), {})).decision;
	}
	if (rc.url.searchParams.has("subject")) throw unauthorized("?subject= needs an API key.");
	const vid = presentedVisitorId(request);
	if (!vid) return decide(rc, { status: "none" });
	const subject = await visitorSubject(vid);
	const cookie = await readDecisionCookie(rc);
	return (await decideForSubject(rc, subject, { cookie })).decision;
}
