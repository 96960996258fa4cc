/**
 * The way back to the site: the banner's Settings opens the preference centre with `?return=<the
 * page it was on>`, the page offers a link back to it, and a save keeps it (a hidden field, then the
 * 303's Location). Only a page of an origin the worker serves or allows (its own, PUBLIC_BASE_URL's,
 * ALLOWED_ORIGINS) is offered, and only as a link the person follows: never an open redirect.
 */
import type { Settings } from "../config/settings";
import { isAllowedOrigin } from "../http/origin-check";

export const RETURN_PARAM = "return";
/** Where a form save (the page's own, or its "opt out of everything") answers 303 to. */
const SAVED_LOCATION = "/preferences?saved=1";
const MAX_RETURN_LENGTH = 2048;

/** The page to lead back to, or null when `value` names none the worker may link to. */
export function returnTarget(
	value: string | null | undefined,
	request: Request,
	settings: Settings,
): string | null {
	if (!value || value.length > MAX_RETURN_LENGTH) return null;
	const url = URL.parse(value);
	if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) return null;
	if (url.username || url.password) return null;
	if (!isAllowedOrigin(url.origin, request, settings)) return null;
	url.hash = "";
	return url.href;
}

/** Where a form save answers 303 to: the saved page, still leading back when it did. */
export function savedLocation(returnTo: string | null): string {
	return returnTo ? `${SAVED_LOCATION}&${RETURN_PARAM}=${encodeURIComponent(returnTo)}` : SAVED_LOCATION;
}
