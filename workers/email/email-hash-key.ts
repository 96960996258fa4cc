/**
 * EMAIL_HASH_KEY for hashing an address or a subject: a 503 `not_configured` when it is missing or
 * empty (Web Crypto refuses an empty HMAC key, which made every such request a 500).
 */
import { notConfigured } from "../config/required-secrets";
import { settingsFor } from "../config/settings";

export async function emailHashKey(env: Env): Promise<string> {
	const key = settingsFor(env).emailHashKey;
	if (key === null) throw notConfigured("EMAIL_HASH_KEY");
	return key;
}
