/**
 * Trackers named in CSS: a `url(…)` (or an `@import "…"`) in a `style` attribute or a `<style>` block
 * makes the browser fetch it like a pixel. A denied one becomes `none` (an `@import` of one goes whole),
 * so the declaration stays valid and everything else keeps its bytes. Names are read as the browser
 * reads them: with CSS escapes (`\75 rl(`), and in an attribute with character references (`u&#114;l(`).
 *
 * Read by a scanner, not by backtracking patterns: the text is the page's (or its users'), and a
 * pattern such as `url\(\s*…\s*\)` costs quadratic time on a `url(` followed by a long run of spaces or
 * by many unclosed `url(`s. Each `url(` or `@import` is read forward once, up to its own end or to the
 * first character that ends it (an unquoted URL stops at `(`, which it may not hold), so a page costs
 * time in proportion to its size.
 */
import { decodedWithOffsets } from "./html-attributes";

/** A hex escape ends at one whitespace, which it takes, or before any character that is no hex digit. */
const HEX_END = "(?:[ \\t\\n\\r\\f]|(?![0-9a-f]))";

/**
 * A name as CSS reads it, case-insensitive (with the `i` flag): each letter or `-` may be an escape, as
 * in `\75 rl(` or `@\69mport` (checked in Chromium). Each match is of bounded length: the scan stays linear.
 */
function cssName(name: string): string {
	let source = "";
	for (const c of name) {
		const hex = [c, c.toUpperCase()].map((l) => `0{0,4}${l.charCodeAt(0).toString(16)}`).join("|");
		const plain = /[a-f]/.test(c) ? "" : `${c}|`;
		source += /[a-z-]/.test(c) ? `(?:${c}|\\\\(?:${plain}(?:${hex})${HEX_END}))` : `\\${c}`;
	}
	return source;
}

/** A construct's names, as written and with escapes: the second scans half as fast, so only text with a `\`. */
function cssNames(...names: string[]): readonly [RegExp, RegExp] {
	return [
		new RegExp(names.join("|").replaceAll("(", "\\("), "gi"),
		new RegExp(names.map(cssName).join("|"), "gi"),
	];
}

/** Each construct's names; `imageSet`: `image-set()` (or `-webkit-image-set()`), whose strings are image URLs too. */
interface CssStarts {
	readonly url: readonly [RegExp, RegExp];
	readonly import: readonly [RegExp, RegExp];
	readonly imageSet: readonly [RegExp, RegExp];
}
// Built on the first CSS that names one, not as the script loads (bench/startup.mjs).
let starts: CssStarts | undefined;
const WHITESPACE = /\s/;
/**
 * A CSS escape: up to six hex digits and one whitespace after them, or any other character; in a
 * string, a line break after a backslash is no part of it (seen loading in Chromium).
 */
const CSS_ESCAPE = /\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(\r\n|[^0-9a-fA-F]))/g;
const CSS_ESCAPE_AT = /^\\(?:[0-9a-fA-F]{1,6}[ \t\n\r\f]?|[^\n\r\f0-9a-fA-F])/;

/** A URL's text as CSS reads it: `connect\.facebook\2e net` is connect.facebook.net. */
function cssUnescaped(url: string): string {
	if (!url.includes("\\")) return url;
	return url.replace(CSS_ESCAPE, (_all, hex?: string, char?: string) => {
		if (hex === undefined) return /^[\n\r\f]/.test(char as string) ? "" : (char as string);
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

/** Where a comment starting at `at` ends (the text's end if it never closes), or `at` when none starts there. */
function afterComment(css: string, at: number): number {
	if (!css.startsWith("/*", at)) return at;
	const close = css.indexOf("*/", at + 2);
	return close === -1 ? css.length : close + 2;
}

interface Found {
	/** The URL as written (without quotes). */
	readonly url: string;
	/** Where the construct ends (exclusive). */
	readonly end: number;
}

/** Where the string opened at `at` stops: at its closing quote, a line break, or the text's end. */
function stringStop(css: string, at: number): number {
	let close = at + 1;
	while (close < css.length && css[close] !== css[at] && !"\n\r\f".includes(css[close] as string)) {
		close += css[close] === "\\" ? 2 : 1;
	}
	return close;
}

/**
 * A quoted string starting at `at`, or null (also when a line break ends it: a bad string). An escaped
 * quote is part of it, and one still open at the text's end closes there, as CSS reads it (both seen
 * loading in Chromium).
 */
function quoted(css: string, at: number): Found | null {
	const c = css[at];
	if (c !== '"' && c !== "'") return null;
	const close = stringStop(css, at);
	if (close < css.length && css[close] !== c) return null;
	return { url: css.slice(at + 1, close), end: Math.min(close + 1, css.length) };
}

/**
 * The body of a `url(` whose `(` ends at `at`: `url( "…" )`, `url(…)`; null when something else ends
 * it. The text's end closes it, as CSS reads a sheet or a `style` attribute (seen loading in Chromium).
 */
function urlBody(css: string, at: number): Found | null {
	const start = skipWhitespace(css, at);
	const string = quoted(css, start);
	if (string !== null) {
		const close = skipWhitespace(css, string.end);
		return css[close] === ")" || close === css.length
			? { url: string.url, end: Math.min(close + 1, css.length) }
			: null;
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
	return css[i] === ")" || i === css.length ? { url, end: Math.min(i + 1, css.length) } : null;
}

/**
 * An `@import` rule whose keyword ends at `at`: its URL and where it ends (its `;` included). Spaces and
 * comments may follow the keyword, a string also nothing (`@import"…"`, as minifiers write it). Anything
 * else is no import: its URL is empty and the scan goes on after the comments.
 */
function importRule(css: string, at: number): Found {
	let start = skipWhitespace(css, at);
	for (let next = afterComment(css, start); next !== start; next = afterComment(css, start)) {
		start = skipWhitespace(css, next);
	}
	const found =
		quoted(css, start) ??
		(start > at && css.slice(start, start + 4).toLowerCase() === "url(" ? urlBody(css, start + 4) : null);
	if (found === null) return { url: "", end: start };
	const semicolon = css.indexOf(";", found.end);
	return { url: found.url, end: semicolon === -1 ? css.length : semicolon + 1 };
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
		} else if (css.startsWith("/*", i)) i = afterComment(css, i) - 1;
		else if (css[i] === "(") depth++;
		else if (css[i] === ")" && --depth === 0) return { url: strings.join("\n"), end: i + 1 };
	}
	// Unclosed, it holds the rest of the text (as a CSS parser reads it): nothing after it is looked at.
	return { url: "", end: css.length };
}

/**
 * Where the string, comment or `url(` token holding `at` ends (-1: none holds it), told for ever later
 * positions by one forward pass over the sheet as CSS tokenizes it: a `url(`, `image-set(` or `@import`
 * inside a string or comment is text, and one inside an unquoted `url(` (a bad URL) is too (each checked
 * in Chromium). A quote opens a string only where CSS reads it so: not escaped, nor inside an unquoted
 * `url(` (`url(a'b)` ends at its `)`), which is taken as any `url(` the scan would find, escaped too.
 */
function tokenEnds(css: string, url: RegExp): (at: number) => number {
	const sticky = new RegExp(url.source, "iy");
	let i = 0;
	let start = 0;
	let end = 0;
	return (at) => {
		while (end <= at && i < css.length) {
			start = i;
			const c = css[i] as string;
			sticky.lastIndex = i;
			if ((c === "u" || c === "U" || c === "\\") && sticky.test(css)) {
				const body = skipWhitespace(css, sticky.lastIndex);
				if (css[body] === '"' || css[body] === "'") {
					i = end = body;
					continue;
				}
				let close = body;
				while (close < css.length && css[close] !== ")") close += css[close] === "\\" ? 2 : 1;
				i = end = Math.min(close + 1, css.length);
			} else if (c === "\\") {
				i = end = i + (CSS_ESCAPE_AT.exec(css.slice(i, i + 8))?.[0].length ?? 1);
			} else if (css.startsWith("/*", i)) {
				i = end = afterComment(css, i);
			} else if (c === '"' || c === "'") {
				const close = stringStop(css, i);
				i = end = css[close] === c ? close + 1 : close;
			} else {
				i = end = i + 1;
			}
		}
		return start < at && at < end ? end : -1;
	};
}

/**
 * `css` with each construct `read` finds after a match of `start` replaced when `replace` says so. An
 * attribute's text is read as the HTML parser decodes it (`u&#114;l(`, `url&#40;…&#41;`), and what is
 * kept is cut from the text as written. A match inside a string or comment is passed over, unless
 * `anywhere` (markup holding CSS, where quotes are the markup's).
 */
function rewrite(
	css: string,
	attribute: boolean,
	starts: readonly [RegExp, RegExp],
	read: (css: string, at: number) => Found | null,
	replace: (url: string) => string | null,
	anywhere: boolean,
): string | null {
	const [text, offsets] = attribute && css.includes("&") ? decodedWithOffsets(css) : [css];
	const written = (at: number) => offsets?.[at] ?? at;
	const escaped = +text.includes("\\");
	const start = starts[escaped] as RegExp;
	const inert = anywhere ? null : tokenEnds(text, cssStarts().url[escaped] as RegExp);
	let out = "";
	let copied = 0;
	let changed = false;
	let from = 0;
	for (let at = indexOf(text, start, from); at !== -1; at = indexOf(text, start, from)) {
		const open = start.lastIndex;
		const after = inert?.(at) ?? -1;
		if (after !== -1) {
			from = after;
			continue;
		}
		const found = read(text, open);
		if (found === null) {
			from = open;
			continue;
		}
		const replacement = found.url === "" ? null : replace(found.url);
		if (replacement !== null) {
			out += css.slice(written(copied), written(at)) + replacement;
			copied = found.end;
			changed = true;
		}
		from = found.end;
	}
	return changed ? out + css.slice(written(copied)) : null;
}

const cssStarts = (): CssStarts =>
	(starts ??= {
		url: cssNames("url("),
		import: cssNames("@import"),
		imageSet: cssNames("-webkit-image-set(", "image-set("),
	});

/**
 * `css` without its denied URLs, or null when it names none. `attribute`: raw attribute text.
 * `anywhere`: markup holding CSS (a frame's `srcdoc`), read whole, strings and comments too.
 */
export function withoutDeniedCssUrls(
	css: string,
	denied: (url: string) => boolean,
	attribute = false,
	anywhere = false,
): string | null {
	if (!/url\(|@import|image-set\(|[\\&]/i.test(css)) return null;
	const { url, import: imports, imageSet } = cssStarts();
	const deniedUrl = (url: string) => denied(cssUnescaped(url.trim()));
	const kept = rewrite(css, attribute, imports, importRule, (url) => (deniedUrl(url) ? "" : null), anywhere);
	const sets = rewrite(
		kept ?? css,
		attribute,
		imageSet,
		imageSetStrings,
		(urls) => (urls.split("\n").some((url) => url !== "" && deniedUrl(url)) ? "none" : null),
		anywhere,
	);
	const urls = rewrite(
		sets ?? kept ?? css,
		attribute,
		url,
		urlBody,
		(url) => (deniedUrl(url) ? "none" : null),
		anywhere,
	);
	return urls ?? sets ?? kept;
}
