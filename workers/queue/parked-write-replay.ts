/**
 * The cron's replay of parked writes (storage/parked-writes.ts): each goes through its type's queue
 * handler, so it keeps the queue's ordering rules (a GPC opt-out yields to a choice made after it, a
 * change made before an erasure is dropped), and is deleted once written. One D1 still refuses stays
 * parked for the next run. Once D1 takes them again, the rest of a large backlog goes back on the
 * writes queue, whose consumer scales out, rather than waiting for later runs 50 at a time.
 */
import {
	dropParkedWrite,
	listParkedWrites,
	moveParkedWriteBack,
	type ParkedWriteMetadata,
	readParkedWrite,
	readParkedWriteWithMetadata,
	triedBefore,
} from "../storage/parked-writes";
import { applyDeferredWrite, type DeferredWrite, newBatchAllowance } from "./deferred-writes";

/**
 * Written here: as many as one consumer batch holds, with a batch's allowance of linked subjects, so
 * a run stays within D1's 1000 queries per invocation.
 */
export const REPLAYS_PER_RUN = 50;
/**
 * Put back on the queue after a run D1 took writes in. A read and a delete each: with the
 * replays' reads, deletes and cache puts (up to 150), a run stays within KV's 1000 operations.
 */
export const REQUEUES_PER_RUN = 300;
/** Queues' most messages per sendBatch. */
const SEND_BATCH = 100;

export interface ReplayResult {
	readonly written: number;
	readonly failed: number;
	readonly requeued: number;
}

/** Writes up to `replays` parked writes, then, if D1 took any of them, requeues up to `requeues` more. */
export async function replayParkedWrites(
	env: Env,
	replays = REPLAYS_PER_RUN,
	requeues = REQUEUES_PER_RUN,
): Promise<ReplayResult> {
	const keys = await listParkedWrites(env.CONSENT_KV, replays + requeues);
	const allowance = newBatchAllowance();
	let written = 0;
	let failed = 0;
	for (const key of keys.slice(0, replays)) {
		let parked: { body: unknown; metadata: ParkedWriteMetadata } | null = null;
		try {
			parked = await readParkedWriteWithMetadata(env.CONSENT_KV, key);
			// Gone since it was listed: another run wrote it.
			if (parked === null) continue;
			if (!(await applyDeferredWrite(parked.body as DeferredWrite, env, allowance)))
				console.error("dropping a parked write of unknown type", key);
			await dropParkedWrite(env.CONSENT_KV, key);
			written++;
		} catch (err) {
			failed++;
			console.error("parked write still not written; the next run tries again", key, err);
			// Behind the writes not yet tried: fifty that fail for reasons of their own would otherwise
			// be the whole of every run's list, and nothing behind them would ever be written.
			if (parked !== null)
				await moveParkedWriteBack(env.CONSENT_KV, key, parked.body, parked.metadata, Date.now()).catch(
					() => {},
				);
		}
	}
	// Only once D1 takes writes again: else they would only go round the queue's retries once more. Not
	// only when every one succeeded: a parked write that fails for a reason of its own would hold the
	// whole backlog to 50 an hour.
	// Not those a run already tried and failed to write: they fail for a reason of their own, and on
	// the queue would only go round its retries and come back parked.
	const rest = keys.slice(replays).filter((key) => !triedBefore(key));
	const requeued = written > 0 && rest.length > 0 ? await requeue(env, rest) : 0;
	return { written, failed, requeued };
}

/** Sends the parked writes at `keys` to the writes queue, deleting each once sent; stops at a failure. */
async function requeue(env: Env, keys: readonly string[]): Promise<number> {
	let requeued = 0;
	try {
		for (let i = 0; i < keys.length; i += SEND_BATCH) {
			const parked: { key: string; body: DeferredWrite }[] = [];
			for (const key of keys.slice(i, i + SEND_BATCH)) {
				const body = await readParkedWrite(env.CONSENT_KV, key);
				if (body !== null) parked.push({ key, body: body as DeferredWrite });
			}
			if (parked.length === 0) continue;
			await env.CONSENT_QUEUE.sendBatch(parked.map(({ body }) => ({ body, contentType: "json" })));
			// A delete that fails leaves a copy parked: written twice, it changes nothing twice.
			for (const { key } of parked) await dropParkedWrite(env.CONSENT_KV, key);
			requeued += parked.length;
		}
	} catch (err) {
		console.error("putting parked writes back on the queue failed; the next run continues", err);
	}
	return requeued;
}
