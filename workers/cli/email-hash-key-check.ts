/**
 * Before the import writes a row: is its EMAIL_HASH_KEY the worker's? The worker records a fingerprint
 * of its key in KV the first time it hashes (storage/key-fingerprint.ts); rows hashed under another
 * key match no check (the worker answers "not suppressed" for every imported address), so an import
 * under a key other than the recorded one is refused. With none recorded yet, the import records its
 * own, so a worker started later with another key refuses it, as it would a changed key. A KV that
 * cannot be read stops nothing: the import goes on with a warning, as the worker does.
 */
import { emailHashKeyFingerprint, FINGERPRINT_KEY } from "../storage/key-fingerprint";
import { runWrangler, wranglerTarget } from "./d1-execute";
import type { ImportOptions } from "./import-options";
import { UsageError } from "./import-options";

const KV_BINDING = "CONSENT_KV";
/** What a recorded fingerprint looks like (base64url of an HMAC-SHA-256); else wrangler said "not found". */
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;

export async function checkEmailHashKey(
	key: string,
	options: ImportOptions,
	warn: (message: string) => void,
): Promise<void> {
	const fingerprint = await emailHashKeyFingerprint(key);
	const target = wranglerTarget(options);
	const read = await runWrangler([
		"kv",
		"key",
		"get",
		FINGERPRINT_KEY,
		"--binding",
		KV_BINDING,
		"--text",
		...target,
	]);
	if (read.code !== 0) {
		warn(`Could not read ${FINGERPRINT_KEY} from KV to check EMAIL_HASH_KEY; importing without the check.`);
		return;
	}
	const recorded = read.stdout.trim();
	if (FINGERPRINT.test(recorded)) {
		if (recorded === fingerprint) return;
		throw new UsageError(
			"EMAIL_HASH_KEY differs from the one the worker's stored hashes were made with (its fingerprint in KV, config:email-hash-key): every imported address would match no suppression check. Set the worker's key and import again; nothing was written.",
		);
	}
	if (options.dryRun) return;
	const put = await runWrangler([
		"kv",
		"key",
		"put",
		FINGERPRINT_KEY,
		fingerprint,
		"--binding",
		KV_BINDING,
		...target,
	]);
	if (put.code !== 0) warn(`Could not record the EMAIL_HASH_KEY fingerprint in KV (${FINGERPRINT_KEY}).`);
}
