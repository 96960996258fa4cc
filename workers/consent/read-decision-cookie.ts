/** The request's verified `ce_consent`, or null (absent, tampered, expired key, malformed). */
import { requestCookie } from "../http/cookies";
import {
	DECISION_COOKIE,
	type DecisionCookie,
	verifiedBefore,
	verifyDecisionCookie,
} from "./decision-cookie";
import type { RequestContext } from "./request-context";

export function readDecisionCookie(rc: RequestContext): Promise<DecisionCookie | null> {
	const value = requestCookie(rc.request, DECISION_COOKIE);
	return verifyDecisionCookie(value, rc.settings.signingKeys);
}

/**
 * The request's `ce_consent` when this very text verified before in this isolate, without an await;
 * undefined when only readDecisionCookie can tell.
 */
export function decisionCookieVerifiedBefore(rc: RequestContext): DecisionCookie | undefined {
	return verifiedBefore(requestCookie(rc.request, DECISION_COOKIE), rc.settings.signingKeys);
}
