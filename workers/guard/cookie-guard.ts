/**
 * Tracking cookies of denied purposes: left out of the `Cookie` header sent upstream (the other
 * cookies keep their bytes and order), expired in the response (only the ones the visitor sent, on
 * the domains and paths they may have been set on), and never set by the origin's own `Set-Cookie`
 * lines. Session, CSRF, Cloudflare and consent cookies are never tracking cookies (tracking-cookies.ts).
 */

import { setCookieAttributes } from "../http/cookies";
import { type CookieScope, cookieScopes } from "./cookie-scopes";
import type { TrackerPurpose } from "./tracker-purpose";
import { expireCookieHeader, trackingCookiePurpose } from "./tracking-cookies";

export interface PresentedCookies {
	/** `Cookie` header for ORIGIN: undefined when unchanged, null when nothing is left to send. */
	readonly upstream: string | null | undefined;
	/** Names of the denied tracking cookies the visitor sent, each once. */
	readonly removed: readonly string[];
}

/** Nothing removed: the visitor's `Cookie` header goes upstream as it came. */
export const UNCHANGED: PresentedCookies = { upstream: undefined, removed: [] };

function deniedCookie(name: string, denied: ReadonlySet<TrackerPurpose>): boolean {
	const purpose = trackingCookiePurpose(name);
	return purpose !== null && denied.has(purpose);
}

/**
 * A guarded page's assets and beacons come with the same Cookie header, one after another: the last
 * header's answer is remembered (one slot, for the same denied purposes), sparing its split and the
 * lookups of its names.
 */
let lastHeader: string | null = null;
let lastDenied = -1;
let lastAnswer: PresentedCookies = UNCHANGED;

/** The denied tracker purposes as bits, for the one slot's key. */
function deniedBits(denied: ReadonlySet<TrackerPurpose>): number {
	return (denied.has("ads") ? 1 : 0) | (denied.has("analytics") ? 2 : 0);
}

export function guardRequestCookies(
	header: string | null,
	denied: ReadonlySet<TrackerPurpose>,
): PresentedCookies {
	if (header === null || denied.size === 0) return UNCHANGED;
	const bits = deniedBits(denied);
	if (header !== lastHeader || bits !== lastDenied) {
		lastAnswer = presentedCookies(header, denied);
		lastHeader = header;
		lastDenied = bits;
	}
	return lastAnswer;
}

function presentedCookies(header: string, denied: ReadonlySet<TrackerPurpose>): PresentedCookies {
	const kept: string[] = [];
	const removed = new Set<string>();
	for (const segment of header.split(";")) {
		const eq = segment.indexOf("=");
		const name = (eq === -1 ? segment : segment.slice(0, eq)).trim();
		if (name !== "" && deniedCookie(name, denied)) removed.add(name);
		else kept.push(segment);
	}
	if (removed.size === 0) return UNCHANGED;
	const rest = kept.join(";").trim();
	return { upstream: rest === "" ? null : rest, removed: [...removed] };
}

/**
 * The most bytes the expiry lines of an answer take on the wire (`Set-Cookie: `, value, CRLF). Forty
 * denied cookies on three 1 KB ancestor paths took 268 KiB, over Chromium's 256 KiB for a whole header
 * block (ERR_RESPONSE_HEADERS_TOO_BIG: the page did not load); Cloudflare takes 32 KB of response
 * headers in all (developers.cloudflare.com, connection limits), the origin's own included, so the
 * guard keeps to half of that.
 */
const EXPIRY_BUDGET = 16 * 1024;
const FIELD_OVERHEAD = "Set-Cookie: \r\n".length;

function fieldBytes(lines: readonly string[]): number {
	return lines.reduce((sum, line) => sum + FIELD_OVERHEAD + line.length, 0);
}

function linesFor(removed: readonly string[], scope: CookieScope): string[] {
	return removed.flatMap((name) => expireCookieHeader(name, scope) ?? []);
}

/**
 * `Set-Cookie` values expiring each removed cookie on `/` on every domain it may have, then, scope by
 * scope in cookieScopes' order (`/` for none), on the narrower paths of `pagePath`, within
 * EXPIRY_BUDGET. `/` goes cookie by cookie, all of a cookie's domains or none: a cookie left out (only
 * past a couple of hundred at once) is still left out of the request upstream, and the browser sends
 * it again with the next request, whose answer expires it. A narrower scope goes for every removed
 * cookie or for none (a later, shorter one may still fit).
 */
export function expiryLines(removed: readonly string[], requestHost: string, pagePath: string): string[] {
	const { root, narrow } = cookieScopes(requestHost, pagePath);
	const lines: string[] = [];
	let bytes = 0;
	const add = (more: string[]): boolean => {
		const size = fieldBytes(more);
		if (bytes + size > EXPIRY_BUDGET) return false;
		lines.push(...more);
		bytes += size;
		return true;
	};
	for (const name of removed) {
		if (!add(root.flatMap((scope) => expireCookieHeader(name, scope) ?? []))) return lines;
	}
	for (const scope of narrow) add(linesFor(removed, scope));
	return lines;
}

const MAX_AGE_VALUE = /^-?\d+$/;

/**
 * An origin line that deletes a cookie does the visitor's opt-out a favour: it always passes. Read as
 * browsers read it (RFC 6265 §5.2-5.3): the last valid `Max-Age` decides, else the last valid
 * `Expires`; an attribute whose value does not parse is ignored, so `Max-Age=0; Max-Age=63072000` or
 * `Max-Age=0x` sets the cookie and is not a deletion.
 */
function deletesCookie(line: string, now: number): boolean {
	let maxAge: number | undefined;
	let expires: number | undefined;
	for (const { name, value } of setCookieAttributes(line.split(";"))) {
		if (name === "max-age") {
			if (MAX_AGE_VALUE.test(value)) maxAge = Number(value);
		} else if (name === "expires") {
			const time = Date.parse(value);
			if (!Number.isNaN(time)) expires = time;
		}
	}
	if (maxAge !== undefined) return maxAge <= 0;
	return expires !== undefined && expires <= now;
}

/** Removes the origin's `Set-Cookie` lines that set a denied tracking cookie; true when any went. */
export function dropTrackingSetCookies(
	headers: Headers,
	denied: ReadonlySet<TrackerPurpose>,
	now: number,
): boolean {
	if (denied.size === 0 || !headers.has("Set-Cookie")) return false;
	const lines = headers.getSetCookie();
	const kept = lines.filter((line) => {
		const eq = line.indexOf("=");
		const name = (eq === -1 ? "" : line.slice(0, eq)).trim();
		return !deniedCookie(name, denied) || deletesCookie(line, now);
	});
	if (kept.length === lines.length) return false;
	headers.delete("Set-Cookie");
	for (const line of kept) headers.append("Set-Cookie", line);
	return true;
}
