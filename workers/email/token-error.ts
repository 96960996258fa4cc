/** A token that did not verify, as the contract's 4xx: unreadable 400, not ours or expired 403. */
import { HttpError } from "../http/http-error";
import type { TokenProblem } from "./unsubscribe-token";

const MESSAGES: Record<TokenProblem, [status: number, message: string]> = {
	missing: [400, "This unsubscribe link has no token (?t=)."],
	malformed: [400, "This unsubscribe link is damaged or incomplete."],
	forged: [403, "This unsubscribe link is not valid."],
	expired: [403, "This unsubscribe link has expired."],
};

export function tokenError(problem: TokenProblem): HttpError {
	const [status, message] = MESSAGES[problem];
	return new HttpError(status, problem === "expired" ? "expired_token" : "invalid_token", message);
}
