/**
 * KV store of the first answers to keyed writes made with an Idempotency-Key outside the consent
 * path (suppressions, unsubscribe links, erasure), kept 24 h under the hash of caller scope + key.
 * Unlike the consent writes' answers (D1, atomic with the write), these are stored after the
 * operation: each is idempotent in itself (a suppression added twice, a subject erased twice, a link
 * minted twice), so a retry landing before the answer is stored only does the work again (and the
 * later of the two answers may be the one kept: KV has no compare-and-set), and KV's limit of one
 * write a second per key is met by nothing but such duplicates. An entry holds
 * hashes and the answer only: an erasure's answer is a bodiless 204, so nothing names its subject.
 */
const PREFIX = "idem:";
export const KEYED_ANSWER_TTL_S = 24 * 3600;

export interface KeyedAnswer {
	/** Hash of the scoped key + method, path and body: the same key with another request is a 409. */
	readonly requestHash: string;
	readonly status: number;
	readonly body: string;
	/** Content-Type of the answer, null for a bodiless one. */
	readonly contentType: string | null;
}

function isKeyedAnswer(value: unknown): value is KeyedAnswer {
	if (typeof value !== "object" || value === null) return false;
	const v = value as Partial<KeyedAnswer>;
	return (
		typeof v.requestHash === "string" &&
		Number.isSafeInteger(v.status) &&
		typeof v.body === "string" &&
		(v.contentType === null || typeof v.contentType === "string")
	);
}

export async function readKeyedAnswer(kv: KVNamespace, hashedKey: string): Promise<KeyedAnswer | null> {
	const value = await kv.get(PREFIX + hashedKey, "json");
	return isKeyedAnswer(value) ? value : null;
}

export async function saveKeyedAnswer(
	kv: KVNamespace,
	hashedKey: string,
	answer: KeyedAnswer,
): Promise<void> {
	await kv.put(PREFIX + hashedKey, JSON.stringify(answer), { expirationTtl: KEYED_ANSWER_TTL_S });
}
