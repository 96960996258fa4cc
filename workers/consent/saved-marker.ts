/**
 * What lets /preferences?saved=1 say "saved": a form post's 303 there sets `ce_saved` (HttpOnly,
 * `Path=/preferences`, a minute), and only a page view presenting it shows the confirmation. Anyone
 * can link to that address (another site, a mail), and a person with stored choices was told their
 * choices had just been saved when nothing was.
 */
import { requestCookie, serializeCookie } from "../http/cookies";

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
