/**
 * GET /v1/check?purpose=P: the cheapest answer for an ad tag deciding whether to fire. Essential and
 * GPC-governed purposes under GPC are answered without any storage read, as is a visitor with a
 * fresh `ce_consent`. Never writes (contract, Identity: a GPC opt-out is recorded by the visitor's
 * decision requests, not here) and never sets cookies.
 */
import { PURPOSE_NAMES, PURPOSES, type PurposeDefinition, purposeDefinition } from "../../config/purposes";
import { badQuery, HttpError, unauthorized } from "../../http/http-error";
import { authorizationHeader, requestUrl } from "../../http/request-inputs";
import { identifyCaller, keyedSubject, presentedVisitorId, requireScope, visitorSubject } from "../caller";
import type { Reason } from "../decide-consent";
import { decideWithoutWriting, unknownVisitorDecision } from "../decide-request";
import { jsonDecisionAnswer } from "../decision-response";
import { readDecisionCookie } from "../read-decision-cookie";
import { type RequestContext, requestContext } from "../request-context";

/**
 * Synchronous when the answer is fixed (no lookup): an ad tag's GPC check gets its answer with no
 * promise and no await on its way.
 */
export function checkPurpose(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
): Response | Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const purpose = purposeParam(rc);
	if (purpose === null) throw badQuery("Give exactly one purpose, e.g. ?purpose=ads.");
	const def = purposeDefinition(purpose);
	if (!def)
		throw new HttpError(400, "unknown_purpose", `Unknown purpose; known: ${PURPOSE_NAMES.join(", ")}.`);

	const fixed = fixedAnswer(def, rc.gpc);
	if (fixed !== undefined) return jsonDecisionAnswer(rc, fixed);
	return storedAnswer(rc, purpose);
}

async function storedAnswer(rc: RequestContext, purpose: string): Promise<Response> {
	const decision = await decideStored(rc);
	return jsonDecisionAnswer(
		rc,
		answerBody(purpose, decision.purposes[purpose] === true, decision.reasons[purpose]),
	);
}

function answerBody(purpose: string, allowed: boolean, reason: Reason | undefined): string {
	return JSON.stringify({ purpose, allowed, reason });
}

const ESSENTIAL_ANSWERS = new Map(
	PURPOSES.filter((p) => p.essential).map((p) => [p.name, answerBody(p.name, true, "essential")]),
);
const GPC_ANSWERS = new Map(
	PURPOSES.filter((p) => p.gpc && !p.essential).map((p) => [p.name, answerBody(p.name, false, "gpc")]),
);

/**
 * The answer for an essential purpose, and for a GPC-governed one under GPC: decided whatever is
 * stored and wherever the visitor is, so nothing is looked up and the answer, made once, is the same
 * every time. Undefined for any other.
 */
function fixedAnswer(def: PurposeDefinition, gpc: boolean): string | undefined {
	if (def.essential) return ESSENTIAL_ANSWERS.get(def.name);
	if (gpc && def.gpc) return GPC_ANSWERS.get(def.name);
	return undefined;
}

// What ad tags send: the whole query is one plain `purpose=<name>`, read without parsing a URL.
const PLAIN_PURPOSE_QUERY = /\?purpose=([A-Za-z0-9_-]+)$/;

/** The query's one `purpose` value, or null when it is missing, empty or repeated. */
function purposeParam(rc: RequestContext): string | null {
	const url = requestUrl(rc.request);
	const plain = PLAIN_PURPOSE_QUERY.exec(url);
	if (plain?.[1] && url.indexOf("?") === plain.index) return plain[1];
	const params = rc.url.searchParams.getAll("purpose");
	return params.length === 1 && params[0] ? params[0] : null;
}

async function decideStored(rc: RequestContext) {
	const { request, env } = rc;
	if (authorizationHeader(request) !== null) {
		const caller = await identifyCaller(request, env);
		requireScope(caller, ["admin", "reader"]);
		const subject = rc.url.searchParams.get("subject");
		if (subject === null) return unknownVisitorDecision(rc);
		return (await decideWithoutWriting(rc, keyedSubject(subject, "query"), null)).decision;
	}
	if (rc.url.searchParams.has("subject")) throw unauthorized("?subject= needs an API key.");
	const vid = presentedVisitorId(request);
	if (!vid) return unknownVisitorDecision(rc);
	const subject = await visitorSubject(vid);
	return (await decideWithoutWriting(rc, subject, await readDecisionCookie(rc))).decision;
}
