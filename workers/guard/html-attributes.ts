/**
 * URL-valued attributes as HTMLRewriter hands them over: raw HTML, so `&` may be written `&amp;`.
 * Classification reads the decoded URL; stripping works on the raw text with encoded ampersands
 * unfolded, then folds them back the same way, so every kept byte stays as the page wrote it.
 */
import { type StripOptions, stripTrackingParams } from "./strip-tracking-params";

/**
 * Named references that can change what a URL names once decoded (checked in Chromium): the five every
 * page uses, a URL's punctuation, a tab and a newline (which the URL parser drops), and what IDNA drops
 * from a host (a soft hyphen, zero-width and invisible characters). The rest of HTML's 2,231 names
 * decode to characters a host cannot hold, or hardly differ from as written for the guard.
 */
const NAMED: Readonly<Record<string, string>> = {
	amp: "&",
	AMP: "&",
	lt: "<",
	LT: "<",
	gt: ">",
	GT: ">",
	quot: '"',
	QUOT: '"',
	apos: "'",
	Tab: "\t",
	NewLine: "\n",
	sol: "/",
	bsol: "\\",
	lpar: "(",
	rpar: ")",
	colon: ":",
	period: ".",
	commat: "@",
	quest: "?",
	equals: "=",
	num: "#",
	percnt: "%",
	fjlig: "fj",
	shy: "\u00ad",
	ZeroWidthSpace: "\u200b",
	NegativeVeryThinSpace: "\u200b",
	NegativeThinSpace: "\u200b",
	NegativeMediumSpace: "\u200b",
	NegativeThickSpace: "\u200b",
	NoBreak: "\u2060",
	af: "\u2061",
	ApplyFunction: "\u2061",
	it: "\u2062",
	InvisibleTimes: "\u2062",
	ic: "\u2063",
	InvisibleComma: "\u2063",
};
/**
 * A reference as the HTML parser reads one in an attribute: a numeric one also without its `;` and with
 * any number of digits; a named one with it. `&Xfr;`, `&Xopf;` and `&Xscr;` are a mathematical letter
 * that IDNA folds to X in a host, decoded to X (in a path the browser would escape the symbol instead).
 */
const REFERENCE = /&(?:#(\d+);?|#[xX]([0-9A-Fa-f]+);?|([A-Za-z])(?:fr|opf|scr);|([A-Za-z][A-Za-z0-9]*);)/g;

function codePoint(n: number, raw: string): string {
	return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : raw;
}

function referenced(all: string, dec?: string, hex?: string, letter?: string, name?: string): string {
	if (dec !== undefined) return codePoint(Number.parseInt(dec, 10), all);
	if (hex !== undefined) return codePoint(Number.parseInt(hex, 16), all);
	return letter ?? (Object.hasOwn(NAMED, name as string) ? (NAMED[name as string] as string) : all);
}

/** The URL an attribute holds, with the character references above decoded. */
export function decodeAttribute(raw: string): string {
	return raw.includes("&") ? raw.replace(REFERENCE, referenced).trim() : raw.trim();
}

/**
 * An attribute's text decoded as `decodeAttribute` does (untrimmed), and where in `raw` each decoded
 * character's text starts (a last entry for the end), so what is found in the text is cut from `raw`.
 */
export function decodedWithOffsets(raw: string): [text: string, offsets: number[]] {
	const offsets: number[] = [];
	let from = 0;
	const text = raw.replace(REFERENCE, (all, dec, hex, letter, name, at: number) => {
		while (from < at) offsets.push(from++);
		const decoded = referenced(all, dec, hex, letter, name);
		for (let i = 0; i < decoded.length; i++) offsets.push(at);
		from = at + all.length;
		return decoded;
	});
	while (from <= raw.length) offsets.push(from++);
	return [text, offsets];
}

const ENCODED_AMPERSAND = /&(?:amp|#0*38|#[xX]0*26);/gi;
/** A `?` written as a character reference: the browser's URL has a query there all the same. */
const ENCODED_QUESTION_MARK = /&(?:quest|#0*63|#[xX]0*3[fF]);/gi;
/** An `&` that starts a character reference other than an ampersand (`&quot;`, `&#39;`). */
const STARTS_REFERENCE = /^(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);/;

/**
 * The raw attribute value without tracking parameters, or null when nothing is removed. When the page
 * encoded its ampersands, the result encodes every separator the same way (`&amp;`).
 */
export function stripAttributeUrl(raw: string, options: StripOptions): string | null {
	if (!raw.includes("&")) {
		const stripped = stripTrackingParams(raw, options);
		return stripped === raw ? null : stripped;
	}
	let encoded = false;
	// A referenced `?` is written out plain only when a parameter goes (the browser reads it the same).
	const unfolded = raw.replace(ENCODED_QUESTION_MARK, "?").replace(ENCODED_AMPERSAND, () => {
		encoded = true;
		return "&";
	});
	const stripped = stripTrackingParams(unfolded, options);
	if (stripped === unfolded) return null;
	if (!encoded) return stripped;
	let out = "";
	let from = 0;
	for (let i = stripped.indexOf("&"); i !== -1; i = stripped.indexOf("&", i + 1)) {
		if (STARTS_REFERENCE.test(stripped.slice(i + 1, i + 12))) continue;
		out += `${stripped.slice(from, i)}&amp;`;
		from = i + 1;
	}
	return out + stripped.slice(from);
}

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\f" || c === "\r";

/**
 * The URLs of a decoded `srcset` ("URL [descriptors]" candidates separated by commas), split as the
 * HTML standard's srcset parser does: a URL may hold commas but not end with them, and a comma inside
 * a descriptor's parentheses separates nothing. A candidate the browser would drop for a bad
 * descriptor is listed all the same: the guard only asks whether any is a tracker.
 */
export function srcsetUrls(srcset: string): string[] {
	const urls: string[] = [];
	const n = srcset.length;
	let at = 0;
	while (at < n) {
		while (at < n && (isSpace(srcset[at] as string) || srcset[at] === ",")) at++;
		if (at >= n) break;
		const start = at;
		while (at < n && !isSpace(srcset[at] as string)) at++;
		const url = srcset.slice(start, at);
		if (url.endsWith(",")) {
			// No descriptors: the trailing commas end the candidate.
			urls.push(url.replace(/,+$/, ""));
			continue;
		}
		urls.push(url);
		let inParens = false;
		for (; at < n; at++) {
			const c = srcset[at];
			if (inParens) inParens = c !== ")";
			else if (c === "(") inParens = true;
			else if (c === ",") {
				at++;
				break;
			}
		}
	}
	return urls;
}

/** A start tag from HTMLRewriter's attribute pairs (values raw; an empty value is written bare). */
export function startTag(name: string, attributes: Iterable<readonly [string, string]>): string {
	let tag = `<${name}`;
	for (const [attribute, value] of attributes) {
		tag += value === "" ? ` ${attribute}` : ` ${attribute}="${value.replaceAll('"', "&quot;")}"`;
	}
	return `${tag}>`;
}
