/**
 * Idempotency-Key for the keyed writes outside the consent path: a replay within 24 h answers the
 * stored first answer (status, body, Content-Type) with `Idempotent-Replayed: true`, the same key with
 * another request is 409, and a request without the header runs as if this were not here. Only a
 * 2xx answer is kept: an error (a 503 above all) must stay retryable with the same key.
 */
import { sha256Base64Url } from "../crypto/hmac";
import { type KeyedAnswer, readKeyedAnswer, saveKeyedAnswer } from "../storage/keyed-answers";
import { idempotencyConflict, idempotencyKeyOf, REPLAYED_HEADER, scopedKeyHash } from "./idempotency-key";
import { NO_STORE } from "./responses";

export interface KeyedWrite {
	/** The caller's scope (see keyedScope). */
	readonly scope: string;
	/** Method, path and body of the request, as the route reads them (e.g. a decoded subject). */
	readonly fingerprint: string;
}

export async function idempotentWrite(
	request: Request,
	env: Env,
	write: KeyedWrite,
	run: () => Promise<Response>,
): Promise<Response> {
	const key = idempotencyKeyOf(request);
	if (key === null) return run();
	const hashedKey = await scopedKeyHash(write.scope, key);
	// Hashed with the scoped key, so a stored hash cannot be matched against guessed requests (an
	// erased subject's path) by anyone who does not hold the key.
	const requestHash = await sha256Base64Url(`${hashedKey}\n${write.fingerprint}`);
	const earlier = await readKeyedAnswer(env.CONSENT_KV, hashedKey).catch((err) => {
		// The operation is idempotent: without KV it is made again rather than refused.
		console.warn("idempotency answer read failed", err);
		return null;
	});
	if (earlier) {
		if (earlier.requestHash !== requestHash) throw idempotencyConflict();
		return replay(earlier);
	}
	const response = await run();
	if (response.status < 200 || response.status > 299) return response;
	const answer: KeyedAnswer = {
		requestHash,
		status: response.status,
		body: await response.text(),
		contentType: response.headers.get("Content-Type"),
	};
	// Awaited, not left to waitUntil: a retry sent as soon as this answer arrives must find it.
	await saveKeyedAnswer(env.CONSENT_KV, hashedKey, answer).catch((err) =>
		console.warn("idempotency answer write failed", err),
	);
	return new Response(answer.body || null, response);
}

function replay(answer: KeyedAnswer): Response {
	const headers = new Headers({ "Cache-Control": NO_STORE, [REPLAYED_HEADER]: "true" });
	if (answer.contentType !== null) headers.set("Content-Type", answer.contentType);
	return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers });
}

/** What a request's hash covers: method, path and body. */
export function requestFingerprint(method: string, path: string, body: string): string {
	return `${method} ${path}\n${body}`;
}
