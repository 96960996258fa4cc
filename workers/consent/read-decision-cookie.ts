/**
 * The request's verified `ce_consent`, or null (absent, tampered, expired key, malformed). When the
 * browser sent more than one (COOKIE_DOMAIN changed: a host-only and a Domain copy), the newest
 * verified one: the first sent is the older, and trusting it would let KV at a lagging location
 * answer over a choice the newer one already carries.
 */
import { repeatedCookie, requestCookie } from "../http/cookies";
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
		? newestDecisionCookie(repeated, keys)
		: verifyDecisionCookie(requestCookie(rc.request, DECISION_COOKIE), keys);
}

async function newestDecisionCookie(
	values: readonly string[],
	keys: readonly string[],
): Promise<DecisionCookie | null> {
	let newest: DecisionCookie | null = null;
	for (const value of values) {
		const cookie = await verifyDecisionCookie(value, keys);
		if (cookie && (!newest || cookie.issuedAt > newest.issuedAt)) newest = cookie;
	}
	return newest;
}

/**
 * The request's `ce_consent` when this very text verified before in this isolate, without an await;
 * undefined when only readDecisionCookie can tell (also when the browser sent more than one).
 */
export function decisionCookieVerifiedBefore(rc: RequestContext): DecisionCookie | undefined {
	if (repeatedCookie(rc.request, DECISION_COOKIE)) return undefined;
	return verifiedBefore(requestCookie(rc.request, DECISION_COOKIE), rc.settings.signingKeys);
}
