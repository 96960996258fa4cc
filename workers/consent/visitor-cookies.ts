/** The visitor's cookies: `ce_vid` (identity, HttpOnly) and `ce_consent` (signed choices, readable by JS). */
import { serializeCookie } from "../http/cookies";
import type { Caller } from "./caller";
import { VISITOR_COOKIE } from "./caller";
import type { RequestDecision } from "./decide-request";
import { DECISION_COOKIE, signDecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";

const YEAR_S = 31_536_000;

export function visitorIdCookie(rc: RequestContext, vid: string): string {
	return serializeCookie(VISITOR_COOKIE, vid, {
		maxAge: YEAR_S,
		httpOnly: true,
		secure: rc.secure,
		sameSite: rc.settings.cookieSameSite,
		domain: rc.settings.cookieDomain,
	});
}

/**
 * The request's own cookie text when it decided this response and nothing in it would change:
 * re-sending it costs no signature, and keeping its issue time keeps the 10-minute bound honest.
 */
export function unchangedCookie(rc: RequestContext, result: RequestDecision): string | null {
	const cookie = result.cookie;
	if (!cookie?.raw || cookie.state !== result.state) return null;
	if (cookie.jurisdiction !== rc.jurisdiction || cookie.prompt !== result.decision.prompt) return null;
	if ((cookie.gpc === true) !== rc.gpc) return null;
	const purposes = result.decision.purposes;
	const names = Object.keys(purposes);
	if (names.length !== Object.keys(cookie.decision).length) return null;
	for (const name of names) if (cookie.decision[name] !== purposes[name]) return null;
	return cookie.raw;
}

/**
 * When the state a cookie carries was read from storage: now, unless the request's own cookie decided
 * (then its state is only as new as that cookie). Re-signing the cookie's state (a new jurisdiction,
 * GPC, prompt) with the time of the re-signing renewed allowances another channel may have withdrawn,
 * again on every re-signing, past the contract's 10-minute bound.
 */
function stateReadAt(rc: RequestContext, result: RequestDecision): number {
	return result.cookie ? Math.min(result.cookie.issuedAt, rc.now) : rc.now;
}

/**
 * Whether a visitor's decision answers carry a signed `ce_consent` (a signing key is configured): a
 * decision read from storage is then signed into a cookie fresh for the next 10 minutes.
 */
export function signsDecisionCookies(rc: RequestContext): boolean {
	return rc.settings.signingKeys.length > 0;
}

export interface VisitorCookieOptions {
	/**
	 * Set `ce_vid` again (same value, a year from now) though it was not just issued: a visitor's write
	 * does, so a choice lasts a year from when it was made. Set only at the first visit, the id (and
	 * with it every stored choice) lapsed a year after that visit, however recent the choice.
	 */
	readonly renewVisitorId?: boolean;
}

/**
 * The `Set-Cookie` lines of a visitor decision response: `ce_vid` when it was just issued (or is
 * renewed), and `ce_consent`, re-issued on every one.
 */
export async function visitorCookies(
	rc: RequestContext,
	caller: Extract<Caller, { kind: "visitor" }>,
	result: RequestDecision,
	options: VisitorCookieOptions = {},
): Promise<string[]> {
	const lines = caller.issued || options.renewVisitorId ? [visitorIdCookie(rc, caller.vid)] : [];
	const key = rc.settings.signingKeys[0];
	if (!key) return lines;
	const value =
		unchangedCookie(rc, result) ??
		(await signDecisionCookie(
			{
				subject: caller.subject,
				state: result.state,
				issuedAt: stateReadAt(rc, result),
				decision: result.decision.purposes,
				jurisdiction: rc.jurisdiction,
				prompt: result.decision.prompt,
				gpc: rc.gpc,
			},
			key,
		));
	lines.push(
		serializeCookie(DECISION_COOKIE, value, {
			maxAge: YEAR_S,
			httpOnly: false,
			secure: rc.secure,
			sameSite: rc.settings.cookieSameSite,
			domain: rc.settings.cookieDomain,
		}),
	);
	return lines;
}

/** Appends the visitor's cookies (see visitorCookies) to a decision response's headers. */
export async function setVisitorCookies(
	headers: Headers,
	rc: RequestContext,
	caller: Extract<Caller, { kind: "visitor" }>,
	result: RequestDecision,
	options: VisitorCookieOptions = {},
): Promise<void> {
	for (const line of await visitorCookies(rc, caller, result, options)) headers.append("Set-Cookie", line);
}
