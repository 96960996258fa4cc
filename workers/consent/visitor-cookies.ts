/** The visitor's cookies: `ce_vid` (identity, HttpOnly) and `ce_consent` (signed choices, readable by JS). */
import { repeatedCookie, serializeCookie } from "../http/cookies";
import { requestUrl } from "../http/request-inputs";
import type { Caller } from "./caller";
import { VISITOR_COOKIE } from "./caller";
import type { RequestDecision } from "./decide-request";
import { DECISION_COOKIE, type DecisionCookie, signDecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";

const YEAR_S = 31_536_000;
/**
 * A visitor's lookups set `ce_vid` again (same value, a year from then) once it was last set this
 * long ago. A visitor who chose once and keeps coming back otherwise lost the id, and every choice
 * stored for it, a year after their last write, while their `ce_consent` (re-sent on every answer)
 * lived on for a subject no longer theirs. Monthly, not on every lookup: a known visitor's answers
 * otherwise carry no `ce_vid` line, and re-signing `ce_consent` costs a signature.
 */
const VISITOR_ID_RENEWAL_MS = 30 * 24 * 60 * 60 * 1000;

export function visitorIdCookie(rc: RequestContext, vid: string): string {
	return serializeCookie(VISITOR_COOKIE, vid, {
		maxAge: YEAR_S,
		httpOnly: true,
		secure: rc.secure,
		sameSite: rc.settings.cookieSameSite,
		domain: cookieDomain(rc),
	});
}

/**
 * COOKIE_DOMAIN when the request's host is within it, else null (host-only). A browser refuses a
 * cookie whose Domain its host is not within (a workers.dev or staging host, a domain mistyped), and a
 * visitor who keeps no `ce_vid` is a new visitor on every request, their choices stored under ids
 * they no longer hold. One that is a public suffix, which browsers refuse too, is unset by settings.
 */
function cookieDomain(rc: RequestContext): string | null {
	const configured = rc.settings.cookieDomain;
	if (!configured) return null;
	const url = requestUrl(rc.request);
	const start = url.indexOf("//") + 2;
	let end = start;
	while (end < url.length && !"/:?#".includes(url.charAt(end))) end++;
	const host = url.slice(start, end).toLowerCase();
	const domain = (configured.startsWith(".") ? configured.slice(1) : configured).toLowerCase();
	return host === domain || host.endsWith(`.${domain}`) ? configured : null;
}

/**
 * The request's own cookie text when it decided this response and nothing in it would change:
 * re-sending it costs no signature, and keeping its issue time keeps the 10-minute bound honest.
 */
export function unchangedCookie(rc: RequestContext, result: RequestDecision): string | null {
	const cookie = result.cookie;
	if (!cookie?.raw || cookie.state !== result.state || visitorIdRenewalDue(rc, cookie)) return null;
	if (cookie.jurisdiction !== rc.jurisdiction || cookie.prompt !== result.decision.prompt) return null;
	if ((cookie.gpc === true) !== rc.gpc) return null;
	const purposes = result.decision.purposes;
	const names = Object.keys(purposes);
	if (names.length !== Object.keys(cookie.decision).length) return null;
	for (const name of names) if (cookie.decision[name] !== purposes[name]) return null;
	return cookie.raw;
}

/**
 * Whether a lookup presenting `cookie` (verified, this visitor's) sets `ce_vid` again: the cookie says
 * it was last set a renewal period ago, or does not say (made before cookies said).
 */
function visitorIdRenewalDue(rc: RequestContext, cookie: DecisionCookie): boolean {
	return cookie.visitorIdSetAt === undefined || rc.now - cookie.visitorIdSetAt >= VISITOR_ID_RENEWAL_MS;
}

/**
 * When `ce_vid` is set on this answer (`renew`), now; otherwise when the request's own cookie says it
 * was, or, when no cookie says, now: the renewal clock starts at the first answer that can carry it.
 */
function visitorIdSetAt(rc: RequestContext, presented: DecisionCookie | null, renew: boolean): number {
	return renew ? rc.now : (presented?.visitorIdSetAt ?? rc.now);
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

/**
 * Whether the decision was made without the stored choices (storage unreachable: `degraded`). A
 * cookie signed from it carried no choices, fresh for 10 minutes, so the visitor's next requests were
 * decided by it as someone who never chose (the defaults, tracking back on in opt-out regions), and it
 * replaced a stale cookie whose denials kept a lagging KV entry from answering. The visitor's own
 * cookie is sent back as it came instead, and without one none is set.
 */
function storageUnread(result: RequestDecision): boolean {
	return result.lookup.lookup.status === "unavailable";
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
 * The `Set-Cookie` lines of a visitor decision response: `ce_vid` when it was just issued or is
 * renewed (by a write, or when the request's `ce_consent` says it is due), and `ce_consent`,
 * re-issued on every one.
 */
export async function visitorCookies(
	rc: RequestContext,
	caller: Extract<Caller, { kind: "visitor" }>,
	result: RequestDecision,
	options: VisitorCookieOptions = {},
): Promise<string[]> {
	const key = rc.settings.signingKeys[0];
	const presented = result.presented?.subject === caller.subject ? result.presented : null;
	const moving = movingToDomain(rc);
	const renew =
		caller.issued ||
		options.renewVisitorId === true ||
		moving ||
		(key !== undefined && presented !== null && visitorIdRenewalDue(rc, presented));
	const lines = renew ? [visitorIdCookie(rc, caller.vid)] : [];
	if (moving)
		lines.push(expiredHostOnlyCookie(rc, VISITOR_COOKIE), expiredHostOnlyCookie(rc, DECISION_COOKIE));
	if (!key) return lines;
	const value = storageUnread(result)
		? presented?.raw
		: (unchangedCookie(rc, result) ??
			(await signDecisionCookie(
				{
					subject: caller.subject,
					state: result.state,
					issuedAt: stateReadAt(rc, result),
					decision: result.decision.purposes,
					jurisdiction: rc.jurisdiction,
					prompt: result.decision.prompt,
					gpc: rc.gpc,
					visitorIdSetAt: visitorIdSetAt(rc, presented, renew),
				},
				key,
			)));
	if (value === undefined) return lines;
	lines.push(
		serializeCookie(DECISION_COOKIE, value, {
			maxAge: YEAR_S,
			httpOnly: false,
			secure: rc.secure,
			sameSite: rc.settings.cookieSameSite,
			domain: cookieDomain(rc),
		}),
	);
	return lines;
}

/**
 * Whether the request sent a visitor cookie twice while COOKIE_DOMAIN is set: a host-only copy from
 * before the Domain was configured beside the Domain one. The answer then expires both host-only
 * copies and sets `ce_vid` (the value this request was answered for, the first sent: the older
 * identity) and `ce_consent` on the Domain, so one request leaves the visitor one of each, and the
 * page's domain reads the same ones the worker does. A Domain copy left by the reverse change cannot
 * be named without its old Domain; readDecisionCookie takes the newest `ce_consent` either way.
 */
function movingToDomain(rc: RequestContext): boolean {
	if (!cookieDomain(rc)) return false;
	return (
		repeatedCookie(rc.request, VISITOR_COOKIE) !== null ||
		repeatedCookie(rc.request, DECISION_COOKIE) !== null
	);
}

/**
 * Expires `ce_vid` and `ce_consent` (the visitor's own erasure): the browser then holds no id of the
 * erased subject and no signed copy of its choices, and its next visit is a new visitor's. Host-only
 * copies go too when COOKIE_DOMAIN is set, as a host-only copy may be left from before it was.
 */
export function expiredVisitorCookies(rc: RequestContext): string[] {
	const domain = cookieDomain(rc);
	const lines: string[] = [];
	for (const name of [VISITOR_COOKIE, DECISION_COOKIE]) {
		const expired = { maxAge: 0, httpOnly: name === VISITOR_COOKIE, secure: rc.secure };
		lines.push(serializeCookie(name, "", { ...expired, sameSite: rc.settings.cookieSameSite, domain }));
		if (domain) lines.push(expiredHostOnlyCookie(rc, name));
	}
	return lines;
}

function expiredHostOnlyCookie(rc: RequestContext, name: string): string {
	return serializeCookie(name, "", {
		maxAge: 0,
		httpOnly: name === VISITOR_COOKIE,
		secure: rc.secure,
		sameSite: rc.settings.cookieSameSite,
		domain: null,
	});
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
