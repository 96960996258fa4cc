/**
 * KV's record of which EMAIL_HASH_KEY the stored hashes were made with: a fingerprint of the key (an
 * HMAC of a fixed label under it), never the key. Kept without expiry, apart from the state cache's
 * `state:` entries. KV, not D1: one value read once per isolate needs no table, and D1 may be sharded.
 * The suppression import (cli/) checks and records the same entry, through wrangler.
 */
import { hmacSign } from "../crypto/hmac";

export const FINGERPRINT_KEY = "config:email-hash-key";
const FINGERPRINT_LABEL = "consent-edge:email-hash-key-fingerprint";

export function emailHashKeyFingerprint(key: string): Promise<string> {
	return hmacSign(key, FINGERPRINT_LABEL);
}

export function readKeyFingerprint(kv: KVNamespace): Promise<string | null> {
	return kv.get(FINGERPRINT_KEY);
}

export async function writeKeyFingerprint(kv: KVNamespace, fingerprint: string): Promise<void> {
	await kv.put(FINGERPRINT_KEY, fingerprint);
}
