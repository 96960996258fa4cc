/**
 * Tracking parameters out of the links of a page sent locked down (guard-response.ts): HTMLRewriter
 * gave up on it, so this scanner reads its bytes as the HTML tokenizer reads tags, finds each `<a>` and
 * `<area>` start tag's first `href` (quoted or not, any case), and an `<a>`'s first `xlink:href`, and
 * strips them as the rewrite does (html-attributes.ts); every other byte stays. A script's text is read
 * with the tokenizer's escape states, SVG and MathML as the tree builder tells them (foreign-content.ts);
 * where that model cannot tell, nothing after is altered.
 * Linear: each byte is looked at a bounded number of times.
 */
import { FORMATTING, ForeignContent, RAW_TEXT } from "./foreign-content";
import { stripAttributeUrl } from "./html-attributes";
import { pageCharset } from "./page-charset";
import type { StripOptions } from "./strip-tracking-params";

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const DASH = 0x2d;
/** Charsets in which `<` or a quote can be part of a character: their bytes are left alone. */
const NOT_ASCII_BASED = /^(?:utf-16|unicode|ucs-2|csunicode|iso-10646|iso-2022|csiso2022|hz-gb|replacement)/;

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
const isLetter = (c: number | undefined) => c !== undefined && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** Bytes as one character each (chunked: a spread of a long `data:` URL would overflow the stack). */
function latin1(bytes: Uint8Array): string {
	let text = "";
	for (let at = 0; at < bytes.length; at += 8192) {
		text += String.fromCharCode(...bytes.subarray(at, at + 8192));
	}
	return text;
}

/** Bytes `from`..`to` lower-cased as ASCII (tag and attribute names are compared so). */
function lowered(b: Uint8Array, from: number, to: number): string {
	let text = "";
	for (let at = from; at < to; at++) text += String.fromCharCode((b[at] as number) | 0x20);
	return text;
}

/** The index after the `>` that ends what starts at `from`, or the page's length. */
function after(b: Uint8Array, byte: number, from: number): number {
	const at = b.indexOf(byte, from);
	return at === -1 ? b.length : at + 1;
}

/** Where a comment whose `<!--` ends before `from` ends: after `-->` or `--!>` (`<!-->` ends at once). */
function commentEnd(b: Uint8Array, from: number): number {
	if (b[from] === GT) return from + 1;
	if (b[from] === DASH && b[from + 1] === GT) return from + 2;
	for (let at = b.indexOf(DASH, from); at !== -1; at = b.indexOf(DASH, at + 1)) {
		if (b[at + 1] !== DASH) continue;
		if (b[at + 2] === GT) return at + 3;
		if (b[at + 2] === 0x21 && b[at + 3] === GT) return at + 4;
	}
	return b.length;
}

/** Where a CDATA section whose `<![CDATA[` ends before `from` ends: after `]]>`. */
function cdataEnd(b: Uint8Array, from: number): number {
	for (let at = b.indexOf(0x5d, from); at !== -1; at = b.indexOf(0x5d, at + 1)) {
		if (b[at + 1] === 0x5d && b[at + 2] === GT) return at + 3;
	}
	return b.length;
}

/** Where the end tag of raw text element `name` starts, from `from` (or the page's length). */
function rawTextEnd(b: Uint8Array, name: string, from: number): number {
	if (name === "plaintext") return b.length;
	for (let at = b.indexOf(LT, from); at !== -1; at = b.indexOf(LT, at + 1)) {
		if (b[at + 1] !== SLASH) continue;
		let i = 0;
		while (i < name.length && ((b[at + 2 + i] as number) | 0x20) === name.charCodeAt(i)) i++;
		const next = b[at + 2 + name.length];
		if (i === name.length && (isSpace(next) || next === SLASH || next === GT)) return at;
	}
	return b.length;
}

/** Whether `name` (lowered) is written at `at` and ends there: a space, `/` or `>` follows. */
function namedAt(b: Uint8Array, at: number, name: string): boolean {
	let i = 0;
	while (i < name.length && ((b[at + i] as number) | 0x20) === name.charCodeAt(i)) i++;
	const next = b[at + name.length];
	return i === name.length && (isSpace(next) || next === SLASH || next === GT);
}

/**
 * Where a script's end tag starts, from `from`, as the tokenizer's script data states find it: after
 * `<!--` the text is escaped, where `<script` starts a double-escaped stretch in which `</script>` only
 * returns to escaped; `-->` leaves either. One pass: each byte is read once, a name a bounded number.
 */
function scriptEnd(b: Uint8Array, from: number): number {
	const n = b.length;
	// 0: script data, 1: escaped, 2: double escaped.
	let state = 0;
	let dashes = 0;
	for (let at = from; at < n; at++) {
		const c = b[at];
		if (c === DASH) {
			if (state !== 0) dashes++;
			continue;
		}
		if (c === GT && dashes >= 2) state = 0;
		dashes = 0;
		if (c !== LT) continue;
		if (state === 0) {
			if (b[at + 1] === 0x21 && b[at + 2] === DASH && b[at + 3] === DASH) {
				// `<!--` leaves its dashes counted: `<!-->` is escaped and ended at once.
				state = 1;
				dashes = 2;
				at += 3;
			} else if (b[at + 1] === SLASH && namedAt(b, at + 2, "script")) return at;
		} else if (state === 1) {
			if (b[at + 1] === SLASH && namedAt(b, at + 2, "script")) return at;
			if (namedAt(b, at + 1, "script")) state = 2;
		} else if (b[at + 1] === SLASH && namedAt(b, at + 2, "script")) state = 1;
	}
	return n;
}

/**
 * The page's bytes with its links stripped (the same buffer when none changes). `report.lost` tells
 * whether the scanner stopped where the tree model could not tell (the random comparison counts it).
 */
export function lockedPageLinks(
	page: ArrayBuffer,
	contentType: string,
	strip: StripOptions,
	report?: { lost: boolean },
): ArrayBuffer {
	const b = new Uint8Array(page);
	const named = /;\s*charset\s*=\s*"?([^\s";]+)/i.exec(contentType)?.[1];
	const utf16 = (b[0] === 0xfe && b[1] === 0xff) || (b[0] === 0xff && b[1] === 0xfe);
	if (utf16 || NOT_ASCII_BASED.test((named ?? pageCharset(b)).toLowerCase())) return page;
	const n = b.length;
	const parts: Uint8Array[] = [];
	let kept = 0;
	const tree = new ForeignContent();
	let at = b.indexOf(LT);
	let textEnd = at;
	// The next tag is a raw text element's end tag: it closes that element, which the tree never held.
	let rawEnd = false;
	while (at !== -1 && at < n) {
		if (at > textEnd) tree.text();
		const first = b[at + 1];
		if (first === 0x21) {
			if (b[at + 2] === DASH && b[at + 3] === DASH) at = commentEnd(b, at + 4);
			else if (latin1(b.subarray(at + 2, at + 9)) === "[CDATA[" && tree.inForeign()) at = cdataEnd(b, at + 9);
			else at = after(b, GT, at + 2);
		} else if (first === 0x3f || (first === SLASH && !isLetter(b[at + 2]))) {
			at = after(b, GT, at + 2);
		} else if (!isLetter(first) && first !== SLASH) {
			tree.text();
			at++;
		} else {
			const start = first === SLASH ? at + 2 : at + 1;
			let i = start;
			while (i < n && !isSpace(b[i]) && b[i] !== SLASH && b[i] !== GT) i++;
			// A longer name is told by its first 64 bytes and its length.
			const name = i - start <= 64 ? lowered(b, start, i) : `${lowered(b, start, start + 64)}#${i - start}`;
			const link = first !== SLASH && (name === "a" || name === "area");
			// Each of `href` and `xlink:href` (an SVG link's, followed when it has no `href`) is read once: a
			// repeated attribute is dropped by the tokenizer.
			let href = false;
			let xlink = false;
			let selfClosing = false;
			let styledFont = false;
			let htmlEncoding = false;
			const attributesFrom = i;
			for (;;) {
				selfClosing = false;
				while (i < n && (isSpace(b[i]) || b[i] === SLASH)) selfClosing = b[i++] === SLASH;
				if (i >= n || b[i] === GT) break;
				const attribute = i++;
				while (i < n && !isSpace(b[i]) && b[i] !== SLASH && b[i] !== GT && b[i] !== EQUALS) i++;
				const length = i - attribute;
				const read = name === "font" || name === "annotation-xml";
				const attributeName = read && length <= 8 ? lowered(b, attribute, i) : "";
				styledFont ||= name === "font" && /^(?:color|face|size)$/.test(attributeName);
				const isEncoding = name === "annotation-xml" && attributeName === "encoding";
				const isPlain: boolean = link && !href && length === 4 && lowered(b, attribute, i) === "href";
				const isXlink: boolean =
					name === "a" && !xlink && length === 10 && lowered(b, attribute, i) === "xlink:href";
				const isHref: boolean = isPlain || isXlink;
				href ||= isPlain;
				xlink ||= isXlink;
				while (i < n && isSpace(b[i])) i++;
				if (b[i] !== EQUALS) continue;
				i++;
				while (i < n && isSpace(b[i])) i++;
				const quote = b[i];
				let from = i;
				if (quote === 0x22 || quote === 0x27) {
					from = i + 1;
					i = b.indexOf(quote, from);
					if (i === -1) i = n;
				} else {
					while (i < n && !isSpace(b[i]) && b[i] !== GT) i++;
				}
				if (isEncoding && i < n) {
					htmlEncoding = /^(?:text\/html|application\/xhtml\+xml)$/i.test(latin1(b.subarray(from, i)));
				}
				if (isHref && i < n) {
					const raw = latin1(b.subarray(from, i));
					const stripped = raw.includes("?") || raw.includes("&") ? stripAttributeUrl(raw, strip) : null;
					if (stripped !== null) {
						parts.push(b.subarray(kept, from));
						// An unquoted value left empty would take the next attribute as its value.
						const value = stripped === "" && from === i ? '""' : stripped;
						parts.push(Uint8Array.from(value, (c) => c.charCodeAt(0)));
						kept = i;
					}
				}
				if ((quote === 0x22 || quote === 0x27) && i < n) i++;
			}
			at = i + 1;
			const ending = rawEnd;
			rawEnd = false;
			if (first === SLASH) {
				if (!ending) tree.endTag(name);
			} else if (
				tree.startTag({
					name,
					selfClosing,
					styledFont,
					htmlEncoding,
					// As written: the same bytes are the same attributes (a space or `/` before them is none).
					attributes: FORMATTING.test(name)
						? latin1(b.subarray(attributesFrom, i))
								.replace(/^[\t\n\f\r /]+/, "")
								.replace(/[\t\n\f\r ]+$/, "")
						: undefined,
				})
			) {
				// Only an HTML element holds raw text (SVG's and MathML's `<script>` and `<style>` hold tags).
				if (name === "script") at = scriptEnd(b, at);
				else if (RAW_TEXT.test(name)) at = rawTextEnd(b, name, at);
				rawEnd = at < n && (name === "script" || RAW_TEXT.test(name));
			}
		}
		// Where the tree builder's state is not known, what follows may be script or style text.
		if (tree.lost) {
			if (report !== undefined) report.lost = true;
			break;
		}
		textEnd = at;
		at = b.indexOf(LT, at);
	}
	if (parts.length === 0) return page;
	parts.push(b.subarray(kept));
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out.buffer;
}
