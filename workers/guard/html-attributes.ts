/**
 * URL-valued attributes as HTMLRewriter hands them over: raw HTML, so `&` may be written `&amp;`.
 * Classification reads the decoded URL; stripping splits the query as the browser does and writes
 * every kept reference back as the page wrote it (stripAttributeUrl).
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

/** Private-use characters: each stands for one reference's text while a URL is stripped. */
const STAND_INS = 0xf900 - 0xe000;
const REFERENCE_OR_STAND_IN = new RegExp(`${REFERENCE.source}|[\\uE000-\\uF8FF]`, "g");
/** What a stripped URL holds in place of the page's text: an `&` to fold back, or a stand-in. */
const FOLDED = /[&\uE000-\uF8FF]/g;
/** The characters that shape a query, which the stripper must see wherever a reference wrote them. */
const SHAPES_QUERY = new Set(["&", "?", "#", "="]);

/**
 * The raw attribute value without tracking parameters, or null when nothing is removed. The query is
 * split where the browser splits it: a reference to `&`, `?`, `#` or `=` is read as that character
 * (and written so, or `&amp;` for an `&` where the page encoded its ampersands), and any other
 * reference as one character standing for its text, written back as the page wrote it. So `&amp;lt;`
 * stays a parameter named `lt;` and `&quot;` stays a quote, never a separator.
 */
export function stripAttributeUrl(raw: string, options: StripOptions): string | null {
	if (!raw.includes("&")) {
		const stripped = stripTrackingParams(raw, options);
		return stripped === raw ? null : stripped;
	}
	let encoded = false;
	// Made at the first reference that needs a stand-in (most links encode only their ampersands).
	let texts: string[] | undefined;
	let index: Map<string, number> | undefined;
	let tooMany = false;
	const url = raw.replace(REFERENCE_OR_STAND_IN, (all: string, dec, hex, letter, name) => {
		// A private-use character the page wrote stands for itself.
		const decoded = all.length === 1 ? all : referenced(all, dec, hex, letter, name);
		if (decoded === "&") encoded = true;
		if (SHAPES_QUERY.has(decoded)) return decoded;
		texts ??= [];
		index ??= new Map();
		let at = index.get(all);
		if (at === undefined) {
			at = texts.push(all) - 1;
			index.set(all, at);
			tooMany ||= at >= STAND_INS;
		}
		return String.fromCharCode(0xe000 + (at % STAND_INS));
	});
	// Over 6,400 different references in one URL: only a page written against the guard; left as is.
	if (tooMany) return null;
	const stripped = stripTrackingParams(url, options);
	if (stripped === url) return null;
	const ampersand = encoded ? "&amp;" : "&";
	return stripped.replace(FOLDED, (c) =>
		c === "&" ? ampersand : ((texts as string[])[c.charCodeAt(0) - 0xe000] as string),
	);
}

const SPACE = "[\\t\\n\\f\\r ]";
/**
 * An attribute as the tokenizer and the encoding prescan read one: a name runs to a space, `/`, `>` or
 * `=` (lower-cased later); a value is quoted (an unclosed one runs on) or runs to a space or `>`.
 */
const ATTRIBUTE = new RegExp(
	`[\\t\\n\\f\\r /]*([^\\t\\n\\f\\r />][^\\t\\n\\f\\r /=>]*)${SPACE}*(?:=${SPACE}*("[^"]*"?|'[^']*'?|[^\\t\\n\\f\\r >]*))?`,
	"y",
);

/**
 * A tag's attributes from `at` (just after its name), raw, the first occurrence of each name counting,
 * and where they end.
 */
export function readAttributes(text: string, at: number): { attributes: Map<string, string>; end: number } {
	const attributes = new Map<string, string>();
	ATTRIBUTE.lastIndex = at;
	for (let match = ATTRIBUTE.exec(text); match !== null; match = ATTRIBUTE.exec(text)) {
		const name = (match[1] as string).toLowerCase();
		if (!attributes.has(name)) attributes.set(name, unquoted(match[2] ?? ""));
		at = ATTRIBUTE.lastIndex;
	}
	return { attributes, end: at };
}

/** A value without its quotes (an unclosed one runs to the end of the text). */
function unquoted(raw: string): string {
	const quote = raw[0];
	if (quote !== '"' && quote !== "'") return raw;
	return raw.length > 1 && raw.endsWith(quote) ? raw.slice(1, -1) : raw.slice(1);
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\f" || c === "\r";

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
		while (at < n && (isSpace(srcset[at]) || srcset[at] === ",")) at++;
		if (at >= n) break;
		const start = at;
		while (at < n && !isSpace(srcset[at])) at++;
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
