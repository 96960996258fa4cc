/**
 * Tracker pixels inside `<noscript>`: HTMLRewriter hands noscript content over as text, so its tags
 * are found here. Image and frame tags whose `src`, or any of whose `srcset` candidates, is denied are
 * cut out (a frame up to its end tag); anything else in the noscript stays as written.
 */
import { decodeAttribute, readAttributes, srcsetUrls } from "./html-attributes";

const PIXEL_START = /<(img|iframe|source)\b/gi;
const TAG_END_OR_QUOTE = /["'>]/g;
const IFRAME_END = /<\/iframe\s*>/gi;

/**
 * Where the tag starting at `from` ends (just after its `>`, quoted `>` skipped), or -1 when the text
 * ends first: then everything after `from` is inside that tag for a browser too, so no later tag is
 * real. Each character is looked at once, so a page of unterminated tags costs linear time (a single
 * backtracking pattern cost quadratic time: 100 KB of `<img ` took seconds).
 */
function tagEnd(html: string, from: number): number {
	TAG_END_OR_QUOTE.lastIndex = from;
	for (let found = TAG_END_OR_QUOTE.exec(html); found !== null; found = TAG_END_OR_QUOTE.exec(html)) {
		if (found[0] === ">") return found.index + 1;
		const close = html.indexOf(found[0], found.index + 1);
		if (close === -1) return -1;
		TAG_END_OR_QUOTE.lastIndex = close + 1;
	}
	return -1;
}

/** `html` without the denied pixels, or null when none is there. */
export function withoutDeniedPixels(html: string, denied: (url: string) => boolean): string | null {
	let out = "";
	let from = 0;
	// Once no `</iframe>` is left after some point, none is left after any later one either.
	let iframeEndsLeft = true;
	PIXEL_START.lastIndex = 0;
	for (let start = PIXEL_START.exec(html); start !== null; start = PIXEL_START.exec(html)) {
		const tagStop = tagEnd(html, start.index + start[0].length);
		if (tagStop === -1) break;
		PIXEL_START.lastIndex = tagStop;
		if (!deniedTag(html.slice(start.index, tagStop), denied)) continue;
		let end = tagStop;
		if ((start[1] as string).toLowerCase() === "iframe" && iframeEndsLeft) {
			IFRAME_END.lastIndex = end;
			const close = IFRAME_END.exec(html);
			if (close) end = close.index + close[0].length;
			else iframeEndsLeft = false;
			PIXEL_START.lastIndex = end;
		}
		out += html.slice(from, start.index);
		from = end;
	}
	return from === 0 ? null : out + html.slice(from);
}

/** Where a start tag's name ends: the tokenizer ends it at a space, `/` or `>`. */
const TAG_NAME = /<[^\t\n\f\r />]*/y;

/**
 * Whether a whole start tag (`<img …>`, quoted `>` included) has a denied `src` or `srcset`, its
 * attributes read as the tokenizer reads them: `src=` inside another attribute's value (`alt="a src=x"`,
 * an iframe's `srcdoc`) is that value's text, not the tag's source.
 */
function deniedTag(tag: string, denied: (url: string) => boolean): boolean {
	TAG_NAME.lastIndex = 0;
	TAG_NAME.test(tag);
	const { attributes } = readAttributes(tag, TAG_NAME.lastIndex);
	const src = attributes.get("src");
	if (src !== undefined && denied(decodeAttribute(src))) return true;
	const srcset = attributes.get("srcset");
	return srcset !== undefined && srcsetUrls(decodeAttribute(srcset)).some(denied);
}
