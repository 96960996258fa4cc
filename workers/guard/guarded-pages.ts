/**
 * Whole pages rewritten, remembered per isolate. A site sends the same page, byte for byte, to visitor
 * after visitor, and its rewrite is a pure function of those bytes, their content type, the site's
 * settings and the purposes the visitor's decision denies: so a page the origin sent with its length
 * (read whole anyway, `guard-response.ts`) is keyed by the SHA-256 of its bytes with those inputs, and
 * from its second sight on answered from memory, without HTMLRewriter. A page that differs by one byte
 * (a per-view token, a CSRF field, a page personalised by the origin) has another digest and is
 * rewritten as without a memo: nothing one visitor was sent can reach another unless the origin sent
 * both the same bytes, when the rewrite would have given them the same answer anyway.
 */
import { toBase64Url } from "../crypto/encoding";
import { RepeatMemo } from "../memo/repeat-memo";
import { type HtmlGuardOptions, rewriteHtml } from "./html-guard";
import { settingsKey } from "./page-verdicts";

/**
 * At most 64 rewritten pages of 8 MiB in all; a page is at most 1 MiB (`WHOLE_PAGE_MAX_BYTES`). The
 * key's text is a digest (43 characters), never longer than this.
 */
const MAX_PAGES = 64;
const MAX_PAGE_BYTES = 8 << 20;
const DIGEST_TEXT = 64;

const pages = new RepeatMemo<ArrayBuffer>(MAX_PAGES, DIGEST_TEXT, {
	max: MAX_PAGE_BYTES,
	weigh: (page) => page.byteLength,
});

/** Everything the rewrite depends on besides the page's bytes. */
function pageKeyPrefix(contentType: string, options: HtmlGuardOptions): string {
	const denied = [...options.denied].sort().join(" ");
	return `${settingsKey(options.overrides, options.strip)}${denied}\n${contentType}\n`;
}

/** The rewrite of a page read whole; rejects if the rewrite breaks off. */
export async function rewrittenPage(
	page: ArrayBuffer,
	contentType: string,
	options: HtmlGuardOptions,
): Promise<ArrayBuffer> {
	const digest = toBase64Url(await crypto.subtle.digest("SHA-256", page));
	const prefix = pageKeyPrefix(contentType, options);
	const known = pages.recall(prefix, digest);
	if (known !== undefined) return known;
	const rewritten = await new Response(rewriteHtml(page, contentType, options)).arrayBuffer();
	pages.remember(prefix, digest, rewritten);
	return rewritten;
}
