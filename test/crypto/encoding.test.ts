import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../../workers/crypto/encoding";

/** base64url by the book: btoa, the URL-safe alphabet, no padding. */
function reference(bytes: Uint8Array): string {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

describe("base64url", () => {
	it("encodes like the reference and decodes back, for any bytes", () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
				const text = toBase64Url(bytes);
				expect(text).toBe(reference(bytes));
				expect(toBase64Url(bytes.buffer as ArrayBuffer)).toBe(text);
				expect(fromBase64Url(text)).toEqual(bytes);
			}),
			{ numRuns: 300 },
		);
	});

	it("rejects what is not strictly base64url", () => {
		// "ab" and "abB" end in bits no byte holds ("aQ" and "abA" spell those bytes): one spelling each.
		for (const bad of ["a+b/", "abc=", "abcd=", "a", "abcde", "ab cd", "é", "ab", "aR", "abB"])
			expect(fromBase64Url(bad), bad).toBeNull();
		expect(fromBase64Url("")).toEqual(new Uint8Array());
		expect(fromBase64Url("aQ")).toEqual(new Uint8Array([0x69]));
		expect(fromBase64Url("abA")).toEqual(new Uint8Array([0x69, 0xb0]));
	});
});
