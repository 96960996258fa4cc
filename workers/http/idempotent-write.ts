/**
 * Idempotency-Key for the keyed writes outside the consent path: a replay within 24 h answers the
 * stored first answer (status and body) with `Idempotent-Replayed: true`, the same key with another
 * request (a consent write's too) is 409, a retry while the first request is still at work is 409
 * with `Retry-After: 1`, and a request without the header runs as if this were not here. Only a 2xx
 * answer is kept: an error (a 503 above all) must stay retryable with the same key.
 */
import { sha256Base64Url } from "../crypto/hmac";
import { claimKey, releaseKey, saveKeyedAnswer } from "../storage/keyed-answers";
import { keyedAnswerDatabase } from "../storage/shards";
import {
	idempotencyConflict,
	idempotencyInProgress,
	idempotencyKeyOf,
	REPLAYED_HEADER,
	scopedKeyHash,
} from "./idempotency-key";
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
	const db = keyedAnswerDatabase(env);
	const claim = await claimKey(db, hashedKey, requestHash, Date.now()).catch((err) => {
		// Each of these writes is idempotent in itself: without D1 it is made again rather than
		// refused (a suppression is then queued, an erasure answers 503).
		console.warn("idempotency key claim failed", err);
		return null;
	});
	if (claim === null) return run();
	if (claim.kind === "in-progress") {
		throw claim.requestHash === requestHash ? idempotencyInProgress() : idempotencyConflict();
	}
	if (claim.kind === "answered") {
		if (claim.answer.requestHash !== requestHash) throw idempotencyConflict();
		return replay(claim.answer);
	}
	const release = () =>
		releaseKey(db, hashedKey, claim.claimedAt).catch((err) =>
			console.warn("idempotency key release failed; it is free again once its lease ends", err),
		);
	let response: Response;
	try {
		response = await run();
	} catch (err) {
		await release();
		throw err;
	}
	if (response.status < 200 || response.status > 299) {
		await release();
		return response;
	}
	const answer = { status: response.status, body: await response.text() };
	// Awaited, not left to waitUntil: a retry sent as soon as this answer arrives must find it.
	await saveKeyedAnswer(db, hashedKey, claim.claimedAt, answer).catch((err) =>
		console.warn("idempotency answer write failed; its claim is free again once its lease ends", err),
	);
	return new Response(answer.body || null, response);
}

/** Every answer kept here is JSON or bodiless (a 204), so its Content-Type is not stored. */
function replay(answer: { status: number; body: string }): Response {
	const headers = new Headers({ "Cache-Control": NO_STORE, [REPLAYED_HEADER]: "true" });
	if (answer.body !== "") headers.set("Content-Type", "application/json; charset=utf-8");
	return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers });
}

/** What a request's hash covers: method, path and body. */
export function requestFingerprint(method: string, path: string, body: string): string {
	return `${method} ${path}\n${body}`;
}
