/**
 * Trackers named in CSS: a `url(…)` (or an `@import "…"`) in a `style` attribute or a `<style>` block
 * makes the browser fetch it like a pixel. A denied one becomes `none` (an `@import` of one goes whole),
 * so the declaration stays valid and everything else keeps its bytes.
 *
 * Read by a scanner, not by backtracking patterns: the text is the page's (or its users'), and a
 * pattern such as `url\(\s*…\s*\)` costs quadratic time on a `url(` followed by a long run of spaces or
 * by many unclosed `url(`s. Each `url(` or `@import` is read forward once, up to its own end or to the
 * first character that ends it (an unquoted URL stops at `(`, which it may not hold), so a page costs
 * time in proportion to its size.
 */
import { decodeAttribute } from "./html-attributes";

const URL_START = /url\(/gi;
const IMPORT_START = /@import/gi;
/** `image-set()` (or `-webkit-image-set()`), whose strings are image URLs too. */
const IMAGE_SET_START = /(?:-webkit-)?image-set\(/gi;
const QUOT = /&quot;/gi;
const WHITESPACE = /\s/;
/** A CSS escape: up to six hex digits and one whitespace after them, or any other character. */
const CSS_ESCAPE = /\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|([^\n\r\f0-9a-fA-F]))/g;
const CSS_ESCAPE_AT = /^\\(?:[0-9a-fA-F]{1,6}[ \t\n\r\f]?|[^\n\r\f0-9a-fA-F])/;

/** A URL's text as CSS reads it: `connect\.facebook\2e net` is connect.facebook.net. */
function cssUnescaped(url: string): string {
	if (!url.includes("\\")) return url;
	return url.replace(CSS_ESCAPE, (_all, hex?: string, char?: string) => {
		if (hex === undefined) return char as string;
		const n = Number.parseInt(hex, 16);
		return n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : "\ufffd";
	});
}

/** The index of the next match of `pattern` (global) at or after `from`, or -1. */
function indexOf(css: string, pattern: RegExp, from: number): number {
	pattern.lastIndex = from;
	return pattern.exec(css)?.index ?? -1;
}

function skipWhitespace(css: string, at: number): number {
	let i = at;
	while (i < css.length && WHITESPACE.test(css[i] as string)) i++;
	return i;
}

interface Found {
	/** The URL as written (without quotes). */
	readonly url: string;
	/** Where the construct ends (exclusive). */
	readonly end: number;
}

/** A quoted string starting at `at` (`"`, `'`, or `&quot;` in attribute text), or null. */
function quoted(css: string, at: number): Found | null {
	const c = css[at];
	if (c === '"' || c === "'") {
		const close = css.indexOf(c, at + 1);
		return close === -1 ? null : { url: css.slice(at + 1, close), end: close + 1 };
	}
	if (c === "&" && css.slice(at, at + 6).toLowerCase() === "&quot;") {
		const close = indexOf(css, QUOT, at + 6);
		return close === -1 ? null : { url: css.slice(at + 6, close), end: close + 6 };
	}
	return null;
}

/** The body of a `url(` whose `(` ends at `at`: `url( "…" )`, `url(…)`; null when it does not close. */
function urlBody(css: string, at: number): Found | null {
	const start = skipWhitespace(css, at);
	const string = quoted(css, start);
	if (string !== null) {
		const close = skipWhitespace(css, string.end);
		if (css[close] === ")") return { url: string.url, end: close + 1 };
		// `&quot;` is also plain text an unquoted URL may hold.
		if (css[start] !== "&") return null;
	}
	if (css[start] === '"' || css[start] === "'") return null;
	let i = start;
	while (i < css.length && !")'\"(".includes(css[i] as string) && !WHITESPACE.test(css[i] as string)) {
		// An escape is part of the URL, a hex one's single whitespace after it too (`facebook\2e net`).
		const escaped = css[i] === "\\" ? CSS_ESCAPE_AT.exec(css.slice(i, i + 8)) : null;
		i += escaped === null ? 1 : escaped[0].length;
	}
	const url = css.slice(start, i);
	i = skipWhitespace(css, i);
	return css[i] === ")" ? { url, end: i + 1 } : null;
}

/** An `@import` rule whose keyword ends at `at`: its URL and where it ends (its `;` included). */
function importRule(css: string, at: number): Found | null {
	if (!WHITESPACE.test(css[at] ?? "")) return null;
	const start = skipWhitespace(css, at);
	let url: string | undefined;
	let i: number;
	if (css.slice(start, start + 4).toLowerCase() === "url(") {
		let close = start + 4;
		while (close < css.length && css[close] !== ")" && css[close] !== "(") close++;
		if (css[close] !== ")") return null;
		const inner = /^["']?([^"')\s]*)["']?$/.exec(css.slice(start + 4, close).trim());
		url = inner?.[1];
		i = close + 1;
	} else {
		const c = css[start];
		if (c !== '"' && c !== "'") return null;
		const close = css.indexOf(c, start + 1);
		if (close === -1) return null;
		url = css.slice(start + 1, close);
		i = close + 1;
	}
	const semicolon = css.indexOf(";", i);
	return { url: url ?? "", end: semicolon === -1 ? css.length : semicolon + 1 };
}

/**
 * The strings of an `image-set(` whose `(` ends at `at`, up to its `)`: joined by newlines (which a CSS
 * string cannot hold unescaped); its `url()`s are read as any other.
 */
function imageSetStrings(css: string, at: number): Found {
	const strings: string[] = [];
	let depth = 1;
	for (let i = at; i < css.length; i++) {
		const string = quoted(css, i);
		if (string !== null) {
			strings.push(string.url);
			i = string.end - 1;
		} else if (css[i] === "(") depth++;
		else if (css[i] === ")" && --depth === 0) return { url: strings.join("\n"), end: i + 1 };
	}
	// Unclosed, it holds the rest of the text (as a CSS parser reads it): nothing after it is looked at.
	return { url: "", end: css.length };
}

/** `css` with each construct `read` finds after a match of `start` replaced when `replace` says so. */
function rewrite(
	css: string,
	start: RegExp,
	read: (css: string, at: number) => Found | null,
	replace: (url: string) => string | null,
): string | null {
	let out = "";
	let copied = 0;
	let changed = false;
	let from = 0;
	for (let at = indexOf(css, start, from); at !== -1; at = indexOf(css, start, from)) {
		const open = start.lastIndex;
		const found = read(css, open);
		if (found === null) {
			from = open;
			continue;
		}
		const replacement = found.url === "" ? null : replace(found.url);
		if (replacement !== null) {
			out += css.slice(copied, at) + replacement;
			copied = found.end;
			changed = true;
		}
		from = found.end;
	}
	return changed ? out + css.slice(copied) : null;
}

/** `css` without its denied URLs, or null when it names none. `attribute`: raw attribute text. */
export function withoutDeniedCssUrls(
	css: string,
	denied: (url: string) => boolean,
	attribute = false,
): string | null {
	if (!/url\(|@import|image-set\(/i.test(css)) return null;
	const decode = (raw: string) => cssUnescaped(attribute ? decodeAttribute(raw) : raw.trim());
	const imports = rewrite(css, IMPORT_START, importRule, (url) => (denied(decode(url)) ? "" : null));
	const sets = rewrite(imports ?? css, IMAGE_SET_START, imageSetStrings, (urls) =>
		urls.split("\n").some((url) => url !== "" && denied(decode(url))) ? "none" : null,
	);
	const urls = rewrite(sets ?? imports ?? css, URL_START, urlBody, (url) =>
		denied(decode(url)) ? "none" : null,
	);
	return urls ?? sets ?? imports;
}
