/** The request's verified `ce_consent`, or null (absent, tampered, expired key, malformed). */
import { requestCookies } from "../http/cookies";
import { DECISION_COOKIE, type DecisionCookie, verifyDecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";

export function readDecisionCookie(rc: RequestContext): Promise<DecisionCookie | null> {
	const value = requestCookies(rc.request).get(DECISION_COOKIE);
	return verifyDecisionCookie(value, rc.settings.signingKeys);
}
