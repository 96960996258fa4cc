/**
 * Tracker pixels inside `<noscript>`: HTMLRewriter hands noscript content over as text, so its tags
 * are found here. Image and frame tags whose `src`, or any of whose `srcset` candidates, is denied are
 * cut out (a frame up to its end tag); anything else in the noscript stays as written.
 */
import { decodeAttribute, srcsetUrls } from "./html-attributes";

const PIXEL_TAG = /<(img|iframe|source)\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;
const SRCSET = /\ssrcset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;
const IFRAME_END = /<\/iframe\s*>/i;

/** `html` without the denied pixels, or null when none is there. */
export function withoutDeniedPixels(html: string, denied: (url: string) => boolean): string | null {
	let out = "";
	let from = 0;
	PIXEL_TAG.lastIndex = 0;
	for (let match = PIXEL_TAG.exec(html); match !== null; match = PIXEL_TAG.exec(html)) {
		if (!deniedTag(match[0], denied)) continue;
		let end = match.index + match[0].length;
		if ((match[1] as string).toLowerCase() === "iframe") {
			const close = IFRAME_END.exec(html.slice(end));
			if (close) end += close.index + close[0].length;
			PIXEL_TAG.lastIndex = end;
		}
		out += html.slice(from, match.index);
		from = end;
	}
	return from === 0 ? null : out + html.slice(from);
}

function attributeValue(tag: string, attribute: RegExp): string | undefined {
	const found = attribute.exec(tag);
	const raw = found?.[1] ?? found?.[2] ?? found?.[3];
	return raw === undefined ? undefined : decodeAttribute(raw);
}

function deniedTag(tag: string, denied: (url: string) => boolean): boolean {
	const src = attributeValue(tag, SRC);
	if (src !== undefined && denied(src)) return true;
	const srcset = attributeValue(tag, SRCSET);
	return srcset !== undefined && srcsetUrls(srcset).some(denied);
}
