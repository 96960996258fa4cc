/**
 * KV read cache of a subject's stored choices and version (never a per-request decision, which
 * depends on GPC and location). Written after D1 commits; a fill never overwrites a newer version it
 * can see, and lives at most FILL_TTL_S. Readers at other locations may lag by KV's propagation time
 * (about 60 s) plus `cacheTtl`.
 */
import { NON_ESSENTIAL_PURPOSES } from "../config/purposes";
import { COOKIE_ALLOWANCE_MS } from "../consent/decision-cookie";
import type { StoredState } from "../consent/stored-state";

const PREFIX = "state:";
/** Edge cache time for reads (KV's minimum). */
export const KV_CACHE_TTL_S = 30;
/**
 * A write's entry (made right after its D1 commit) is a cache: let unused ones expire. Only one that
 * denies every non-essential purpose lives this long; any other, no longer than a fill's (below): KV
 * has no compare-and-set, so two writes whose puts land out of order, or a put landing after an
 * erasure (and after its second delete, dropLateCachedState), can leave an older state behind, and an
 * older state must not outlive the 10 minutes the contract gives an opt-out to reach everyone. That
 * holds for a partial denial too: `{ads: false}` left over a newer `{analytics: false}` leaves
 * analytics to the jurisdiction default, which allows in opt-out regions. An entry denying everything
 * has no newer denial to lack, so its staleness never turns tracking on.
 */
export const WRITE_TTL_S = 7 * 24 * 3600;
/**
 * A fill's entry lives no longer than a cookie's allowances are trusted (10 minutes). A fill can be
 * older than a write it cannot see: its D1 read may come from a replica that lags, and a write made
 * elsewhere reaches this location's KV only after propagation, so the re-read below misses it and
 * KV's last-writer-wins would keep the older state. Bounded like this, such a fill is gone within
 * the same 10 minutes the contract allows an opt-out made through another channel to reach a browser.
 */
export const FILL_TTL_S = COOKIE_ALLOWANCE_MS / 1000;

function key(subject: string): string {
	return PREFIX + subject;
}

function isState(value: unknown): value is StoredState {
	if (typeof value !== "object" || value === null) return false;
	const v = value as Partial<StoredState>;
	return (
		Number.isSafeInteger(v.version) &&
		typeof v.purposes === "object" &&
		v.purposes !== null &&
		typeof v.sources === "object" &&
		v.sources !== null &&
		typeof v.updatedAt === "number"
	);
}

/** The cached state (version 0 = known to have nothing stored), or undefined on a miss. */
export async function readCachedState(kv: KVNamespace, subject: string): Promise<StoredState | undefined> {
	const value = await kv.get<unknown>(key(subject), { type: "json", cacheTtl: KV_CACHE_TTL_S });
	return isState(value) ? value : undefined;
}

/** How long a write's entry for `state` may live (see WRITE_TTL_S). */
export function writeTtl(state: StoredState): number {
	return NON_ESSENTIAL_PURPOSES.every((name) => state.purposes[name] === false) ? WRITE_TTL_S : FILL_TTL_S;
}

/** A second past KV's one write per second per key. */
const RETRY_AFTER_MS = 1100;

/**
 * Caches the state a write has just committed to D1. A put KV refuses (a write to the same key less
 * than a second before) is tried once more after that second, so the entry does not keep the state
 * before the write, unless a newer version has been cached meanwhile (a write made in that second:
 * the retry landed over it, and KV kept the older state); a second refusal is thrown to the caller.
 */
export async function writeCachedState(kv: KVNamespace, subject: string, state: StoredState): Promise<void> {
	const put = () => kv.put(key(subject), JSON.stringify(state), { expirationTtl: writeTtl(state) });
	try {
		await put();
	} catch {
		await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
		const existing = await kv.get<unknown>(key(subject), { type: "json" });
		if (isState(existing) && existing.version > state.version) return;
		await put();
	}
}

/** Fills the cache after a D1 read, unless a newer version is already there; for FILL_TTL_S at most. */
export async function fillCachedState(kv: KVNamespace, subject: string, state: StoredState): Promise<void> {
	const existing = await kv.get<unknown>(key(subject), { type: "json" });
	if (isState(existing) && existing.version >= state.version) return;
	await kv.put(key(subject), JSON.stringify(state), { expirationTtl: FILL_TTL_S });
}

export async function dropCachedState(kv: KVNamespace, subject: string): Promise<void> {
	await kv.delete(key(subject));
}

/**
 * How long after a D1 commit its cache put can still land: right after the commit, or once more
 * RETRY_AFTER_MS later when KV refused the first (writeCachedState), plus the put's own time.
 */
export const LATE_PUT_WINDOW_MS = 2 * RETRY_AFTER_MS;

/**
 * Drops the entry again once a put for a write committed before an erasure can no longer land: KV
 * has no compare-and-set, and such a put arriving after the erasure's delete would keep the erased
 * choices cached (a denial for 7 days), answering lookups the erasure sent back to the defaults.
 */
export async function dropLateCachedState(kv: KVNamespace, subject: string): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, LATE_PUT_WINDOW_MS));
	await dropCachedState(kv, subject);
}
