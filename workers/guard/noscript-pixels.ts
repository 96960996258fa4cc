/**
 * Tracker pixels inside `<noscript>`: HTMLRewriter hands noscript content over as text, so its tags
 * are found here. Image and frame tags whose `src` is denied are cut out (a frame up to its end tag);
 * anything else in the noscript stays as written.
 */
import { decodeAttribute } from "./html-attributes";

const PIXEL_TAG = /<(img|iframe|source)\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;
const IFRAME_END = /<\/iframe\s*>/i;

/** `html` without the denied pixels, or null when none is there. */
export function withoutDeniedPixels(html: string, denied: (url: string) => boolean): string | null {
	let out = "";
	let from = 0;
	PIXEL_TAG.lastIndex = 0;
	for (let match = PIXEL_TAG.exec(html); match !== null; match = PIXEL_TAG.exec(html)) {
		const src = SRC.exec(match[0]);
		const raw = src?.[1] ?? src?.[2] ?? src?.[3];
		if (raw === undefined || !denied(decodeAttribute(raw))) continue;
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
