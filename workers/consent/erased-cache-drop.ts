/**
 * An erased subject's KV entry that KV would not delete: D1 has forgotten the subject, but the entry
 * (7 days for one denying everything) would go on answering lookups with the erased choices. The
 * delete goes on the writes queue, whose consumer retries it with backoff until KV takes it (and
 * dead-letters and parks it as any deferred write); should the queue refuse it too, it is noted in
 * D1 for the hourly cron.
 */
import { deferWrite, registerDeferredWrite } from "../queue/deferred-writes";
import {
	clearPendingCacheDrop,
	listPendingCacheDrops,
	notePendingCacheDrop,
} from "../storage/pending-cache-drops";
import { allConsentDatabases } from "../storage/shards";
import { dropCachedState } from "../storage/state-cache";

export interface CacheDropMessage {
	readonly type: "state-cache-drop";
	readonly subject: string;
}

/** Throws while KV refuses the delete, so the message is retried. */
registerDeferredWrite("state-cache-drop", (message, env) => dropCachedState(env.CONSENT_KV, message.subject));

/**
 * Has the delete of `subject`'s KV entry made later: queued, or noted in D1 when the queue refuses it.
 * Never throws: the erasure it follows is done.
 */
export async function retryCacheDrop(env: Env, subject: string, now: number): Promise<void> {
	try {
		await deferWrite(env, { type: "state-cache-drop", subject });
	} catch (err) {
		console.warn("kv delete not queued; noted for the cron", err);
		await notePendingCacheDrop(env, subject, now).catch((err) => console.error("kv delete lost", err));
	}
}

/**
 * Noted deletes one cron run makes at most: a KV delete each, within the KV operations the run's
 * replay of parked writes leaves (it may spend about 900 of 1000), and a D1 query each to clear the notes.
 */
export const CACHE_DROPS_PER_RUN = 50;

/**
 * Makes up to `limit` noted deletes, oldest erasure first, clearing each note once KV has taken its
 * delete; throws at the first that KV (or D1) refuses, leaving the rest for the next run.
 */
export async function sweepPendingCacheDrops(env: Env, limit = CACHE_DROPS_PER_RUN): Promise<void> {
	for (const db of allConsentDatabases(env)) {
		for (const pending of await listPendingCacheDrops(db, limit)) {
			await dropCachedState(env.CONSENT_KV, pending.subject);
			await clearPendingCacheDrop(db, pending);
			limit--;
		}
		if (limit <= 0) return;
	}
}
