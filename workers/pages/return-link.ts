/**
 * The way back to the site: the banner's Settings opens the preference centre with `?return=<the
 * page it was on>`, and the page offers a link back to it. The page remembers it in a short-lived,
 * HttpOnly `ce_return` cookie scoped to `/preferences`, so the saved page a form post's 303 leads to
 * (`/preferences?saved=1`, exactly as CONTRACT.md says) still offers it. Only a page of an origin
 * the worker serves or allows (its own, PUBLIC_BASE_URL's, ALLOWED_ORIGINS) is offered, and only as a
 * link the person follows: never an open redirect.
 */
import type { Settings } from "../config/settings";
import { requestCookie, serializeCookie } from "../http/cookies";
import { httpUrl } from "../http/http-url";
import { isAllowedOrigin } from "../http/origin-check";

export const RETURN_PARAM = "return";
const RETURN_COOKIE = "ce_return";
const MAX_RETURN_LENGTH = 2048;
/** Long enough to choose and save, short enough not to offer a stale way back on a later visit. */
const RETURN_COOKIE_S = 1800;

/** The page to lead back to, or null when `value` names none the worker may link to. */
export function returnTarget(
	value: string | null | undefined,
	request: Request,
	settings: Settings,
): string | null {
	if (!value || value.length > MAX_RETURN_LENGTH) return null;
	const url = httpUrl(value);
	if (!url) return null;
	if (url.username || url.password) return null;
	if (!isAllowedOrigin(url.origin, request, settings)) return null;
	url.hash = "";
	// Bounded as written out: a short `?return=` of non-ASCII text percent-encodes to 9 times its length.
	return url.href.length > MAX_RETURN_LENGTH ? null : url.href;
}

/**
 * A URL as a cookie value: `%` and what a cookie value may not hold escaped, nothing else (escaping
 * every reserved character, `/` `?` `&` `=` `:`, made a 2048-character address a 6 KB cookie that
 * browsers refuse). decodeURIComponent reads it back exactly, and reads older cookies too.
 */
function cookieSafe(href: string): string {
	return href.replace(/[^\x21\x23\x24\x26-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]/g, encodeURIComponent);
}

export interface ReturnLink {
	/** The page to lead back to, or null. */
	readonly returnTo: string | null;
	/** A `Set-Cookie` line remembering it, when the URL named it. */
	readonly cookie: string | null;
}

/** The way back for this page view: named by `?return=`, else remembered by the cookie. */
export function returnLink(request: Request, url: URL, settings: Settings, secure: boolean): ReturnLink {
	const named = returnTarget(url.searchParams.get(RETURN_PARAM), request, settings);
	if (named !== null) {
		const cookie = serializeCookie(RETURN_COOKIE, cookieSafe(named), {
			path: "/preferences",
			maxAge: RETURN_COOKIE_S,
			httpOnly: true,
			secure,
			sameSite: "Lax",
		});
		return { returnTo: named, cookie };
	}
	const remembered = requestCookie(request, RETURN_COOKIE);
	let decoded: string | null = null;
	try {
		decoded = remembered === undefined ? null : decodeURIComponent(remembered);
	} catch {
		decoded = null;
	}
	return { returnTo: returnTarget(decoded, request, settings), cookie: null };
}
