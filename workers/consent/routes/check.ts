/**
 * GET /v1/check?purpose=P: the cheapest answer for an ad tag deciding whether to fire. Essential and
 * GPC-governed purposes under GPC are answered without any storage read, as is a visitor with a
 * fresh `ce_consent`. Never writes (contract, Identity: a GPC opt-out is recorded by the visitor's
 * decision requests, not here) and never sets cookies.
 */
import { PURPOSE_NAMES, PURPOSES, type PurposeDefinition, purposeDefinition } from "../../config/purposes";
import { badQuery, HttpError, unauthorized } from "../../http/http-error";
import { authorizationHeader, requestUrl } from "../../http/request-inputs";
import {
	identifyCaller,
	keyedSubject,
	knownVisitorSubject,
	otherVisitorIds,
	presentedVisitorId,
	querySubject,
	requireScope,
	visitorSubject,
} from "../caller";
import type { Decision, Reason } from "../decide-consent";
import { decide, decideWithoutWriting, unknownVisitorDecision } from "../decide-request";
import { jsonDecisionAnswer } from "../decision-response";
import { cookieLookup } from "../lookup-state";
import { decisionCookieVerifiedBefore, readDecisionCookie } from "../read-decision-cookie";
import { locateKeyedCall, type RequestContext, requestContext } from "../request-context";

/**
 * Synchronous when no lookup is needed: an ad tag's GPC check, and a repeat visitor's check decided by
 * their fresh `ce_consent`, get their answer with no promise and no await on its way.
 */
export function checkPurpose(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
): Response | Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const plain = plainPurpose(requestUrl(request));
	const purpose = plain ?? purposeParam(rc);
	if (purpose === null) throw badQuery("Give exactly one purpose, e.g. ?purpose=ads.");
	const def = purposeDefinition(purpose);
	if (!def)
		throw new HttpError(400, "unknown_purpose", `Unknown purpose; known: ${PURPOSE_NAMES.join(", ")}.`);

	const fixed = fixedAnswer(def, rc.gpc);
	// What ad tags and pages send, a plain query without a key, is answered here when nothing needs
	// looking up. Anything more (a key, `?subject=`) is the caller's to prove first: storedAnswer.
	if (plain !== null && authorizationHeader(request) === null) {
		if (fixed !== undefined) return jsonDecisionAnswer(rc, fixed);
		const decision = cookieDecision(rc);
		if (decision) return jsonDecisionAnswer(rc, purposeAnswer(purpose, decision));
	}
	return storedAnswer(rc, purpose, fixed);
}

/** The answer once the caller may ask it (401 or 403 otherwise, even where the answer is fixed). */
async function storedAnswer(
	rc: RequestContext,
	purpose: string,
	fixed: string | undefined,
): Promise<Response> {
	const asked = await askedSubject(rc);
	if (fixed !== undefined) return jsonDecisionAnswer(rc, fixed);
	const { decision, bookmark } = await askedDecision(rc, asked);
	return jsonDecisionAnswer(rc, purposeAnswer(purpose, decision), { bookmark });
}

/**
 * The read-only decision for whom the check asks about (a visitor's cookie counts, a key's not), and
 * for a keyed caller the D1 bookmark when D1 was read. A keyed caller's X-D1-Bookmark is honoured as
 * on its lookups: an ad server checking right after its own write reads that write, not this
 * location's lagging KV.
 */
async function askedDecision(
	rc: RequestContext,
	asked: AskedSubject | null,
): Promise<{ readonly decision: Decision; readonly bookmark?: string | null }> {
	if (asked === null) return { decision: unknownVisitorDecision(rc) };
	if (!asked.visitor) {
		const bookmark = rc.request.headers.get("X-D1-Bookmark");
		return decideWithoutWriting(rc, asked.subject, null, undefined, bookmark);
	}
	const cookie = await readDecisionCookie(rc);
	return { decision: (await decideWithoutWriting(rc, asked.subject, cookie)).decision };
}

function purposeAnswer(purpose: string, decision: Decision): string {
	return answerBody(purpose, decision.purposes[purpose] === true, decision.reasons[purpose]);
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

/** The purpose of a plain query (`?purpose=<name>` and nothing else), or null. */
function plainPurpose(url: string): string | null {
	const plain = PLAIN_PURPOSE_QUERY.exec(url);
	return plain?.[1] && url.indexOf("?") === plain.index ? plain[1] : null;
}

/** The query's one `purpose` value, or null when it is missing, empty or repeated. */
function purposeParam(rc: RequestContext): string | null {
	const params = rc.url.searchParams.getAll("purpose");
	return params.length === 1 && params[0] ? params[0] : null;
}

/**
 * A visitor's decision from their fresh `ce_consent`, found without an await: their id was hashed
 * and this very cookie verified before in this isolate (caller.ts, decision-cookie.ts). Undefined
 * when only a lookup can tell (no such cookie yet, a stale or another visitor's cookie):
 * storedAnswer then takes the whole way, which reaches the same decision for this cookie.
 */
function cookieDecision(rc: RequestContext): Decision | undefined {
	const vid = presentedVisitorId(rc.request);
	const subject = vid && knownVisitorSubject(vid);
	if (!subject || otherVisitorIds(rc.request, vid)) return undefined;
	const stored = cookieLookup(decisionCookieVerifiedBefore(rc), subject, rc.now);
	return stored && decide(rc, stored);
}

interface AskedSubject {
	readonly subject: string;
	/** The visitor's own subject (their `ce_consent` may decide), not a keyed call's. */
	readonly visitor: boolean;
}

/**
 * Whom the check asks about: a keyed call's `?subject=`, or the visitor's own id; null for nobody
 * known. Throws for a wrong key, a key without the scope, and `?subject=` without a key.
 */
async function askedSubject(rc: RequestContext): Promise<AskedSubject | null> {
	const { request, env } = rc;
	if (authorizationHeader(request) !== null) {
		const caller = await identifyCaller(request, env);
		requireScope(caller, ["admin", "reader"]);
		locateKeyedCall(rc);
		const subject = querySubject(rc.url);
		return subject === null ? null : { subject: keyedSubject(subject, "query"), visitor: false };
	}
	if (rc.url.searchParams.has("subject")) throw unauthorized("?subject= needs an API key.");
	const vid = presentedVisitorId(request);
	return vid ? { subject: await visitorSubject(vid), visitor: true } : null;
}
