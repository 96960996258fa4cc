/**
 * The redirect a guarded navigation with tracking parameters gets: same scheme, host and path, every
 * other parameter kept byte for byte. Relative, so it cannot leave the site (a path starting `//`
 * would read as another host, so that one is spelled out on the request's own origin). 302, never a
 * cacheable 301/308, and never stored: another visitor may not be guarded. Stripping is idempotent,
 * so the target is never redirected again.
 */
import { NO_STORE } from "../http/responses";

/** `origin` is the request's own (scheme, host and port). */
export function redirectLocation(origin: string, strippedPathAndQuery: string): string {
	const second = strippedPathAndQuery.charCodeAt(1);
	const ambiguous = second === 47 /* / */ || second === 92; /* \ */
	return ambiguous ? `${origin}${strippedPathAndQuery}` : strippedPathAndQuery;
}

/** The redirect's status and headers; the guard adds its label and any cookie expiries. */
export function navigationRedirect(
	origin: string,
	strippedPathAndQuery: string,
): { status: number; headers: Record<string, string> } {
	const location = redirectLocation(origin, strippedPathAndQuery);
	return { status: 302, headers: { Location: location, "Cache-Control": NO_STORE } };
}
