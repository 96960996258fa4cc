/**
 * Finding a subject's stored choices, cheapest source first: a fresh signed `ce_consent` cookie (no
 * storage read), then KV, then D1 (filling KV in the background, never over a newer version, unless
 * D1 has nothing for the subject or the answer hands the visitor a fresh cookie: LookupOptions.fill).
 * A cookie newer than KV, or one holding a denial KV lacks, means KV may be stale, so D1 is read.
 * With storage down, a stale cookie's denials still hold and everything else fails closed
 * (`degraded`).
 */

import { ConsentRepository } from "../storage/consent-repository";
import { fillCachedState, readCachedState } from "../storage/state-cache";
import type { StoredLookup } from "./decide-consent";
import { cookieIsFresh, type DecisionCookie } from "./decision-cookie";
import type { StoredState } from "./stored-state";

export type LookupSource = "new" | "cookie" | "kv" | "d1" | "none";

export interface StateLookup {
	readonly lookup: StoredLookup;
	readonly source: LookupSource;
	/** D1 bookmark to hand back to the caller, when D1 was read. */
	readonly bookmark?: string | null;
}

export interface LookupOptions {
	readonly cookie?: DecisionCookie | null;
	/** The visitor id was just issued: nothing can be stored for it. */
	readonly fresh?: boolean;
	readonly bookmark?: string | null;
	/**
	 * Read D1 at the primary, past the cookie and KV: for an answer that must carry a write already
	 * made (an idempotent replay), which a lagging KV entry may not hold yet.
	 */
	readonly primary?: boolean;
	readonly now: number;
	/**
	 * Whether a D1 read fills KV (the default). False for a visitor's own decision answer, which hands
	 * them a freshly signed `ce_consent`: for the next 10 minutes that cookie answers their requests,
	 * and a fill would expire with it, so it would cost a KV read and a KV write (KV's dearest
	 * operation, 1 per second per key) for nobody. Keyed, check and guard lookups still fill.
	 */
	readonly fill?: boolean;
}

function found(state: StoredState): StoredLookup {
	return state.version > 0 ? { status: "found", state } : { status: "none" };
}

function denialsOnly(state: StoredState): StoredState {
	const purposes: Record<string, boolean> = {};
	for (const [k, v] of Object.entries(state.purposes)) if (v === false) purposes[k] = false;
	return { ...state, purposes };
}

/**
 * What a verified `ce_consent` says is stored for `subject`, when it can say it: issued to this
 * subject and still fresh. Undefined sends the lookup to storage.
 */
export function cookieLookup(
	cookie: DecisionCookie | null | undefined,
	subject: string,
	now: number,
): StoredLookup | undefined {
	return cookie && cookie.subject === subject && cookieIsFresh(cookie, now) ? found(cookie.state) : undefined;
}

/**
 * Whether KV may answer for a visitor whose stale cookie carries `cookie`: only when it is at least as
 * new and keeps every denial the cookie holds. A version alone does not say that: a GPC opt-out
 * recorded from a cookie's (older) copy is signed with the version after the cookie's, which D1 may
 * have given another write, so a lagging entry can have that version, or a newer one, without the
 * opt-out. Otherwise D1 decides (an allowance given since through another channel is there too).
 */
function cachedAnswersCookie(cached: StoredState, cookie: StoredState): boolean {
	if (cached.version < cookie.version) return false;
	for (const [name, allowed] of Object.entries(cookie.purposes))
		if (allowed === false && cached.purposes[name] !== false) return false;
	return true;
}

/**
 * Whether a D1 read is older than the visitor's own cookie, whose version some write had reached: the
 * read came from a replica lagging the primary (any replica may answer), and could hand back the
 * allowance the cookie's denial replaced, so the primary is read instead. (An erasure since, or a GPC
 * record still queued, also reads older; the primary's answer then stands, as it did before.)
 */
function olderThanCookie(
	state: StoredState | null,
	cookie: DecisionCookie | null | undefined,
	subject: string,
): boolean {
	return !!cookie && cookie.subject === subject && (state?.version ?? 0) < cookie.state.version;
}

export async function lookupStoredState(
	env: Env,
	ctx: ExecutionContext,
	subject: string,
	options: LookupOptions,
): Promise<StateLookup> {
	const { cookie, now } = options;
	if (options.fresh) return { lookup: { status: "none" }, source: "new" };
	const past = options.bookmark || options.primary;
	const fromCookie = past ? undefined : cookieLookup(cookie, subject, now);
	if (fromCookie) return { lookup: fromCookie, source: "cookie" };
	if (!past) {
		try {
			const cached = await readCachedState(env.CONSENT_KV, subject);
			if (cached && (!cookie || cookie.subject !== subject || cachedAnswersCookie(cached, cookie.state))) {
				return { lookup: found(cached), source: "kv" };
			}
		} catch (err) {
			console.warn("kv read failed; falling back to D1", err);
		}
	}
	try {
		let repo = ConsentRepository.forSubject(
			env,
			subject,
			options.primary ? "write" : "read",
			options.bookmark,
		);
		let state = await repo.readState(subject);
		if (!options.primary && olderThanCookie(state, cookie, subject)) {
			repo = ConsentRepository.forSubject(env, subject, "write");
			state = await repo.readState(subject);
		}
		const stored = state ?? { version: 0, purposes: {}, sources: {}, policyVersion: null, updatedAt: 0 };
		// Nothing stored (a made-up `ce_vid`, which anyone may send unlimited): never filled, or every
		// new id would cost a KV write (1,000 a day on the free plan); D1 answers such ids again.
		if (state && options.fill !== false) {
			ctx.waitUntil(
				fillCachedState(env.CONSENT_KV, subject, stored).catch((err) => console.warn("kv fill failed", err)),
			);
		}
		return { lookup: found(stored), source: "d1", bookmark: repo.bookmark() };
	} catch (err) {
		console.error("d1 read failed; deciding fail-closed", err);
		if (cookie && cookie.subject === subject) {
			return { lookup: { status: "unavailable", known: denialsOnly(cookie.state) }, source: "cookie" };
		}
		return { lookup: { status: "unavailable" }, source: "none" };
	}
}
