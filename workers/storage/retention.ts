/**
 * The retention purge: audit records older than the retention period (default 24 months,
 * California 11 CCR 7101 and Colorado) are deleted, except each subject's latest record, which is
 * the proof of the choice still in force; expired idempotency answers go too. Each run leaves a
 * tombstone row saying what it deleted. Deletes go in bounded chunks so no statement runs long, and
 * a run makes at most a budget of D1 queries (one invocation may make 1000 on Paid, shared by every
 * shard the cron purges); what is left over goes in the next run.
 */

import { IDEMPOTENCY_TTL_MS } from "./consent-repository";
import { insertQuery, statement } from "./queries";
import { retentionPurgesTable } from "./schema";

// A chunk of this many rows takes tens of milliseconds (~25 ms locally for answers of 1.5 KB), so
// writes queued behind it barely wait.
const CHUNK = 2000;
/**
 * D1 queries one cron invocation spends, under the 1000 it may make: with one database, about
 * 900,000 rows a day per table. Answers expire after a day, so a site sending Idempotency-Key at a
 * few writes per second has hundreds of thousands to delete daily (the bound this replaced, 200
 * chunks of 500 rows, let them pile up without end).
 */
export const PURGE_QUERY_BUDGET = 900;

export interface PurgeResult {
	cutoff: number;
	recordsDeleted: number;
	idempotencyKeysDeleted: number;
	/** False when the run stopped at its query budget with rows still to delete. */
	complete: boolean;
}

async function deleteInChunks(db: D1Database, maxChunks: number, sql: string, ...params: unknown[]) {
	let deleted = 0;
	let queries = 0;
	while (queries < maxChunks) {
		const result = await db
			.prepare(sql)
			.bind(...params, CHUNK)
			.run();
		queries++;
		const changes = result.meta.changes ?? 0;
		deleted += changes;
		if (changes < CHUNK) return { deleted, queries, done: true };
	}
	return { deleted, queries, done: false };
}

/** Purges one database in at most `maxQueries` D1 queries (at least 3: one per table and the tombstone). */
export async function purgeExpired(
	db: D1Database,
	now: number,
	retentionMs: number,
	maxQueries = PURGE_QUERY_BUDGET,
): Promise<PurgeResult> {
	const cutoff = now - retentionMs;
	// One query is the tombstone; records get half of the rest, and the answers whatever they leave.
	const chunks = Math.max(2, maxQueries - 1);
	const records = await deleteInChunks(
		db,
		Math.floor(chunks / 2),
		`DELETE FROM consent_records WHERE record_id IN (
			SELECT r.record_id FROM consent_records r
			WHERE r.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM consent_subjects s WHERE s.last_record_id = r.record_id)
			LIMIT ?)`,
		cutoff,
	);
	const answers = await deleteInChunks(
		db,
		chunks - records.queries,
		"DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys WHERE created_at < ? LIMIT ?)",
		now - IDEMPOTENCY_TTL_MS,
	);
	await statement(
		db,
		insertQuery(retentionPurgesTable()).values({
			id: crypto.randomUUID(),
			ranAt: new Date(now),
			cutoff: new Date(cutoff),
			recordsDeleted: records.deleted,
			idempotencyKeysDeleted: answers.deleted,
		}),
	).run();
	return {
		cutoff,
		recordsDeleted: records.deleted,
		idempotencyKeysDeleted: answers.deleted,
		complete: records.done && answers.done,
	};
}

/**
 * Purges every shard in one invocation, each with an equal share of the query budget. One shard
 * failing does not keep the others from being purged; the failures are thrown together at the end.
 */
export async function purgeShards(
	dbs: readonly D1Database[],
	now: number,
	retentionMs: number,
	budget = PURGE_QUERY_BUDGET,
): Promise<PurgeResult[]> {
	const share = Math.max(3, Math.floor(budget / dbs.length));
	const results: PurgeResult[] = [];
	const failures: unknown[] = [];
	for (const db of dbs) {
		try {
			const result = await purgeExpired(db, now, retentionMs, share);
			if (!result.complete)
				console.warn("retention purge stopped at its query budget; the next run continues");
			console.log("retention purge", result);
			results.push(result);
		} catch (err) {
			failures.push(err);
		}
	}
	if (failures.length > 0) throw new AggregateError(failures, "retention purge failed on a shard");
	return results;
}
