/**
 * Shapes the origin's answer for a guarded visitor: a stripped `Location`, the origin's tracking
 * `Set-Cookie` lines of denied purposes dropped, our expiry lines added, and for pages the header
 * changes plus (GET bodies only) the HTML rewrite. A response with nothing to change is relayed as is.
 */
import { dropTrackingSetCookies } from "./cookie-guard";
import { type HtmlGuardOptions, htmlGuard } from "./html-guard";
import { guardedLocation } from "./location-guard";
import { type GuardLabels, guardHtmlHeaders, hasLabels, isHtml, labelValue } from "./response-headers";
import type { TrackerPurpose } from "./tracker-purpose";

export interface ResponseGuard {
	readonly method: string;
	readonly url: URL;
	readonly originHost: string | null;
	readonly denied: ReadonlySet<TrackerPurpose>;
	readonly html: HtmlGuardOptions;
	readonly expiry: readonly string[];
	readonly labels: GuardLabels;
	readonly now: number;
}

/**
 * The rewritten body. HTMLRewriter refuses charsets it cannot parse (an unknown label, or one that is
 * not ASCII-compatible such as UTF-16): those bodies are parsed as windows-1252, which maps every byte
 * to a character and back, so markup in an unknown ASCII-compatible charset is still found, the text
 * around it keeps its bytes, and an ASCII-incompatible body matches nothing and passes through as it
 * was, rather than failing the page.
 */
function rewriteHtml(
	body: ReadableStream,
	contentType: string,
	options: HtmlGuardOptions,
): ReadableStream | null {
	try {
		return htmlGuard(options).transform(new Response(body, { headers: { "Content-Type": contentType } }))
			.body;
	} catch (err) {
		console.warn(`cannot parse ${contentType}; rewriting it byte for byte as windows-1252`, err);
		const bytewise = { "Content-Type": "text/html; charset=windows-1252" };
		return htmlGuard(options).transform(new Response(body, { headers: bytewise })).body;
	}
}

/** No body to rewrite (204, 304), or only part of one (206, whose byte ranges must stay true). */
function rewritable(status: number): boolean {
	return status !== 204 && status !== 304 && status !== 206;
}

export function guardResponse(res: Response, guard: ResponseGuard): Response {
	// A switched protocol (WebSocket) carries no page and no cookies worth touching.
	if (res.status === 101) return res;
	const { labels } = guard;
	const headers = new Headers(res.headers);
	const location = headers.get("Location");
	const stripped =
		location === null ? null : guardedLocation(location, guard.url, guard.originHost, guard.html.strip);
	if (stripped !== null) {
		headers.set("Location", stripped);
		labels.stripped = true;
	}
	if (dropTrackingSetCookies(headers, guard.denied, guard.now)) labels.blocked = true;
	for (const line of guard.expiry) headers.append("Set-Cookie", line);
	let body = res.body;
	if (isHtml(headers.get("Content-Type"))) {
		guardHtmlHeaders(headers);
		labels.rewritten = true;
		if (guard.method === "GET" && body !== null && rewritable(res.status)) {
			body = rewriteHtml(body, headers.get("Content-Type") as string, guard.html);
		}
	}
	if (!hasLabels(labels)) return res;
	headers.set("X-Consent-Guard", labelValue(labels));
	return new Response(body, { status: res.status, statusText: res.statusText, headers });
}
