/**
 * Whole pages rewritten, remembered per isolate. A site sends the same page, byte for byte, to visitor
 * after visitor, and its rewrite is a pure function of those bytes, their content type, the site's
 * settings and the purposes the visitor's decision denies. So a page the origin sent with its length
 * (read whole anyway, `guard-response.ts`) is remembered with its rewrite under those inputs, and from
 * its second sight on, a page equal to it in every byte is answered from memory, without HTMLRewriter.
 * A page that differs by one byte (a per-view token, a CSRF field, a page the origin personalised) is
 * rewritten as without a memo: nothing one visitor was sent can reach another unless the origin sent
 * both the same bytes, when the rewrite would have given them the same answer anyway. A page whose
 * meta refresh was judged by the page's address (html-guard.ts, PageAddress) is remembered for that
 * address only, with the target the refresh insists on: the `ce_insisted` cookie for it is the
 * caller's to make, per request.
 */
import { RepeatMemo } from "../memo/repeat-memo";
import { type HtmlGuardOptions, type PageAddress, rewriteHtml } from "./html-guard";
import type { Insistence } from "./insisted-locations";
import { settingsKey } from "./page-verdicts";

interface RememberedPage {
	/**
	 * The remembered bytes. A page found equal to them takes their place (same bytes, another buffer):
	 * a kept page revalidated again and again (revalidated-pages.ts) is then known by identity, with no
	 * compare, even when concurrent first views left the kept page and this one different buffers.
	 */
	page: ArrayBuffer;
	/**
	 * The rewrite, as a Blob made once (session 32, to spare each answer a copy). It does not: counted
	 * in session 33, workerd copies a Blob body into the answer as it copies an ArrayBuffer (and a
	 * Blob's stream too), 100 KB a view for the bench's page. Answered through its stream since
	 * session 38, which faults in fewer fresh pages (guard-response.ts, bench/HISTORY.md).
	 */
	readonly rewritten: Blob;
	/** The address the rewrite was made for when a meta refresh was judged by it, else null. */
	readonly address: string | null;
	/** The target the page's meta refresh insists on (PageAddress), or null. */
	readonly insisted: Insistence | null;
}

/** A page read whole, rewritten, and the target its meta refresh insists on, or null. */
export interface GuardedPage {
	readonly bytes: ArrayBuffer | Blob;
	readonly insisted: Insistence | null;
}

/**
 * At most 64 pages, their bytes and rewrites 8 MiB in all (a page read whole is at most 1 MiB,
 * `WHOLE_PAGE_MAX_BYTES`). A key's text is a length and a fingerprint, far shorter than this.
 */
const MAX_PAGES = 64;
const MAX_BYTES = 8 << 20;
const KEY_TEXT = 64;

const pages = new RepeatMemo<RememberedPage>(MAX_PAGES, KEY_TEXT, {
	max: MAX_BYTES,
	weigh: (entry) => entry.page.byteLength + entry.rewritten.size,
});

/** Everything the rewrite depends on besides the page's bytes. */
function pageKeyPrefix(contentType: string, options: HtmlGuardOptions): string {
	const denied = [...options.denied].sort().join(" ");
	// The runtime's tag, and whether it follows a <meta> charset (html-guard.ts): both shape the bytes.
	const runtime = `${options.runtime ?? ""}${options.metaCharset === true ? "+" : ""}`;
	// A refresh naming ORIGIN is made to name the request's own origin (html-guard.ts).
	const site = options.proxied === undefined ? "" : `${options.proxied.origin} ${options.proxied.site}`;
	// Over plain http `https:host/p` names a host (tracker-hosts.ts).
	const scheme = options.http === true ? "http" : "";
	return `${settingsKey(options.overrides, options.strip)}${denied}\n${runtime}\n${site}\n${scheme}\n${contentType}\n`;
}

const SAMPLES = 256;

/**
 * Where a page is looked for: its length and an FNV-1a of 256 bytes spread evenly across it. Pages
 * that differ elsewhere share a key; the remembered one is used only if every byte is equal (compared
 * natively, which costs a few microseconds where hashing the page cost about 70).
 */
function pageKey(bytes: Uint8Array): string {
	const step = Math.max(1, Math.floor(bytes.length / SAMPLES));
	let hash = 0x811c9dc5;
	for (let i = 0; i < bytes.length; i += step) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
	return `${bytes.length}:${(hash >>> 0).toString(36)}`;
}

/** What a meta refresh's verdict depends on in a page's address (location-guard.ts). */
function addressKey(address: PageAddress | undefined): string {
	return address === undefined ? "" : `${address.url().href} ${address.originHost()}`;
}

/** The rewrite of a page read whole; rejects if the rewrite breaks off. */
export async function rewrittenPage(
	page: ArrayBuffer,
	contentType: string,
	options: HtmlGuardOptions,
): Promise<GuardedPage> {
	const prefix = pageKeyPrefix(contentType, options);
	const key = pageKey(new Uint8Array(page));
	const known = pages.recall(prefix, key);
	if (
		known !== undefined &&
		known.page.byteLength === page.byteLength &&
		(known.address === null || known.address === addressKey(options.address))
	) {
		const remembered = { bytes: known.rewritten, insisted: known.insisted };
		// The very bytes remembered (a revalidated page, revalidated-pages.ts) need no comparing.
		if (known.page === page) return remembered;
		if (crypto.subtle.timingSafeEqual(known.page, page)) {
			known.page = page;
			return remembered;
		}
	}
	let judged = false;
	let insisted: Insistence | null = null;
	const refreshed = (target: Insistence | null) => {
		judged = true;
		insisted ??= target;
	};
	const { address } = options;
	const judging =
		address === undefined
			? options
			: { ...options, address: { url: address.url, originHost: address.originHost, refreshed } };
	const rewritten = await new Response(rewriteHtml(page, contentType, judging)).arrayBuffer();
	const bound = judged ? addressKey(address) : null;
	// A page of the same key but other bytes (or another address) takes the remembered one's place.
	pages.remember(prefix, key, () => ({ page, rewritten: new Blob([rewritten]), address: bound, insisted }));
	return { bytes: rewritten, insisted };
}
