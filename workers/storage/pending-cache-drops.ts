/**
 * D1's note of a KV delete an erasure could not make, for when the queue refused it too (D1 has just
 * taken the erasure, so it takes this): the hourly cron makes the deletes, oldest erasure first, and
 * removes each note once KV has taken its delete. Kept in the erased subject's shard.
 */
import { and, eq } from "drizzle-orm";
import { deleteQuery, insertQuery, selectQuery, selectRows, statement } from "./queries";
import { pendingCacheDropsTable } from "./schema";
import { consentDatabase } from "./shards";

export interface PendingCacheDrop {
	readonly subject: string;
	readonly erasedAt: Date;
}

export async function notePendingCacheDrop(env: Env, subject: string, now: number): Promise<void> {
	const erasedAt = new Date(now);
	const pendingCacheDrops = pendingCacheDropsTable();
	await statement(
		consentDatabase(env, subject),
		insertQuery(pendingCacheDrops)
			.values({ subject, erasedAt })
			.onConflictDoUpdate({ target: pendingCacheDrops.subject, set: { erasedAt } }),
	).run();
}

/** Up to `limit` notes of one database, oldest erasure first. */
export async function listPendingCacheDrops(db: D1Database, limit: number): Promise<PendingCacheDrop[]> {
	const pendingCacheDrops = pendingCacheDropsTable();
	return selectRows(
		db,
		selectQuery.select().from(pendingCacheDrops).orderBy(pendingCacheDrops.erasedAt).limit(limit),
	);
}

/** Removes the note of a delete made, unless a later erasure of the subject noted its own meanwhile. */
export async function clearPendingCacheDrop(
	db: D1Database,
	{ subject, erasedAt }: PendingCacheDrop,
): Promise<void> {
	const pendingCacheDrops = pendingCacheDropsTable();
	await statement(
		db,
		deleteQuery(pendingCacheDrops).where(
			and(eq(pendingCacheDrops.subject, subject), eq(pendingCacheDrops.erasedAt, erasedAt)),
		),
	).run();
}
