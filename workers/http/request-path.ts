/**
 * The pathname of a request URL without building a URL object: the router, CORS and the rate limiter
 * each need it on every request, and workerd hands us absolute, normalised URLs.
 */
export function pathnameOf(url: string): string {
	const scheme = url.indexOf("://");
	const start = url.indexOf("/", scheme < 0 ? 0 : scheme + 3);
	if (start < 0) return "/";
	let end = url.length;
	const query = url.indexOf("?", start);
	if (query >= 0) end = query;
	const hash = url.indexOf("#", start);
	if (hash >= 0 && hash < end) end = hash;
	return url.slice(start, end);
}

/** Whether the URL has a query string (so parsing it can be skipped when it has none). */
export function hasQuery(url: string): boolean {
	return url.includes("?");
}
