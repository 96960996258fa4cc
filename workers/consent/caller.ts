/**
 * Who is calling. Any `Authorization` header makes a call keyed (cookies are then ignored) and the
 * key must match one of the configured keys, compared in constant time. Otherwise the caller is a
 * visitor identified by the `ce_vid` cookie; a visitor's subject is `v:` + a hash of the cookie, so
 * the raw value is never echoed or stored. A key not set (or empty) matches nothing, not even an
 * empty bearer token; without ADMIN_API_KEY a keyed call is a 503 `not_configured`.
 */
import { notConfigured } from "../config/required-secrets";
import { settingsFor } from "../config/settings";
import { randomToken } from "../crypto/encoding";
import { sha256Base64Url } from "../crypto/hmac";
import { repeatedCookie, requestCookie } from "../http/cookies";
import { HttpError, unauthorized } from "../http/http-error";
import { authorizationHeader } from "../http/request-inputs";
import { type KeyScope, presentedKey } from "./presented-key";

export const VISITOR_COOKIE = "ce_vid";
const VISITOR_ID = /^[A-Za-z0-9_-]{22,64}$/;
const SUBJECT = /^(?!\.+$)[A-Za-z0-9._:@-]{1,128}$/;
/** What SUBJECT takes, as a refused subject's 400 says it. */
export const SUBJECT_RULE = "subject must be 1-128 characters of A-Z a-z 0-9 . _ : @ - and not only dots.";

export type { KeyScope } from "./presented-key";

export type Caller =
	| { readonly kind: "visitor"; readonly subject: string; readonly vid: string; readonly issued: boolean }
	| { readonly kind: "keyed"; readonly scope: KeyScope };

export function isValidSubject(subject: string): boolean {
	return SUBJECT.test(subject);
}

/**
 * The request's `ce_vid` when well-formed (22-64 base64url characters), else null. A malformed first
 * copy (one a parent domain's app or an older path set) does not hide a well-formed one sent after
 * it: replacing the visitor then made a new visitor of every request, the fresh id sent behind the
 * stale copy each time.
 */
export function presentedVisitorId(request: Request): string | null {
	const vid = requestCookie(request, VISITOR_COOKIE);
	if (vid === undefined) return null;
	if (VISITOR_ID.test(vid)) return vid;
	return repeatedCookie(request, VISITOR_COOKIE)?.find((copy) => VISITOR_ID.test(copy)) ?? null;
}

/**
 * Every well-formed `ce_vid` the request sends, the first as presentedVisitorId gives it: after a
 * COOKIE_DOMAIN change a browser keeps a host-only and a Domain id, and choices may be stored under
 * each, and a sibling subdomain may plant one that a longer `Path` sends first. At most five,
 * bounding what one request erases or exports.
 */
export function presentedVisitorIds(request: Request): string[] {
	const vid = presentedVisitorId(request);
	return vid === null ? [] : [vid, ...(otherVisitorIds(request, vid) ?? [])].slice(0, 5);
}

/**
 * The well-formed `ce_vid` values the request sends besides `vid` (the one answered for), distinct, or
 * null for none: the usual request, told by one scan for a second copy. A browser holds more than one
 * when a host that may set cookies for a parent domain (a sibling subdomain) planted its own, which a
 * longer `Path` sends first: the denials stored for each still hold (decide-request.ts).
 */
export function otherVisitorIds(request: Request, vid: string): readonly string[] | null {
	const others = repeatedCookie(request, VISITOR_COOKIE)?.filter(
		(copy) => copy !== vid && VISITOR_ID.test(copy),
	);
	return others?.length ? [...new Set(others)] : null;
}

/**
 * Whether the request may send other `ce_vid`s (see otherVisitorIds): it sends the name more than
 * once. Two scans of the Cookie header on the usual request, for the remembered answers' way.
 */
export function sendsOtherVisitorIds(request: Request): boolean {
	return repeatedCookie(request, VISITOR_COOKIE) !== null;
}

// A visitor's requests hash the same id again and again: remember recent ones in this isolate.
const subjects = new Map<string, string>();
const MAX_CACHED_SUBJECTS = 10_000;

/** The subject of a visitor id hashed before in this isolate, else undefined (see visitorSubject). */
export function knownVisitorSubject(vid: string): string | undefined {
	return subjects.get(vid);
}

export async function visitorSubject(vid: string): Promise<string> {
	let subject = knownVisitorSubject(vid);
	if (subject === undefined) {
		subject = `v:${(await sha256Base64Url(`ce_vid:${vid}`)).slice(0, 32)}`;
		if (subjects.size >= MAX_CACHED_SUBJECTS) subjects.clear();
		subjects.set(vid, subject);
	}
	return subject;
}

/**
 * Identifies the caller. Visitors without a well-formed `ce_vid` get a fresh one (`issued`), which
 * the route sets as a cookie when it answers with a decision.
 */
export async function identifyCaller(request: Request, env: Env): Promise<Caller> {
	if (authorizationHeader(request) !== null) {
		const scope = (await presentedKey(request, env))?.scope;
		// Without ADMIN_API_KEY the key may well be the right one: the deploy is wrong, not the caller.
		if (!scope && settingsFor(env).missingSecrets.includes("ADMIN_API_KEY"))
			throw notConfigured("ADMIN_API_KEY");
		if (!scope) throw unauthorized();
		return { kind: "keyed", scope };
	}
	const vid = presentedVisitorId(request);
	if (vid) {
		return { kind: "visitor", subject: await visitorSubject(vid), vid, issued: false };
	}
	const fresh = randomToken(24);
	return { kind: "visitor", subject: await visitorSubject(fresh), vid: fresh, issued: true };
}

export function requireScope(caller: Caller, allowed: readonly KeyScope[]): void {
	if (caller.kind === "keyed" && !allowed.includes(caller.scope)) {
		throw new HttpError(403, "forbidden", "This API key may not call this endpoint.");
	}
}

/**
 * A keyed lookup's `?subject=`, or null when absent. Given twice it is a 400, as every other query
 * parameter given twice is: answering for the first would silently pick one of the two subjects.
 */
export function querySubject(url: URL): string | null {
	const values = url.searchParams.getAll("subject");
	if (values.length > 1) throw new HttpError(400, "invalid_query", "Give subject at most once.");
	return values[0] ?? null;
}

/**
 * A write whose body names another `subject` is a server-to-server call (CONTRACT.md, Identity):
 * without a key it is a 401, as `?subject=` is, never made for the cookie's visitor while its sender
 * hears 200. The visitor's own subject (a decision document sent back whole) is the visitor choosing.
 */
export function refuseUnkeyedSubject(caller: Caller, subject: unknown): void {
	if (caller.kind === "visitor" && subject !== undefined && (caller.issued || subject !== caller.subject))
		throw unauthorized("A subject in the body needs an API key.");
}

/**
 * A keyed write's subject: the body's. A `?subject=` beside it, as lookups take it, must name the same:
 * passed over, the body's subject was written while the caller may have meant the query's.
 */
export function keyedWriteSubject(url: URL, inBody: unknown): string {
	const inQuery = querySubject(url);
	if (inQuery !== null && inBody === undefined)
		throw new HttpError(400, "invalid_body", "subject: a write names it in the body, not in ?subject=.");
	const subject = keyedSubject(inBody, "body");
	if (inQuery !== null && inQuery !== subject)
		throw new HttpError(400, "invalid_query", "?subject= names another subject than the body.");
	return subject;
}

/** The subject named by a keyed call (query or body), validated. */
export function keyedSubject(value: unknown, where: "query" | "body"): string {
	if (typeof value !== "string" || !isValidSubject(value)) {
		throw new HttpError(400, where === "query" ? "invalid_query" : "invalid_body", SUBJECT_RULE);
	}
	return value;
}
