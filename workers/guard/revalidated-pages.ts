/**
 * Guarded pages revalidated instead of sent again. A page the origin sent whole with a strong `ETag`,
 * storable by a shared cache (no `no-store` or `private`, no `Set-Cookie`, not `Vary: *`, not asked
 * with `Authorization`), is kept per isolate under its upstream URL, with the values of the request
 * headers its `Vary` names. A later guarded view of that URL whose varying headers match asks the
 * origin with `If-None-Match`: a 304 is the origin saying it would send this request those very bytes
 * (a strong validator changes with any byte), so the page is answered from memory and the origin
 * sends no body. Any other answer is used as it comes, and a page is never served without the
 * origin's 304 for the request at hand, so nothing is served that the origin would not send.
 */
import { RepeatMemo } from "../memo/repeat-memo";
import { fetchOrigin } from "./origin-fetch";
import { directiveName, members } from "./response-headers";
import type { UpstreamRequest } from "./upstream-request";

export interface KeptPage {
	readonly etag: string;
	/** The request headers the page's `Vary` names (lower case), with the values it was sent for. */
	readonly varying: readonly (readonly [string, string | null])[];
	/** The origin's headers, never changed: each answer copies them. */
	readonly headers: Headers;
	readonly statusText: string;
	readonly page: ArrayBuffer;
}

/**
 * At most 64 pages, 8 MiB of page bytes in all (a page read whole is at most 1 MiB), each kept from
 * its second sight on: a page that is never asked for again (a per-view URL) is not held. Keyed by
 * the URL alone (the memo's key prefix; no key text).
 */
const kept = new RepeatMemo<KeptPage>(64, 0, {
	max: 8 << 20,
	weigh: (entry) => entry.page.byteLength,
});

const STRONG_ETAG = /^"[\x21\x23-\x7e\x80-\xff]*"$/;

/** Fields a 304 must not change in the kept response (RFC 9111 §3.2), or that describe its bytes. */
const NOT_UPDATED = new Set(["content-length", "content-encoding", "transfer-encoding", "content-range"]);

function sharedCacheMayStore(res: Response, upstream: Headers): boolean {
	if (upstream.has("Authorization") || res.headers.has("Set-Cookie")) return false;
	const directives = members(res.headers.get("Cache-Control")).map(directiveName);
	return !directives.includes("no-store") && !directives.includes("private");
}

/** The kept page to revalidate for this upstream GET, if its varying request headers match. */
function keptPageFor(upstream: UpstreamRequest): KeptPage | undefined {
	const entry = kept.recall(upstream.url, "");
	if (entry === undefined) return undefined;
	for (const [name, value] of entry.varying) if (upstream.init.headers.get(name) !== value) return undefined;
	return entry;
}

/** Keeps a page the origin sent whole (status 200) for this GET, when a shared cache could store it. */
export function keepPage(upstream: UpstreamRequest, res: Response, page: ArrayBuffer): void {
	const etag = res.headers.get("ETag")?.trim();
	if (res.status !== 200 || etag === undefined || !STRONG_ETAG.test(etag)) return;
	const sent = upstream.init.headers;
	if (!sharedCacheMayStore(res, sent)) return;
	const vary = members(res.headers.get("Vary")).map((name) => name.toLowerCase());
	if (vary.includes("*")) return;
	kept.remember(upstream.url, "", () => ({
		etag,
		varying: vary.map((name) => [name, sent.get(name)] as const),
		headers: new Headers(res.headers),
		statusText: res.statusText,
		page,
	}));
}

/**
 * A kept page the origin has just revalidated: the kept page and what its 304 updates (RFC 9111
 * §4.3.4). `updatedHeaders` makes the headers of the 200 it stands for.
 */
export interface RevalidatedPage {
	readonly kept: KeptPage;
	/** The 304's fields that replace the kept ones (lower-case names, in the 304's order), Set-Cookie apart. */
	readonly updates: readonly (readonly [string, string])[];
	/** The 304's own Set-Cookie lines, added to the kept page's. */
	readonly setCookies: readonly string[];
}

/**
 * The kept page as the 304 updates it; null when the 304 names another validator, which then says
 * nothing about the kept bytes.
 */
function revalidated(entry: KeptPage, notModified: Response): RevalidatedPage | null {
	const etag = notModified.headers.get("ETag")?.trim();
	if (etag !== undefined && etag !== entry.etag) return null;
	const updates: (readonly [string, string])[] = [];
	let setCookie = false;
	for (const [name, value] of notModified.headers) {
		if (name === "set-cookie") setCookie = true;
		else if (!NOT_UPDATED.has(name)) updates.push([name, value]);
	}
	const setCookies = setCookie ? notModified.headers.getSetCookie() : [];
	return { kept: entry, updates, setCookies };
}

/** The kept page's headers as its 304 updated them: a copy made for one answer. */
export function updatedHeaders(page: RevalidatedPage): Headers {
	const headers = new Headers(page.kept.headers);
	for (const [name, value] of page.updates) headers.set(name, value);
	for (const line of page.setCookies) headers.append("Set-Cookie", line);
	return headers;
}

/**
 * The origin's answer to a guarded page's GET (sent without the visitor's own conditionals). For a
 * kept page, asked with `If-None-Match`: a 304 comes back as the kept page, revalidated. (No Response
 * is made for it here: the guard makes the one it answers with.)
 */
export async function fetchPage(
	upstream: UpstreamRequest,
	timeoutMs: number,
): Promise<Response | RevalidatedPage> {
	const known = keptPageFor(upstream);
	if (known === undefined) return fetchOrigin(upstream, timeoutMs);
	const headers = upstream.init.headers;
	headers.set("If-None-Match", known.etag);
	const res = await fetchOrigin(upstream, timeoutMs);
	headers.delete("If-None-Match");
	if (res.status !== 304) return res;
	// A 304 for another validator says nothing of the kept bytes: ask again, unconditionally.
	return revalidated(known, res) ?? fetchOrigin(upstream, timeoutMs);
}
