/**
 * HMAC-SHA-256 signing and keyed hashing with Web Crypto. Imported keys are cached per isolate,
 * since importKey costs more than the HMAC itself on the hot path.
 */
import { fromBase64Url, toBase64Url } from "./encoding";

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
	let key = keyCache.get(secret);
	if (!key) {
		key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
			"sign",
			"verify",
		]);
		if (keyCache.size > 16) keyCache.clear();
		keyCache.set(secret, key);
	}
	return key;
}

export async function hmacSign(secret: string, data: string): Promise<string> {
	const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(data));
	return toBase64Url(sig);
}

/**
 * Verifies in constant time (crypto.subtle.verify compares the whole MAC). Only the spelling
 * hmacSign gives passes: fromBase64Url refuses the other three spellings of a MAC (the last
 * character's two spare bits set).
 */
export async function hmacVerify(secret: string, data: string, signature: string): Promise<boolean> {
	const sig = fromBase64Url(signature);
	if (sig?.length !== 32) return false;
	return crypto.subtle.verify("HMAC", await hmacKey(secret), sig, encoder.encode(data));
}

export async function sha256Base64Url(data: string): Promise<string> {
	return toBase64Url(await crypto.subtle.digest("SHA-256", encoder.encode(data)));
}
