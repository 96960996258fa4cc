/**
 * Steady answers: while a visitor's `ce_consent` is fresh it decides their `GET /v1/consent` alone,
 * and the answer is the same bytes on every request: the same document, the same headers, the same
 * cookie re-sent as it came. Such an answer is remembered (SteadyMemo: on the verified cookie, with
 * everything it was made from) and replayed while all of that holds, so a repeat request skips the
 * lookup, the engine, the document and the cookie lines. Nothing is remembered for an answer that
 * wrote (a GPC opt-out), re-signed the cookie, or read storage.
 */
import type { Caller } from "./caller";
import type { RequestDecision } from "./decide-request";
import type { DecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";
import { SteadyMemo } from "./steady-memo";
import { unchangedCookie } from "./visitor-cookies";

interface SteadyAnswer {
	readonly body: string;
	readonly headers: Headers;
}

// An answer is about 1.5 KB with its headers: 4,096 visitors' answers at most.
const answers = new SteadyMemo<SteadyAnswer>(4096);

type Visitor = Extract<Caller, { kind: "visitor" }>;

/** The remembered answer for this request, when everything it was made from still holds. */
export function replaySteadyAnswer(
	rc: RequestContext,
	subject: string,
	cookie: DecisionCookie,
): Response | null {
	const answer = answers.get(rc, subject, cookie);
	return answer ? new Response(answer.body, { headers: answer.headers }) : null;
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
	if (!cookie || result.gpcUnrecorded || unchangedCookie(rc, result) === null) return response;
	const body = await response.text();
	const headers = new Headers(response.headers);
	// The document names the location, so the answer is the location's.
	answers.set(rc, caller.subject, cookie, { body, headers }, rc.jurisdiction);
	return new Response(body, { status: response.status, headers });
}
