/**
 * The request sent to ORIGIN: the visitor's method, path and query (stripped of tracking parameters
 * for guarded visitors), headers and streamed body, plus `X-Forwarded-Host`/`-Proto`/`-For`. `Sec-GPC` is
 * copied like every other header and never altered.
 */
import { requestMethod } from "../http/request-inputs";
import type { RequestTarget } from "../http/request-path";

export interface UpstreamChanges {
	/** Path and query to request from ORIGIN (already stripped when the visitor is guarded). */
	readonly pathAndQuery: string;
	/** Replacement `Cookie` header: undefined keeps the visitor's, null sends none. */
	readonly cookie?: string | null;
	/** Drop `If-None-Match`/`If-Modified-Since`, so a page cached before the guard applied is not reused. */
	readonly dropConditionals?: boolean;
}

export interface UpstreamRequest {
	readonly url: string;
	readonly init: RequestInit & { readonly headers: Headers };
}

export function upstreamRequest(
	request: Request,
	url: Pick<RequestTarget, "host" | "protocol">,
	origin: string,
	changes: UpstreamChanges,
): UpstreamRequest {
	const headers = new Headers(request.headers);
	// fetch sets Host from ORIGIN's URL; the visitor's host travels as X-Forwarded-Host.
	headers.delete("Host");
	headers.set("X-Forwarded-Host", url.host);
	headers.set("X-Forwarded-Proto", url.protocol.slice(0, -1));
	// A Worker's subrequest reaches the origin from Cloudflare's own address, with a CF-Connecting-IP
	// naming that address and no X-Forwarded-For: the visitor's, which the edge vouches for in the
	// request's CF-Connecting-IP, would be lost to the origin's logs, limits and fraud checks.
	const client = headers.get("CF-Connecting-IP");
	if (client !== null) headers.set("X-Forwarded-For", forwardedFor(headers.get("X-Forwarded-For"), client));
	if (changes.cookie === null) headers.delete("Cookie");
	else if (changes.cookie !== undefined) headers.set("Cookie", changes.cookie);
	if (changes.dropConditionals) {
		headers.delete("If-None-Match");
		headers.delete("If-Modified-Since");
	}
	const method = requestMethod(request);
	const hasBody = method !== "GET" && method !== "HEAD";
	return {
		url: origin + changes.pathAndQuery,
		init: { method, headers, body: hasBody ? request.body : null, redirect: "manual" },
	};
}

/** `X-Forwarded-For` ending with the visitor's address (added unless the edge already put it last). */
export function forwardedFor(existing: string | null, client: string): string {
	if (existing === null || existing.trim() === "") return client;
	const last = existing.slice(existing.lastIndexOf(",") + 1).trim();
	return last === client ? existing : `${existing}, ${client}`;
}
