/**
 * The request's verified `ce_consent`, or null (absent, tampered, expired key, malformed). When the
 * browser sent more than one (COOKIE_DOMAIN changed: a host-only and a Domain copy), the newest
 * verified one of the visitor answered for: the first sent is the older, and trusting it would let KV
 * at a lagging location answer over a choice the newer one already carries.
 */
import { repeatedCookie, requestCookie } from "../http/cookies";
import { presentedVisitorId, visitorSubject } from "./caller";
import {
	DECISION_COOKIE,
	type DecisionCookie,
	verifiedBefore,
	verifyDecisionCookie,
} from "./decision-cookie";
import type { RequestContext } from "./request-context";

export function readDecisionCookie(rc: RequestContext): Promise<DecisionCookie | null> {
	const keys = rc.settings.signingKeys;
	const repeated = repeatedCookie(rc.request, DECISION_COOKIE);
	return repeated
		? newestDecisionCookie(rc.request, repeated, keys)
		: verifyDecisionCookie(requestCookie(rc.request, DECISION_COOKIE), keys);
}

/**
 * Only the answered visitor's (the first `ce_vid` sent) count: a browser holding two ids (a host-only
 * one and a Domain one set since on another subdomain) sends the other id's cookie too, often the
 * newer, and taking it dropped the visitor's own cookie and the denials it carries.
 */
async function newestDecisionCookie(
	request: Request,
	values: readonly string[],
	keys: readonly string[],
): Promise<DecisionCookie | null> {
	const vid = presentedVisitorId(request);
	return newestDecisionCookieOf(values, keys, vid ? await visitorSubject(vid) : null);
}

/** The newest of `values` that verifies and, unless `subject` is null, was issued to `subject`. */
async function newestDecisionCookieOf(
	values: readonly (string | undefined)[],
	keys: readonly string[],
	subject: string | null,
): Promise<DecisionCookie | null> {
	let newest: DecisionCookie | null = null;
	for (const value of values) {
		const cookie = await verifyDecisionCookie(value, keys);
		if (!cookie || (subject !== null && cookie.subject !== subject)) continue;
		if (!newest || cookie.issuedAt > newest.issuedAt) newest = cookie;
	}
	return newest;
}

/** The newest verified `ce_consent` the request sends for `subject` (another `ce_vid`'s: otherVisitorIds). */
export function decisionCookieOf(rc: RequestContext, subject: string): Promise<DecisionCookie | null> {
	const values = repeatedCookie(rc.request, DECISION_COOKIE) ?? [requestCookie(rc.request, DECISION_COOKIE)];
	return newestDecisionCookieOf(values, rc.settings.signingKeys, subject);
}

/**
 * The request's `ce_consent` when this very text verified before in this isolate, without an await;
 * undefined when only readDecisionCookie can tell (also when the browser sent more than one).
 */
export function decisionCookieVerifiedBefore(rc: RequestContext): DecisionCookie | undefined {
	if (repeatedCookie(rc.request, DECISION_COOKIE)) return undefined;
	return verifiedBefore(requestCookie(rc.request, DECISION_COOKIE), rc.settings.signingKeys);
}
