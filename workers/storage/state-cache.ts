/**
 * KV read cache of a subject's stored choices and version (never a per-request decision, which
 * depends on GPC and location). Written after D1 commits; a fill never overwrites a newer version.
 * Readers at other locations may lag by KV's propagation time (about 60 s) plus `cacheTtl`.
 */
import type { StoredState } from "../consent/stored-state";

const PREFIX = "state:";
/** Edge cache time for reads (KV's minimum). */
export const KV_CACHE_TTL_S = 30;
/** Entries are a cache: let unused ones expire. */
const EXPIRATION_TTL_S = 7 * 24 * 3600;

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

export async function writeCachedState(kv: KVNamespace, subject: string, state: StoredState): Promise<void> {
	await kv.put(key(subject), JSON.stringify(state), { expirationTtl: EXPIRATION_TTL_S });
}

/** Fills the cache after a D1 read, unless a newer version is already there. */
export async function fillCachedState(kv: KVNamespace, subject: string, state: StoredState): Promise<void> {
	const existing = await kv.get<unknown>(key(subject), { type: "json" });
	if (isState(existing) && existing.version >= state.version) return;
	await writeCachedState(kv, subject, state);
}

export async function dropCachedState(kv: KVNamespace, subject: string): Promise<void> {
	await kv.delete(key(subject));
}
