/**
 * CSRF defence for cookie-authenticated writes: the Origin must be the worker's own origin (or
 * PUBLIC_BASE_URL's) or one of ALLOWED_ORIGINS. A missing Origin passes only when Sec-Fetch-Site
 * is absent, `same-origin` or `none`; `Origin: null` never passes.
 */
import { originMatches, type Settings } from "../config/settings";
import { HttpError } from "./http-error";
import { requestHeader, requestUrl } from "./request-inputs";
import { requestTarget } from "./request-path";

export function isAllowedOrigin(origin: string, request: Request, settings: Settings): boolean {
	const own = requestTarget(requestUrl(request)).origin;
	if (origin === own) return true;
	if (origin === settings.publicOrigin) return true;
	return originMatches(origin, settings.allowedOrigins);
}

/** Whether a write with the visitor's cookie comes from where one may (see the module comment). */
export function isAllowedWriteOrigin(request: Request, settings: Settings): boolean {
	const origin = requestHeader(request, "Origin");
	if (origin === null) {
		const site = requestHeader(request, "Sec-Fetch-Site");
		return site === null || site === "same-origin" || site === "none";
	}
	return origin !== "null" && isAllowedOrigin(origin, request, settings);
}

const WRITES_REFUSED = "Writes with a visitor cookie are only accepted from allowed origins.";

/** `refused` is the 403's message: what the request asked that its origin may not. */
export function assertWriteOrigin(request: Request, settings: Settings, refused = WRITES_REFUSED): void {
	if (isAllowedWriteOrigin(request, settings)) return;
	throw new HttpError(403, "forbidden_origin", refused);
}
