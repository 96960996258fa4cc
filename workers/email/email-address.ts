/**
 * Email addresses are never stored raw: they are normalised (trimmed, lower-cased, IDN domain in
 * punycode) and hashed with HMAC-SHA-256 under EMAIL_HASH_KEY, which is never rotated so hashes
 * stay comparable.
 */
import { hmacSign } from "../crypto/hmac";

const LOCAL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;

/** The normalised address, or null when it is not a plausible address. */
export function normalizeEmail(input: string): string | null {
	const trimmed = input.trim().toLowerCase();
	if (trimmed.length > 254) return null;
	const at = trimmed.lastIndexOf("@");
	if (at <= 0 || at === trimmed.length - 1) return null;
	const local = trimmed.slice(0, at);
	const domain = trimmed.slice(at + 1);
	if (!LOCAL.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return null;
	let ascii: string;
	try {
		ascii = new URL(`http://${domain}/`).hostname;
	} catch {
		return null;
	}
	if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(ascii) || ascii !== ascii.replace(/\.$/, "")) return null;
	return `${local}@${ascii}`;
}

export async function hashEmail(normalized: string, key: string): Promise<string> {
	return hmacSign(key, `email:${normalized}`);
}
