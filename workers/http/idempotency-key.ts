/**
 * The pieces of `Idempotency-Key` every keyed write shares (CONTRACT.md: scoped to the caller for
 * 24 h, a replay returns the first answer, the same key with another request is 409): the key's
 * syntax, its hash within the caller's scope, the conflict error and the replay marker.
 */
import { sha256Base64Url } from "../crypto/hmac";
import { HttpError } from "./http-error";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Set on every answer that replays a stored one. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** The request's Idempotency-Key, null when absent; a malformed one is a 400. */
export function idempotencyKeyOf(request: Request): string | null {
	const key = request.headers.get("Idempotency-Key");
	if (key === null) return null;
	if (!IDEMPOTENCY_KEY.test(key)) {
		throw new HttpError(
			400,
			"invalid_idempotency_key",
			"Idempotency-Key must be 1-255 visible ASCII characters.",
		);
	}
	return key;
}

/** A keyed caller's scope: keys of the admin, sender and reader keys never meet. */
export function keyedScope(scope: string): string {
	return `key:${scope}`;
}

/** The stored name of a key: a hash over the caller's scope, so keys of different callers never collide. */
export function scopedKeyHash(scope: string, key: string): Promise<string> {
	return sha256Base64Url(`${scope}\n${key}`);
}

export function idempotencyConflict(
	message = "This Idempotency-Key was used with a different request.",
): HttpError {
	return new HttpError(409, "idempotency_conflict", message);
}

/**
 * Another request with this key is still being made (as Stripe answers it): never made twice, and
 * retried in a moment it gets that request's answer.
 */
export function idempotencyInProgress(): HttpError {
	return new HttpError(
		409,
		"idempotency_conflict",
		"A request with this Idempotency-Key is still in progress; retry shortly to get its answer.",
		{ "Retry-After": "1" },
	);
}
