/**
 * Steady answers: while a visitor's `ce_consent` is fresh it decides their `GET /v1/consent` alone,
 * and the answer is the same bytes on every request: the same document, the same headers, the same
 * cookie re-sent as it came. Such an answer is remembered on the verified cookie (one object per
 * cookie text, see verifyDecisionCookie) together with everything else it was made from, and
 * replayed while all of that holds and the cookie is still fresh, so a repeat request skips the
 * lookup, the engine, the document and the cookie lines. Nothing is remembered for an answer that
 * wrote (a GPC opt-out), re-signed the cookie, or read storage.
 */
import type { Settings } from "../config/settings";
import { BoundedMemo } from "../memo/bounded-memo";
import type { Caller } from "./caller";
import { decisionSteadyBetween } from "./decide-consent";
import type { RequestDecision } from "./decide-request";
import { cookieFreshWindow, type DecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";
import { unchangedCookie } from "./visitor-cookies";

interface SteadyAnswer {
	readonly settings: Settings;
	readonly subject: string;
	readonly gpc: boolean;
	readonly jurisdiction: string;
	readonly secure: boolean;
	/** The cookie's fresh window: the decision is the same at every time in it. */
	readonly from: number;
	readonly to: number;
	readonly body: string;
	readonly headers: Headers;
}

// Keyed by the verified cookie object. Bounded on its own (an answer is about 1.5 KB with its
// headers): 4,096 visitors' answers at most, which start over when full.
const answers = new BoundedMemo<DecisionCookie, SteadyAnswer>(4096);

type Visitor = Extract<Caller, { kind: "visitor" }>;

/** The remembered answer for this request, when everything it was made from still holds. */
export function replaySteadyAnswer(
	rc: RequestContext,
	caller: Visitor,
	cookie: DecisionCookie,
): Response | null {
	const answer = answers.peek(cookie);
	if (
		answer === undefined ||
		answer.settings !== rc.settings ||
		answer.subject !== caller.subject ||
		answer.gpc !== rc.gpc ||
		answer.secure !== rc.secure ||
		rc.now < answer.from ||
		rc.now > answer.to ||
		answer.jurisdiction !== rc.jurisdiction
	) {
		return null;
	}
	return new Response(answer.body, { headers: answer.headers });
}

/**
 * Remembers `response` (the answer just made for `result`) when it is steady, and returns an
 * equivalent Response to send (the body is read to remember it).
 */
export async function rememberSteadyAnswer(
	rc: RequestContext,
	caller: Visitor,
	result: RequestDecision,
	response: Response,
): Promise<Response> {
	// `result.cookie` is set only when the cookie alone decided (fresh, this visitor's, no storage
	// read); unchangedCookie says whether it was re-sent as it came (nothing written or re-signed).
	const cookie = result.cookie;
	if (!cookie || unchangedCookie(rc, result) === null) return response;
	// The cookie decided, so it is fresh now; the answer holds for its whole fresh window only if no
	// clock rule of the engine falls inside it.
	const { from, to } = cookieFreshWindow(cookie);
	if (!decisionSteadyBetween(cookie.state, rc.settings.policy, from, to)) return response;
	const body = await response.text();
	const headers = new Headers(response.headers);
	answers.set(cookie, {
		settings: rc.settings,
		subject: caller.subject,
		gpc: rc.gpc,
		jurisdiction: rc.jurisdiction,
		secure: rc.secure,
		from,
		to,
		body,
		headers,
	});
	return new Response(body, { status: response.status, headers });
}
