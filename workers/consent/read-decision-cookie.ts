/** The request's verified `ce_consent`, or null (absent, tampered, expired key, malformed). */
import { requestCookie } from "../http/cookies";
import { DECISION_COOKIE, type DecisionCookie, verifyDecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";

export function readDecisionCookie(rc: RequestContext): Promise<DecisionCookie | null> {
	const value = requestCookie(rc.request, DECISION_COOKIE);
	return verifyDecisionCookie(value, rc.settings.signingKeys);
}
