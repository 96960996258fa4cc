/**
 * The request values every hot path consults (its URL, method, `Headers`, Cookie and Authorization
 * headers), each read from the runtime at most once per request. A read copies the value out of the
 * runtime into a new string (a header about 0.2-0.5 µs, bench/HISTORY.md "What reading the inputs
 * costs"), and one request asks for its URL in up to four places (the route, the request context, the
 * route's own query, the guard's target) and for its Cookie header in three.
 *
 * The values are remembered for the request being served alone: one slot, not a WeakMap keyed by the
 * request. A request object lives until a full collection (the runtime holds it), so a WeakMap kept
 * every request's values alive that long, and the promoted bytes made full collections twice as long
 * (bench/cpu-cost.mjs --gc: 458 bytes promoted per cookie-decided request, 132 with one slot). A
 * request answered without waiting on I/O runs start to end with no other request in between, so the
 * slot serves all of its reads; after an await another request may have taken it, and the values are
 * read again. (The slot holds the last request until the next one comes.)
 */

let current: Request | null = null;
let url: string | undefined;
let method: string | undefined;
let headers: Headers | undefined;
let cookie: string | null | undefined;
let authorization: string | null | undefined;

function serving(request: Request): void {
	if (request === current) return;
	current = request;
	url = undefined;
	method = undefined;
	headers = undefined;
	cookie = undefined;
	authorization = undefined;
}

/** `request.url`, read once per request. */
export function requestUrl(request: Request): string {
	serving(request);
	url ??= request.url;
	return url;
}

/** `request.method`, read once per request. */
export function requestMethod(request: Request): string {
	serving(request);
	method ??= request.method;
	return method;
}

/**
 * One request header (`request.headers.get(name)`). `request.headers` is itself a call into the
 * runtime, which hands out a counted reference to the request's Headers each time: it is asked once
 * per request.
 */
export function requestHeader(request: Request, name: string): string | null {
	serving(request);
	headers ??= request.headers;
	return headers.get(name);
}

/** The request's Cookie header, read once per request. */
export function cookieHeader(request: Request): string | null {
	serving(request);
	if (cookie === undefined) cookie = joinedCookieLines(requestHeader(request, "Cookie"));
	return cookie;
}

// Cookie lines sent apart (an HTTP/1.1 client's two, HTTP/2 crumbs passed on unjoined) arrive joined by
// ", ", which hid every pair after the first line; a pair's value holds no ", name=" (RFC 6265 §4.1.1).
const COOKIE_LINE_JOIN = /, (?=[^\s=;,]+=)/g;

function joinedCookieLines(header: string | null): string | null {
	return header?.includes(", ") ? header.replace(COOKIE_LINE_JOIN, "; ") : header;
}

/** The request's Authorization header, read once per request. */
export function authorizationHeader(request: Request): string | null {
	serving(request);
	if (authorization === undefined) authorization = requestHeader(request, "Authorization");
	return authorization;
}
