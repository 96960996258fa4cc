/**
 * EMAIL_HASH_KEY for hashing an address or a subject. A 503 `not_configured` when it is missing or
 * empty (Web Crypto refuses an empty HMAC key: every such request was a 500), or when it is not the
 * key the stored hashes were made with: under another key every suppression check answered "not
 * suppressed" and unsubscribes were recorded where no check finds them. The key is compared with a
 * fingerprint kept in KV the first time it is used, once per env object (once per isolate); a
 * mismatch is looked at again a minute later, so a fingerprint deleted to start over with an empty
 * database (README) is seen without restarting the worker.
 */
import { notConfigured } from "../config/required-secrets";
import { settingsFor } from "../config/settings";
import { emailHashKeyFingerprint, readKeyFingerprint, writeKeyFingerprint } from "../storage/key-fingerprint";

const CHANGED = "EMAIL_HASH_KEY differs from the one the stored hashes were made with; put that key back.";

/** How long a mismatch is answered from memory: no KV read per request while the key is wrong. */
const MISMATCH_RECHECK_MS = 60_000;

interface KeyCheck {
	/** Whether the key is the recorded one. */
	readonly recorded: Promise<boolean>;
	/** When a request was first refused on this check. */
	refusedAt?: number;
}

/** Per env object. A KV failure is remembered only as the refusal it was rechecking. */
const checks = new WeakMap<object, KeyCheck>();

export async function emailHashKey(env: Env): Promise<string> {
	const key = settingsFor(env).emailHashKey;
	if (key === null) throw notConfigured("EMAIL_HASH_KEY");
	let check = checks.get(env);
	if (!check || (check.refusedAt !== undefined && Date.now() - check.refusedAt >= MISMATCH_RECHECK_MS)) {
		// A recheck that cannot read KV keeps refusing: a wrong key must not get through a KV outage.
		check = { recorded: isRecordedKey(env, key, check === undefined) };
		checks.set(env, check);
	}
	if (!(await check.recorded)) {
		check.refusedAt ??= Date.now();
		throw notConfigured("EMAIL_HASH_KEY", CHANGED);
	}
	return key;
}

/** `ifUnknown`: the answer when KV cannot be read. */
async function isRecordedKey(env: Env, key: string, ifUnknown: boolean): Promise<boolean> {
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
		if (!ifUnknown) return false;
		checks.delete(env);
	}
	return true;
}
