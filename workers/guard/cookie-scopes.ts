/**
 * Where a denied tracking cookie the visitor sent may sit in the browser's jar, as the domains and
 * paths its expiry lines name. A browser deletes a cookie only by its name, domain (host-only or a
 * `Domain`) and path, and the `Cookie` header names neither: the guard guesses from the request's
 * host and the page's path, the likeliest scopes first.
 */
import { registrableDomain } from "./public-suffix";
import { normaliseHost } from "./url-layout";

export interface CookieScope {
	/** The `Domain` attribute's value without its dot; null for a host-only cookie. */
	readonly domain: string | null;
	readonly path: string;
}

export interface CookieScopes {
	/** `Path=/` on every domain a cookie may have: always expired. */
	readonly root: readonly CookieScope[];
	/** Narrower paths, likeliest first: expired as far as the answer's header budget goes. */
	readonly narrow: readonly CookieScope[];
}

/** How many of a request path's ancestors a denied cookie is also expired on, from the top. */
const MAX_PATH_LEVELS = 3;
/**
 * The longest `Path` a browser takes (RFC 6265bis ignores a longer attribute value). On a long URL,
 * lines with longer ones made the answer's header too big for Chromium (ERR_RESPONSE_HEADERS_TOO_BIG,
 * 256 KiB with ten denied cookies and an 8 000-character segment): the page did not load.
 */
const MAX_COOKIE_PATH = 1024;

/** A path a `Path` attribute can name: a `;` would end the attribute, a longer one is ignored. */
function nameablePath(path: string): boolean {
	return !path.includes(";") && path.length <= MAX_COOKIE_PATH;
}

/**
 * The paths other than `/` that a cookie sent with a request for `pathname` may have been set on, as
 * a script or a response on that section sets them (its default path, the page's directory, or a
 * `Path=/shop`): each ancestor directory without its trailing slash, from the top, at most
 * MAX_PATH_LEVELS (`/shop`, `/shop/cart` for `/shop/cart/item`), none over MAX_COOKIE_PATH. None for a
 * one-segment path.
 */
export function cookiePathsAbove(pathname: string): string[] {
	const paths: string[] = [];
	for (let slash = pathname.indexOf("/", 2); slash > 0; slash = pathname.indexOf("/", slash + 1)) {
		const path = pathname.slice(0, slash);
		// Nothing from an unnameable path on (a longer one is not nameable either).
		if (!nameablePath(path) || paths.length === MAX_PATH_LEVELS) break;
		paths.push(path);
	}
	return paths;
}

/**
 * The domains a cookie sent to `requestHost` may have been set on: host-only (null) first, then the
 * site (eTLD+1, where GA puts `_ga`), then every domain below it down to the host itself (a
 * `Domain=.www.example.com`). Host-only alone for an IP address or a name with no site.
 */
export function cookieDomains(requestHost: string): (string | null)[] {
	const host = normaliseHost(requestHost);
	const site = registrableDomain(host);
	if (site === null) return [null];
	const below: string[] = [];
	for (let domain = host; domain.length > site.length; domain = domain.slice(domain.indexOf(".") + 1)) {
		below.unshift(domain);
	}
	return [null, site, ...below];
}

const at = (path: string) => (domain: string | null) => ({ domain, path });

/**
 * Every scope a denied cookie sent with a request for `pagePath` on `requestHost` is expired on.
 * Narrow ones in this order, so a budget cut leaves out the least likely: the page's own path
 * (`Path=/shop/cart` seen on `/shop/cart`) and its ancestors (cookiePathsAbove), host-only and on the
 * site, where scripts and tags put them; the same paths on the domains below the site; then each
 * ancestor with a trailing slash (`Path=/shop/`, which only an explicit attribute gives), on every
 * domain. `/` alone for a `pagePath` of `/` (an asset's or a beacon's answer).
 */
export function cookieScopes(requestHost: string, pagePath: string): CookieScopes {
	const domains = cookieDomains(requestHost);
	const common = domains.slice(0, 2);
	const below = domains.slice(2);
	const ancestors = cookiePathsAbove(pagePath);
	const paths = pagePath !== "/" && nameablePath(pagePath) ? [pagePath, ...ancestors] : ancestors;
	const slashed = ancestors
		.map((path) => `${path}/`)
		.filter((path) => path !== pagePath && nameablePath(path));
	return {
		root: domains.map(at("/")),
		narrow: [
			...paths.flatMap((path) => common.map(at(path))),
			...paths.flatMap((path) => below.map(at(path))),
			...slashed.flatMap((path) => domains.map(at(path))),
		],
	};
}
