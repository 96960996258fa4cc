/**
 * The retention purge: audit records older than the retention period (default 24 months,
 * California 11 CCR 7101 and Colorado) are deleted, except each subject's latest record, which is
 * the proof of the choice still in force; expired idempotency answers go too. Each run leaves a
 * tombstone row saying what it deleted. Deletes go in bounded chunks so no statement runs long.
 */

import { drizzle } from "drizzle-orm/d1";
import { IDEMPOTENCY_TTL_MS } from "./consent-repository";
import { retentionPurges } from "./schema";

const CHUNK = 500;
const MAX_CHUNKS = 200;

export interface PurgeResult {
	cutoff: number;
	recordsDeleted: number;
	idempotencyKeysDeleted: number;
}

async function deleteInChunks(db: D1Database, sql: string, ...params: unknown[]): Promise<number> {
	let total = 0;
	for (let i = 0; i < MAX_CHUNKS; i++) {
		const result = await db
			.prepare(sql)
			.bind(...params, CHUNK)
			.run();
		const changes = result.meta.changes ?? 0;
		total += changes;
		if (changes < CHUNK) break;
	}
	return total;
}

export async function purgeExpired(db: D1Database, now: number, retentionMs: number): Promise<PurgeResult> {
	const cutoff = now - retentionMs;
	const recordsDeleted = await deleteInChunks(
		db,
		`DELETE FROM consent_records WHERE record_id IN (
			SELECT r.record_id FROM consent_records r
			WHERE r.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM consent_subjects s WHERE s.last_record_id = r.record_id)
			LIMIT ?)`,
		cutoff,
	);
	const idempotencyKeysDeleted = await deleteInChunks(
		db,
		"DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys WHERE created_at < ? LIMIT ?)",
		now - IDEMPOTENCY_TTL_MS,
	);
	await drizzle(db)
		.insert(retentionPurges)
		.values({
			id: crypto.randomUUID(),
			ranAt: new Date(now),
			cutoff: new Date(cutoff),
			recordsDeleted,
			idempotencyKeysDeleted,
		});
	return { cutoff, recordsDeleted, idempotencyKeysDeleted };
}
