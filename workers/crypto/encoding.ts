/** base64url and hex helpers for signatures, ids and hashes. */

interface Base64Options {
	alphabet: "base64url";
	omitPadding?: boolean;
}
// The runtime's own encoder (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64, in workerd);
// the loops below serve runtimes without it (Node 22 runs the pure benchmarks).
const nativeToBase64 = (Uint8Array.prototype as { toBase64?: (this: Uint8Array, o: Base64Options) => string })
	.toBase64;
const nativeFromBase64 = (Uint8Array as { fromBase64?: (text: string, o: Base64Options) => Uint8Array })
	.fromBase64;
const BASE64URL = { alphabet: "base64url", omitPadding: true } as const;

export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	if (nativeToBase64) return nativeToBase64.call(view, BASE64URL);
	let binary = "";
	for (const b of view) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes base64url; null for anything that is not strictly base64url, in the one spelling the encoder
 * writes: the bits past the last byte zero. Decoders ignore them, so a MAC had four spellings, each
 * one a valid signature no key ever made.
 */
export function fromBase64Url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
	const bytes = decodeBase64Url(text);
	const rest = text.length % 4;
	if (bytes && rest > 1 && toBase64Url(bytes.subarray(1 - rest)) !== text.slice(-rest)) return null;
	return bytes;
}

function decodeBase64Url(text: string): Uint8Array | null {
	if (nativeFromBase64) {
		try {
			return nativeFromBase64(text, { alphabet: "base64url" });
		} catch {
			return null;
		}
	}
	const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

export function randomToken(byteLength: number): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(byteLength)));
}
