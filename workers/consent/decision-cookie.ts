/**
 * The `ce_consent` cookie: the visitor's stored choices, record version and issue time, signed with
 * HMAC-SHA-256, readable by page JavaScript. Format: base64url(JSON) "." base64url(HMAC).
 * The SDK reads `d` (effective decision at issue), `pr` (prompt) and `gp` (the issuing request carried
 * GPC) without a round trip; the worker trusts only the stored choices, and then only under the
 * 10-minute bound (see cookieStateUsable).
 */
import { fromBase64Url, toBase64Url } from "../crypto/encoding";
import { hmacSign, hmacVerify } from "../crypto/hmac";
import type { StoredState } from "./stored-state";

export const DECISION_COOKIE = "ce_consent";
/** Allowances in a cookie are trusted for this long; denials always. */
export const COOKIE_ALLOWANCE_MS = 10 * 60 * 1000;
const MAX_COOKIE_LENGTH = 2048;

export interface DecisionCookie {
	/** Subject the cookie was issued for. */
	readonly subject: string;
	readonly state: StoredState;
	/** Issue time, epoch ms (second precision). */
	readonly issuedAt: number;
	/** Effective decision when issued, for the SDK. */
	readonly decision: Readonly<Record<string, boolean>>;
	readonly jurisdiction: string;
	readonly prompt: boolean;
	/**
	 * Whether the request it was issued for carried Global Privacy Control: the SDK reports it from the
	 * cookie even when page JavaScript lacks `navigator.globalPrivacyControl` (an extension that sends
	 * only the header). Never trusted as a choice; absent in older cookies (false).
	 */
	readonly gpc?: boolean;
	/**
	 * When `ce_vid` was last set (issued or renewed), epoch ms (second precision), so a visitor's
	 * lookups know when to renew it (visitor-cookies.ts); absent in older cookies.
	 */
	readonly visitorIdSetAt?: number;
	/** The cookie's own text, when it was read from a request (re-sent as is while nothing changed). */
	readonly raw?: string;
}

interface Payload {
	s: string;
	v: number;
	i: number;
	u: number;
	p: Record<string, 0 | 1>;
	g: string[];
	pv: string | null;
	d: Record<string, 0 | 1>;
	j: string;
	pr: 0 | 1;
	gp?: 0 | 1;
	r?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bits(map: Readonly<Record<string, boolean>>): Record<string, 0 | 1> {
	const out: Record<string, 0 | 1> = {};
	for (const [k, v] of Object.entries(map)) out[k] = v ? 1 : 0;
	return out;
}

export async function signDecisionCookie(cookie: DecisionCookie, key: string): Promise<string> {
	const { state } = cookie;
	const payload: Payload = {
		s: cookie.subject,
		v: state.version,
		i: Math.floor(cookie.issuedAt / 1000),
		u: Math.floor(state.updatedAt / 1000),
		p: bits(state.purposes),
		g: Object.keys(state.sources).filter((k) => state.sources[k] === "gpc"),
		pv: state.policyVersion,
		d: bits(cookie.decision),
		j: cookie.jurisdiction,
		pr: cookie.prompt ? 1 : 0,
		gp: cookie.gpc === true ? 1 : 0,
	};
	if (cookie.visitorIdSetAt !== undefined) payload.r = Math.floor(cookie.visitorIdSetAt / 1000);
	const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
	return `${body}.${await hmacSign(key, body)}`;
}

// A signature that verified once verifies forever under the same keys: remember recent cookies.
// Looked up by the signature alone (a cookie's last 43 characters: an HMAC-SHA-256 in base64url, as
// good a key as the whole text). A Map lookup hashes its key, a new string on every request: keyed by
// the keys and the whole 300-400 character cookie, a lookup cost about 0.6 µs under Node, by the
// signature 0.06 µs. An entry counts only for the very text and keys it was verified with.
interface Verified {
	readonly keys: readonly string[];
	readonly cookie: DecisionCookie & { readonly raw: string };
}
const verified = new Map<string, Verified>();
const MAX_CACHED_COOKIES = 10_000;
const SIGNATURE_LENGTH = 43;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
	return a === b || (a.length === b.length && a.every((key, i) => key === b[i]));
}

/**
 * The cookie, when this very text verified under these keys before (in this isolate); otherwise
 * undefined, and only verifyDecisionCookie can tell. Synchronous: a repeat request's answer needs no
 * await for it.
 */
export function verifiedBefore(
	value: string | undefined,
	keys: readonly string[],
): DecisionCookie | undefined {
	if (!value || value.length > MAX_COOKIE_LENGTH) return undefined;
	const known = verified.get(value.slice(-SIGNATURE_LENGTH));
	return known && known.cookie.raw === value && sameKeys(known.keys, keys) ? known.cookie : undefined;
}

/** The verified cookie, or null for anything absent, tampered, foreign-keyed or malformed. */
export async function verifyDecisionCookie(
	value: string | undefined,
	keys: readonly string[],
): Promise<DecisionCookie | null> {
	if (!value || value.length > MAX_COOKIE_LENGTH) return null;
	const known = verifiedBefore(value, keys);
	if (known) return known;
	const cookie = await verifyUncached(value, keys);
	if (cookie) {
		if (verified.size >= MAX_CACHED_COOKIES) verified.clear();
		verified.set(value.slice(-SIGNATURE_LENGTH), { keys, cookie });
	}
	return cookie;
}

async function verifyUncached(
	value: string,
	keys: readonly string[],
): Promise<(DecisionCookie & { readonly raw: string }) | null> {
	const dot = value.lastIndexOf(".");
	if (dot <= 0) return null;
	const body = value.slice(0, dot);
	const signature = value.slice(dot + 1);
	let valid = false;
	for (const key of keys) {
		if (await hmacVerify(key, body, signature)) {
			valid = true;
			break;
		}
	}
	if (!valid) return null;
	const bytes = fromBase64Url(body);
	if (!bytes) return null;
	let payload: unknown;
	try {
		payload = JSON.parse(decoder.decode(bytes));
	} catch {
		return null;
	}
	const cookie = fromPayload(payload);
	return cookie && { ...cookie, raw: value };
}

function isBitMap(value: unknown): value is Record<string, 0 | 1> {
	if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
	return Object.values(value).every((v) => v === 0 || v === 1);
}

function fromPayload(raw: unknown): DecisionCookie | null {
	if (typeof raw !== "object" || raw === null) return null;
	const p = raw as Partial<Payload>;
	if (
		typeof p.s !== "string" ||
		!Number.isSafeInteger(p.v) ||
		!Number.isSafeInteger(p.i) ||
		!Number.isSafeInteger(p.u) ||
		!isBitMap(p.p) ||
		!isBitMap(p.d) ||
		!Array.isArray(p.g) ||
		typeof p.j !== "string" ||
		(p.pv !== null && typeof p.pv !== "string") ||
		(p.r !== undefined && !Number.isSafeInteger(p.r))
	) {
		return null;
	}
	const purposes: Record<string, boolean> = {};
	const sources: Record<string, string> = {};
	for (const [k, v] of Object.entries(p.p)) {
		purposes[k] = v === 1;
		sources[k] = p.g.includes(k) ? "gpc" : "cookie";
	}
	const decision: Record<string, boolean> = {};
	for (const [k, v] of Object.entries(p.d)) decision[k] = v === 1;
	return {
		subject: p.s,
		state: {
			version: p.v as number,
			purposes,
			sources,
			policyVersion: p.pv ?? null,
			updatedAt: (p.u as number) * 1000,
		},
		issuedAt: (p.i as number) * 1000,
		decision,
		jurisdiction: p.j,
		prompt: p.pr === 1,
		gpc: p.gp === 1,
		visitorIdSetAt: p.r === undefined ? undefined : p.r * 1000,
	};
}

/** A cookie issued up to this far "in the future" (another machine's clock) still counts as fresh. */
const CLOCK_SKEW_MS = 60_000;

/** The times (epoch ms, both included) during which the cookie alone decides: see cookieIsFresh. */
export function cookieFreshWindow(cookie: DecisionCookie): { readonly from: number; readonly to: number } {
	return { from: cookie.issuedAt - CLOCK_SKEW_MS, to: cookie.issuedAt + COOKIE_ALLOWANCE_MS };
}

/** Whether the cookie alone may decide: always for denials; allowances only while fresh. */
export function cookieIsFresh(cookie: DecisionCookie, now: number): boolean {
	const { from, to } = cookieFreshWindow(cookie);
	return now >= from && now <= to;
}
