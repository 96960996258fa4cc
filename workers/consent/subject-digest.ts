/**
 * The keyed digest an erasure's tombstone keeps instead of the subject: enough to tell that this
 * subject was erased, and when, without storing the identifier. Keyed with EMAIL_HASH_KEY (never
 * rotated), so digests made at different times stay comparable.
 */
import { hmacSign } from "../crypto/hmac";
import { emailHashKey } from "../email/email-hash-key";

export async function subjectDigest(env: Env, subject: string): Promise<string> {
	return hmacSign(await emailHashKey(env), `subject:${subject}`);
}
