/**
 * What kind of request the browser says this is (Fetch Metadata). A GET without any Fetch Metadata
 * header counts as a navigation (contract): old browsers, crawlers and links opened by other apps.
 */
import { requestHeader, requestMethod } from "../http/request-inputs";

function hasFetchMetadata(request: Request): boolean {
	return (
		requestHeader(request, "Sec-Fetch-Mode") !== null ||
		requestHeader(request, "Sec-Fetch-Dest") !== null ||
		requestHeader(request, "Sec-Fetch-Site") !== null ||
		requestHeader(request, "Sec-Fetch-User") !== null
	);
}

/** GET/HEAD with `Sec-Fetch-Mode: navigate`, or a GET with no Fetch Metadata at all. */
export function isNavigation(request: Request): boolean {
	const method = requestMethod(request);
	if (method !== "GET" && method !== "HEAD") return false;
	const mode = requestHeader(request, "Sec-Fetch-Mode");
	if (mode !== null) return mode.trim().toLowerCase() === "navigate";
	return method === "GET" && !hasFetchMetadata(request);
}

const DOCUMENT_DESTINATIONS = new Set(["document", "iframe", "frame", "embed", "object"]);

/**
 * Whether the answer is probably a page: a navigation, a frame, or (without Fetch Metadata) a request
 * that accepts HTML, unlike an old browser's image request. Used to decide where a GPC opt-out is
 * persisted and where the browser's cached copy must not be revalidated.
 */
export function isDocumentRequest(request: Request): boolean {
	const mode = requestHeader(request, "Sec-Fetch-Mode");
	if (mode !== null && mode.trim().toLowerCase() === "navigate") return true;
	const dest = requestHeader(request, "Sec-Fetch-Dest");
	if (dest !== null) return DOCUMENT_DESTINATIONS.has(dest.trim().toLowerCase());
	if (hasFetchMetadata(request)) return false;
	return (requestHeader(request, "Accept") ?? "").includes("text/html");
}
