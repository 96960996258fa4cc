/**
 * The charset to parse a page with when its Content-Type names none. workerd builds lol-html without
 * `adjust_charset_on_meta_tag`, so HTMLRewriter reads such a page as UTF-8 whatever its `<meta>`
 * declares, and every non-ASCII byte of a Shift_JIS or windows-1252 page that the guard writes back
 * (held-back inline scripts, stripped hrefs, noscript bodies) would come out as U+FFFD. So the page's
 * first 1024 bytes are prescanned as a browser does (WHATWG HTML, "prescan a byte stream to determine
 * its encoding", simplified). A page that declares nothing is read as windows-1252, which maps every
 * byte to a character and back: its bytes survive whatever its real charset.
 */
import { readAttributes } from "./html-attributes";

/** How far a browser looks for a declaration. */
export const PRESCAN_BYTES = 1024;

/** Bytes read one to one; what the rewriter falls back to for a charset it cannot parse, too. */
export const BYTEWISE = "windows-1252";

const CHARSET_PARAMETER = /;\s*charset\s*=\s*"?[^\s";]/i;
const BOM_UTF8 = [0xef, 0xbb, 0xbf];
/** The labels of UTF-16BE and UTF-16LE (WHATWG Encoding): a page cannot say it is in them, so UTF-8. */
const UTF16_LABELS = new Set([
	"unicodefffe",
	"utf-16be",
	"csunicode",
	"iso-10646-ucs-2",
	"ucs-2",
	"unicode",
	"unicodefeff",
	"utf-16",
	"utf-16le",
]);
/** What may go into our Content-Type header; every WHATWG label fits. */
const LABEL = /^[A-Za-z0-9._:-]+$/;

const SPACE = "[\\t\\n\\f\\r ]";
const META_START = /<meta[\t\n\f\r /]/iy;
const TAG_START = /<\/?[A-Za-z]/y;
const TAG_NAME = /[^\t\n\f\r >]*/y;
const CONTENT_CHARSET = new RegExp(
	`charset${SPACE}*=${SPACE}*(?:"([^"]*)"|'([^']*)'|([^\\t\\n\\f\\r ;"'][^\\t\\n\\f\\r ;]*))`,
	"i",
);

export function namesCharset(contentType: string): boolean {
	return CHARSET_PARAMETER.test(contentType);
}

/** The Content-Type to hand HTMLRewriter for a page whose own names no charset, given its first bytes. */
export function sniffedContentType(contentType: string, head: Uint8Array): string {
	const essence = contentType.split(";", 1)[0]?.trim() || "text/html";
	return `${essence}; charset=${pageCharset(head)}`;
}

/** The charset a page's first bytes show: a byte order mark, else a `<meta>` declaration, else bytewise. */
export function pageCharset(head: Uint8Array): string {
	if (BOM_UTF8.every((byte, i) => head[i] === byte)) return "utf-8";
	// A UTF-16 page has no ASCII markup to find: read byte for byte, it passes through as it was.
	if ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe)) return BYTEWISE;
	return declaredCharset(String.fromCharCode(...head.subarray(0, PRESCAN_BYTES))) ?? BYTEWISE;
}

/**
 * Whether a page's first bytes already settle its charset: a byte order mark, or a complete `<meta>`
 * declaration (the prescan takes the first, so bytes after it change nothing).
 */
export function settlesCharset(head: Uint8Array): boolean {
	if (head.length >= 2 && ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe)))
		return true;
	if (head.length >= 3 && BOM_UTF8.every((byte, i) => head[i] === byte)) return true;
	return declaredCharset(String.fromCharCode(...head.subarray(0, PRESCAN_BYTES))) !== null;
}

/** The charset the first `<meta>` outside comments declares, found as the prescan does. */
function declaredCharset(text: string): string | null {
	let at = 0;
	while (at < text.length) {
		at = text.indexOf("<", at);
		if (at === -1) return null;
		if (text.startsWith("<!--", at)) {
			const end = text.indexOf("-->", at + 2);
			if (end === -1) return null;
			at = end + 3;
			continue;
		}
		META_START.lastIndex = at;
		if (META_START.test(text)) {
			const meta = readAttributes(text, at + 5);
			// A tag the head cuts off (no `>` after its attributes) may have lost part of its label.
			if (text.indexOf(">", meta.end) === -1) return null;
			const charset = metaCharset(meta.attributes);
			if (charset !== null) return charset;
			at = meta.end;
			continue;
		}
		TAG_START.lastIndex = at;
		if (TAG_START.test(text)) {
			TAG_NAME.lastIndex = TAG_START.lastIndex;
			TAG_NAME.test(text);
			at = readAttributes(text, TAG_NAME.lastIndex).end;
			continue;
		}
		if (text[at + 1] === "!" || text[at + 1] === "/" || text[at + 1] === "?") {
			const end = text.indexOf(">", at);
			if (end === -1) return null;
			at = end + 1;
			continue;
		}
		at++;
	}
	return null;
}

/** The charset a `<meta>` declares: `charset`, or `http-equiv="Content-Type"` with a `content`. */
function metaCharset(attributes: ReadonlyMap<string, string>): string | null {
	const charset = attributes.get("charset");
	if (charset !== undefined) return charsetLabel(charset);
	const content = attributes.get("content");
	if (content === undefined || attributes.get("http-equiv")?.toLowerCase() !== "content-type") return null;
	const declared = CONTENT_CHARSET.exec(content);
	return declared === null ? null : charsetLabel(declared[1] ?? declared[2] ?? declared[3] ?? "");
}

function charsetLabel(raw: string): string | null {
	const label = raw.trim().toLowerCase();
	if (!LABEL.test(label)) return null;
	if (UTF16_LABELS.has(label)) return "utf-8";
	return label === "x-user-defined" ? BYTEWISE : label;
}
