/**
 * The one error handler: typed HttpErrors become the contract's JSON error (or an HTML page where
 * people are looking: the preference centre, unsubscribe pages, form posts to /v1/opt-out); anything
 * else is logged and answered with a generic body, never SQL text or a stack trace. An HTML page is in the
 * visitor's language and leads back to the preference centre (pages/error-page.ts).
 */

import { peopleErrorResponse } from "../pages/error-page";
import { HttpError } from "./http-error";
import { isFormPost } from "./request-body";
import { requestUrl } from "./request-inputs";
import { pathnameOf } from "./request-path";
import { errorResponse, htmlErrorResponse } from "./responses";

const HTML_PATHS = ["/preferences", "/unsubscribe"];
/**
 * The one API path that takes a form (CONTRACT.md: a form post's errors there keep their status with
 * an HTML body). A form sent anywhere else on the API is a machine's mistake, answered in JSON.
 */
const FORM_API_PATH = "/v1/opt-out";

function wantsHtml(request: Request): boolean {
	const path = pathnameOf(requestUrl(request));
	if (HTML_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return true;
	// Routed with or without trailing slashes, as every exact route is.
	return isFormPost(request) && path.replace(/\/+$/, "") === FORM_API_PATH;
}

export function handleError(err: unknown, request: Request): Response {
	const known =
		err instanceof HttpError
			? err
			: new HttpError(500, "internal_error", "Something went wrong on our side.");
	if (!(err instanceof HttpError)) console.error("unhandled error", err);
	if (!wantsHtml(request)) return errorResponse(known);
	// A URL a route could not parse still gets a page, in English.
	const url = URL.parse(requestUrl(request));
	return url ? peopleErrorResponse(known, request, url) : htmlErrorResponse(known);
}
