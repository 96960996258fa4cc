/**
 * The cron's replay of parked writes (storage/parked-writes.ts): each goes through its type's queue
 * handler, so it keeps the queue's ordering rules (a GPC opt-out yields to a choice made after it, a
 * change made before an erasure is dropped), and is deleted once written. One D1 still refuses stays
 * parked for the next run.
 */
import { dropParkedWrite, listParkedWrites, readParkedWrite } from "../storage/parked-writes";
import { applyDeferredWrite, type DeferredWrite, newBatchAllowance } from "./deferred-writes";

/**
 * As many as one consumer batch holds, with a batch's allowance of linked subjects: a run stays
 * within D1's 1000 queries per invocation and KV's 1000 operations (a list, then a read and a delete
 * each).
 */
export const REPLAYS_PER_RUN = 50;

export interface ReplayResult {
	readonly written: number;
	readonly failed: number;
}

export async function replayParkedWrites(env: Env): Promise<ReplayResult> {
	const allowance = newBatchAllowance();
	let written = 0;
	let failed = 0;
	for (const key of await listParkedWrites(env.CONSENT_KV, REPLAYS_PER_RUN)) {
		try {
			const body = await readParkedWrite(env.CONSENT_KV, key);
			// Gone since it was listed: another run wrote it.
			if (body === null) continue;
			if (!(await applyDeferredWrite(body as DeferredWrite, env, allowance)))
				console.error("dropping a parked write of unknown type", key);
			await dropParkedWrite(env.CONSENT_KV, key);
			written++;
		} catch (err) {
			failed++;
			console.error("parked write still not written; the next run tries again", key, err);
		}
	}
	return { written, failed };
}
