/**
 * Whether a page's bytes end inside markup. lol-html passes a tag, comment or doctype the page leaves
 * unfinished through as it is, and gives no handler any sign of it; what the rewrite writes after it
 * at the document's end (a script it held back, a style's sheet) then finishes it: the `>` completes a
 * cut-off `<img src=…` and Chromium fetches it, where the page as written loads nothing (its parser
 * drops a tag at the end of the file). So the end is found by parsing the page again with a marker
 * after it: the marker comes out as text where the page ended in text, and is taken into the tag,
 * comment or doctype where it did not. Only run when the rewrite has something to write there, which
 * a whole page never needs: a page cut off, or one with no HTML element after an SVG script.
 */

/**
 * Text before the marker that may be the start of an end tag or comment that lol-html held back
 * unfinished inside a script, style or title (`</scr`, `<!-`): the marker's text follows it there
 * as text, but the page's bytes still end inside it.
 */
const UNFINISHED_OPENER = /<[^>]*$/;

/**
 * Where the page's bytes end: in text, inside a comment (a bogus one too: `<?x`), or inside other markup
 * (a tag, a doctype). A comment lol-html hands to a handler that takes it (a held SVG script's) is not
 * in the rewrite's output as the page left it, so what is written after it is outside it.
 */
export async function pageEnd(
	page: ArrayBuffer,
	contentType: string,
): Promise<"text" | "comment" | "markup"> {
	// A space first: after a lone `<` it stays text (a letter would open a tag); inside a tag, it
	// starts another attribute.
	const marker = ` ce-end-${crypto.randomUUID()}`;
	const bytes = new Uint8Array(page.byteLength + marker.length);
	bytes.set(new Uint8Array(page));
	bytes.set(new TextEncoder().encode(marker), page.byteLength);
	let tail = "";
	let comment = "";
	const reparse = new HTMLRewriter().onDocument({
		text(chunk) {
			// Kept short: the marker may come in more than one chunk.
			tail = (tail + chunk.text).slice(-(marker.length + 256));
		},
		comments(c) {
			comment = c.text;
		},
	});
	await reparse.transform(new Response(bytes, { headers: { "Content-Type": contentType } })).arrayBuffer();
	if (!tail.endsWith(marker)) return comment.endsWith(marker) ? "comment" : "markup";
	return UNFINISHED_OPENER.test(tail.slice(0, -marker.length)) ? "markup" : "text";
}
