/**
 * What lets /preferences?saved=1 say "saved": a form post's 303 there sets `ce_saved` (HttpOnly,
 * `Path=/preferences`, a minute), and only a page view presenting it shows the confirmation. Anyone
 * can link to that address (another site, a mail), and a person with stored choices was told their
 * choices had just been saved when nothing was.
 */
import { requestCookie, serializeCookie } from "../http/cookies";
import { requestHeader } from "../http/request-inputs";

const SAVED_COOKIE = "ce_saved";

export function savedMarkerCookie(secure: boolean): string {
	return serializeCookie(SAVED_COOKIE, "1", {
		path: "/preferences",
		maxAge: 60,
		httpOnly: true,
		secure,
		sameSite: "Lax",
	});
}

export function hasSavedMarker(request: Request): boolean {
	return requestCookie(request, SAVED_COOKIE) === "1";
}

/**
 * Whether a browser at /preferences?saved=1 without cookies (it refuses them, and is told so), or at
 * ?erased=1 with nothing stored, may be back from its own post: the 303 of a form on this site, and a
 * reload of it, are navigations from this site (`Sec-Fetch-Site` same-origin, or same-site for a
 * sibling's form). A link in a mail, typed or on another site (`none`, `cross-site`) is no such
 * return; a browser without Fetch Metadata cannot say, and is told as before.
 */
export function mayBeBackFromSave(request: Request): boolean {
	const site = requestHeader(request, "Sec-Fetch-Site");
	return site === null || site === "same-origin" || site === "same-site";
}
