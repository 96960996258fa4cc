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

/**
 * The parts of an absolute, normalised request URL (what workerd hands a Worker) that the hot paths
 * need, cut from the string: `origin`, `hostname`, and `pathAndQuery` (= URL pathname + search: a
 * bare trailing `?` and any fragment are dropped, as URL does).
 */
export interface RequestTarget {
	readonly origin: string;
	/** As URL's: `protocol` with its colon (`https:`), `host` with its port if any. */
	readonly protocol: string;
	readonly host: string;
	readonly hostname: string;
	readonly pathname: string;
	readonly search: string;
	readonly pathAndQuery: string;
}

export function requestTarget(url: string): RequestTarget {
	const scheme = url.indexOf("://");
	const hostStart = scheme < 0 ? 0 : scheme + 3;
	let pathStart = url.indexOf("/", hostStart);
	if (pathStart < 0) pathStart = url.length;
	const authority = url.slice(hostStart, pathStart);
	// (includes and indexOf are built-ins V8 inlines; lastIndexOf is a call into its runtime, and
	// credentials and IPv6 literals are rare.)
	const at = authority.includes("@") ? authority.lastIndexOf("@") : -1;
	const host = at < 0 ? authority : authority.slice(at + 1);
	let hostname = host;
	if (host.charCodeAt(0) === 91 /* [ */) {
		// An IPv6 literal: a port follows the last colon after its closing bracket.
		const colon = host.lastIndexOf(":");
		if (colon > host.lastIndexOf("]")) hostname = host.slice(0, colon);
	} else {
		// A normalised host has no colon but the port's.
		const colon = host.indexOf(":");
		if (colon >= 0) hostname = host.slice(0, colon);
	}
	const hash = url.indexOf("#", pathStart);
	let pathAndQuery = pathStart < url.length ? url.slice(pathStart, hash < 0 ? undefined : hash) : "/";
	let query = pathAndQuery.indexOf("?");
	if (query === pathAndQuery.length - 1) {
		pathAndQuery = pathAndQuery.slice(0, -1);
		query = -1;
	}
	return {
		origin: at < 0 ? url.slice(0, pathStart) : url.slice(0, hostStart) + host,
		protocol: scheme < 0 ? "" : url.slice(0, scheme + 1),
		host,
		hostname,
		pathname: query < 0 ? pathAndQuery : pathAndQuery.slice(0, query),
		search: query < 0 ? "" : pathAndQuery.slice(query),
		pathAndQuery,
	};
}
