/**
 * Writes nobody would retry: a GPC opt-out seen while D1 is down, or a one-click unsubscribe
 * (mailbox providers do not retry). They go on a Cloudflare Queue and the consumer writes them to
 * D1 with retries and backoff; after `max_retries` the queue moves them to the dead-letter queue,
 * whose consumer (dead-letters.ts) tries them once more and parks what still fails in KV.
 */
import type { CacheDropMessage } from "../consent/erased-cache-drop";
import { subjectDigest } from "../consent/subject-digest";
import type { SuppressionMessage } from "../email/deferred-suppression";
import { type ChangeRequest, ConsentRepository } from "../storage/consent-repository";
import { writeCachedState } from "../storage/state-cache";

export interface ConsentChangeMessage {
	readonly type: "consent-change";
	readonly subject: string;
	readonly change: ChangeRequest;
}

/** Every kind of deferred write; each capability registers the handler for its own type. */
export type DeferredWrite = ConsentChangeMessage | SuppressionMessage | CacheDropMessage;

/**
 * What the rest of one consumer invocation's batch may still spend, so a batch stays within D1's
 * 1000 queries per invocation: a message of the usual kind makes a handful, but an unsubscribe makes
 * about four per linked subject it updates, and a batch holds up to 50 messages.
 */
export interface BatchAllowance {
	/** Linked subjects the batch's unsubscribes may still update; the rest go in later messages. */
	linkedSubjects: number;
}

/** About 400 queries for the linked subjects, leaving room for 50 messages of other kinds. */
const LINKED_SUBJECTS_PER_BATCH = 100;

export function newBatchAllowance(): BatchAllowance {
	return { linkedSubjects: LINKED_SUBJECTS_PER_BATCH };
}

type Handler<M extends DeferredWrite = DeferredWrite> = (
	message: M,
	env: Env,
	allowance: BatchAllowance,
) => Promise<void>;
const handlers = new Map<string, Handler>();

export function registerDeferredWrite<T extends DeferredWrite["type"]>(
	type: T,
	handler: Handler<Extract<DeferredWrite, { type: T }>>,
): void {
	handlers.set(type, handler as Handler);
}

/**
 * A queued change is applied after the fact: a purpose the subject chose again since the change was
 * made keeps that later choice (an opt-in made after a queued GPC signal stands; a GPC visitor's next
 * request records the signal again if it is still sent), and a change made before the subject was
 * erased went with everything else it had said: written now, it would outlive the erasure.
 */
registerDeferredWrite("consent-change", async (message, env) => {
	const { subject, change } = message;
	const repo = ConsentRepository.forSubject(env, subject, "write");
	if (await repo.erasedSince(await subjectDigest(env, subject), change.now)) return;
	const later = await repo.purposesChangedAfter(subject, change.now);
	const changes = Object.fromEntries(
		Object.entries(change.changes).filter(([purpose]) => !later.has(purpose)),
	);
	if (Object.keys(changes).length === 0) return;
	const result = await repo.append(subject, { ...change, changes });
	if (result.kind === "written" && result.record)
		await writeCachedState(env.CONSENT_KV, subject, result.state);
});

/**
 * Writes one deferred write through its type's handler; false for a type no handler knows (nothing
 * will ever write it). Throws what the handler throws, e.g. when D1 is unavailable.
 */
export async function applyDeferredWrite(
	body: DeferredWrite,
	env: Env,
	allowance: BatchAllowance,
): Promise<boolean> {
	const handler = handlers.get(body?.type);
	if (!handler) return false;
	await handler(body, env, allowance);
	return true;
}

export async function deferWrite(env: Env, message: DeferredWrite): Promise<void> {
	await env.CONSENT_QUEUE.send(message, { contentType: "json" });
}

/**
 * Ten minutes: with wrangler.toml's `max_retries = 100` (Queues' limit) a message is retried for about
 * 15.5 hours before it is dead-lettered, each one trying D1 at most six times an hour meanwhile. That
 * stays within a day, the shortest message retention a queue may have (Free plan; 4 days by default),
 * so no message expires while it is still being retried.
 */
const MAX_DELAY_S = 600;

/** Exponential backoff: 2, 4, 8 ... seconds, at most ten minutes. */
export function retryDelaySeconds(attempts: number): number {
	return Math.min(MAX_DELAY_S, 2 ** Math.max(1, attempts));
}

export async function consumeDeferredWrites(batch: MessageBatch<DeferredWrite>, env: Env): Promise<void> {
	const allowance = newBatchAllowance();
	for (const message of batch.messages) {
		try {
			if (!(await applyDeferredWrite(message.body, env, allowance)))
				console.error("dropping a deferred write of unknown type", message.id);
			message.ack();
		} catch (err) {
			console.warn("deferred write failed; retrying", message.id, err);
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		}
	}
}
