/**
 * The dead-letter queue's consumer. A write lands there after about 15.5 hours of retries with D1
 * unavailable, and a queue keeps a message only days: it is tried once more, and what still fails is
 * parked in KV (storage/parked-writes.ts), which does not depend on D1, for the hourly cron to write
 * (parked-write-replay.ts). Only if KV refuses it too does the message stay on this queue, retried.
 */
import { parkWrite } from "../storage/parked-writes";
import {
	applyDeferredWrite,
	type DeferredWrite,
	newBatchAllowance,
	retryDelaySeconds,
} from "./deferred-writes";

/** wrangler.toml's `dead_letter_queue` of the writes queue's consumer, and this consumer's queue. */
export const DEAD_LETTER_QUEUE = "consent-edge-writes-dlq";
/** Its consumer's `max_retries` (wrangler.toml): the delivery after that many is the last. */
export const DEAD_LETTER_RETRIES = 100;

export async function consumeDeadLetters(batch: MessageBatch<DeferredWrite>, env: Env): Promise<void> {
	const allowance = newBatchAllowance();
	for (const message of batch.messages) {
		try {
			if (!(await applyDeferredWrite(message.body, env, allowance)))
				console.error("dropping a dead-lettered write of unknown type", message.id);
			message.ack();
			continue;
		} catch (err) {
			console.warn("dead-lettered write failed again; parking it", message.id, err);
		}
		try {
			const key = await parkWrite(env.CONSENT_KV, message);
			// The line to alert on: D1 has refused this write for hours, and it waits in KV for the cron.
			console.error("deferred write parked in KV until D1 takes it", key);
			message.ack();
		} catch (err) {
			if (message.attempts > DEAD_LETTER_RETRIES) {
				// This queue has no dead-letter queue of its own: the message goes now. Its body is logged
				// whole (a subject id or an address hash, no address) so that an operator can still write it.
				console.error("dead-lettered write lost: D1 and KV refused it through every retry", message.id, {
					write: JSON.stringify(message.body),
					err,
				});
			} else console.error("parking a dead-lettered write failed; retrying", message.id, err);
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		}
	}
}
