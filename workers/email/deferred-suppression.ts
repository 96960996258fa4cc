/**
 * Unsubscribes D1 could not take at once. Mailbox providers do not retry a one-click POST, so the
 * request goes on the consent queue (queue/deferred-writes.ts) and its consumer applies it with
 * retries and backoff, while the person is told they are unsubscribed.
 */
import { storageUnavailable } from "../http/http-error";
import { deferWrite, registerDeferredWrite } from "../queue/deferred-writes";
import {
	MAX_LINKED_SUBJECTS,
	type SuppressionOutcome,
	type SuppressionRequest,
	suppressAddress,
} from "./suppress-address";

export interface SuppressionMessage extends SuppressionRequest {
	readonly type: "email-suppression";
}

/**
 * Within the batch's allowance of linked subjects (deferred-writes.ts): past it, an unsubscribe adds
 * its suppression (which alone stops the mail) and leaves its linked subjects to a message of its own.
 */
registerDeferredWrite("email-suppression", async (message, env, allowance) => {
	const outcome = await suppressAddress(
		env,
		message,
		Math.min(MAX_LINKED_SUBJECTS, allowance.linkedSubjects),
	);
	allowance.linkedSubjects -= outcome.subjectsUpdated;
	// Throws if the queue refuses it, so this message is retried and the rest still reached.
	if (outcome.more) await deferSuppression(env, message);
});

export async function deferSuppression(env: Env, request: SuppressionRequest): Promise<void> {
	await deferWrite(env, { type: "email-suppression", ...request });
}

/**
 * Applies an unsubscribe now, or queues it when D1 cannot take it (`"queued"`); a 503 only when the
 * queue refuses it too.
 */
export async function suppressOrQueue(
	env: Env,
	request: SuppressionRequest,
): Promise<SuppressionOutcome | "queued"> {
	let outcome: SuppressionOutcome;
	try {
		outcome = await suppressAddress(env, request);
	} catch (err) {
		console.error("unsubscribe write failed; queueing it", err);
		try {
			await deferSuppression(env, request);
			return "queued";
		} catch (queueErr) {
			console.error("queueing the unsubscribe failed", queueErr);
			throw storageUnavailable();
		}
	}
	// An address linked to more subjects than one request updates: the queue reaches the rest. The
	// suppression already stops the mail, so a refusal is only logged; a repeat unsubscribe continues.
	if (outcome.more) {
		await deferSuppression(env, request).catch((err) =>
			console.error("queueing the rest of an unsubscribe's linked subjects failed", err),
		);
	}
	return outcome;
}
