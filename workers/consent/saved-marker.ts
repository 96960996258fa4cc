/**
 * What lets /preferences?saved=1 say "saved": a form post's 303 there sets `ce_saved` (HttpOnly,
 * `Path=/preferences`, a minute), and only a page view presenting it shows the confirmation. Anyone
 * can link to that address (another site, a mail), and a person with stored choices was told their
 * choices had just been saved when nothing was. The marker is the save's time and a MAC of it with
 * this browser's `ce_vid` under SIGNING_KEY: a plain `ce_saved=1` (set by a sibling subdomain, a
 * page's script, or an older version) or another browser's marker says nothing.
 */
import { hmacSign, hmacVerify } from "../crypto/hmac";
import { repeatedCookie, requestCookie, serializeCookie } from "../http/cookies";
import { requestHeader } from "../http/request-inputs";
import type { RequestContext } from "./request-context";

const SAVED_COOKIE = "ce_saved";
const LIFETIME_S = 60;
/** Without SIGNING_KEY the MAC still binds the marker to `ce_vid` (HttpOnly: only hosts it is sent to see it). */
const UNKEYED = SAVED_COOKIE;
const MARKER = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const markerData = (vid: string, savedAt: string) => `ce_saved:${vid}:${savedAt}`;

export async function savedMarkerCookie(rc: RequestContext, vid: string): Promise<string> {
	const savedAt = String(Math.floor(rc.now / 1000));
	const mac = await hmacSign(rc.settings.signingKeys[0] ?? UNKEYED, markerData(vid, savedAt));
	return serializeCookie(SAVED_COOKIE, `${savedAt}.${mac}`, {
		path: "/preferences",
		maxAge: LIFETIME_S,
		httpOnly: true,
		secure: rc.secure,
		sameSite: "Lax",
	});
}

/** Whether the request carries a marker of a save by this visitor (`vid`) within the last minute. */
export async function hasSavedMarker(rc: RequestContext, vid: string): Promise<boolean> {
	const copies = repeatedCookie(rc.request, SAVED_COOKIE) ?? [requestCookie(rc.request, SAVED_COOKIE)];
	for (const copy of copies) if (copy && (await isOwnMarker(rc, vid, copy))) return true;
	return false;
}

async function isOwnMarker(rc: RequestContext, vid: string, value: string): Promise<boolean> {
	const match = MARKER.exec(value);
	if (!match) return false;
	const [, savedAt = "", mac = ""] = match;
	// A few seconds' grace for another machine's clock.
	const age = rc.now / 1000 - Number(savedAt);
	if (age < -5 || age > LIFETIME_S + 5) return false;
	const keys = rc.settings.signingKeys.length > 0 ? rc.settings.signingKeys : [UNKEYED];
	for (const key of keys) if (await hmacVerify(key, markerData(vid, savedAt), mac)) return true;
	return false;
}

/**
 * Whether a browser at /preferences?saved=1 without cookies (it refuses them, and is told so), or at
 * ?erased=1 with nothing stored, may be back from its own post: the 303 of the page's own form, and a
 * reload of it, are same-origin navigations. A link in a mail, typed or on another site (`none`,
 * `cross-site`) is no such return, nor is a link on a sibling subdomain (`same-site`): Chromium sends
 * a sibling's form's 303 the same Sec-Fetch-Site and Referer as a link there, and no Origin, so that
 * form's cookie-less return gets the plain page too. Without Fetch Metadata (an older browser, or
 * Chromium on plain http) a Referer on another origin says the same; with neither, it cannot be told.
 */
export function mayBeBackFromSave(request: Request, origin: string): boolean {
	const site = requestHeader(request, "Sec-Fetch-Site");
	if (site !== null) return site === "same-origin";
	const referer = requestHeader(request, "Referer");
	return referer === null || referer.startsWith(`${origin}/`);
}
