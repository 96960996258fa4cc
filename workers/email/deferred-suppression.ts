/**
 * Unsubscribes D1 could not take at once. Mailbox providers do not retry a one-click POST, so the
 * request goes on the consent queue (queue/deferred-writes.ts) and its consumer applies it with
 * retries and backoff, while the person is told they are unsubscribed.
 */
import { deferWrite, registerDeferredWrite } from "../queue/deferred-writes";
import { type SuppressionRequest, suppressAddress } from "./suppress-address";

export interface SuppressionMessage extends SuppressionRequest {
	readonly type: "email-suppression";
}

registerDeferredWrite("email-suppression", async (message, env) => {
	await suppressAddress(env, message);
});

export async function deferSuppression(env: Env, request: SuppressionRequest): Promise<void> {
	await deferWrite(env, { type: "email-suppression", ...request });
}
