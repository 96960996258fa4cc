/**
 * EMAIL_HASH_KEY for hashing an address or a subject. A 503 `not_configured` when it is missing or
 * empty (Web Crypto refuses an empty HMAC key: every such request was a 500), or when it is not the
 * key the stored hashes were made with: under another key every suppression check answered "not
 * suppressed" and unsubscribes were recorded where no check finds them. The key is compared with a
 * fingerprint kept in KV the first time it is used, once per env object (once per isolate).
 */
import { notConfigured } from "../config/required-secrets";
import { settingsFor } from "../config/settings";
import { emailHashKeyFingerprint, readKeyFingerprint, writeKeyFingerprint } from "../storage/key-fingerprint";

const CHANGED = "EMAIL_HASH_KEY differs from the one the stored hashes were made with; put that key back.";

/** Per env object: whether its key is the recorded one. A KV failure is not remembered. */
const checks = new WeakMap<object, Promise<boolean>>();

export async function emailHashKey(env: Env): Promise<string> {
	const key = settingsFor(env).emailHashKey;
	if (key === null) throw notConfigured("EMAIL_HASH_KEY");
	let check = checks.get(env);
	if (!check) {
		check = isRecordedKey(env, key);
		checks.set(env, check);
	}
	if (!(await check)) throw notConfigured("EMAIL_HASH_KEY", CHANGED);
	return key;
}

async function isRecordedKey(env: Env, key: string): Promise<boolean> {
	const fingerprint = await emailHashKeyFingerprint(key);
	try {
		const recorded = await readKeyFingerprint(env.CONSENT_KV);
		if (recorded === null) await writeKeyFingerprint(env.CONSENT_KV, fingerprint);
		else if (recorded !== fingerprint) {
			console.error(
				"EMAIL_HASH_KEY differs from the one the stored hashes were made with (fingerprint in KV): requests that hash addresses are answered 503 not_configured",
			);
			return false;
		}
	} catch (err) {
		// Unknown, not wrong: suppressions live in D1, and a KV outage must not stop their checks.
		console.warn("EMAIL_HASH_KEY fingerprint unavailable", err);
		checks.delete(env);
	}
	return true;
}
