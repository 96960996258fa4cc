/**
 * The path prefixes the worker owns whole (contract, Guard mode). In guard mode every other path
 * belongs to the site behind it and passes through untouched by the API's CORS, limits and 404s.
 */
const OWNED_PREFIXES = ["/v1/", "/preferences", "/unsubscribe", "/consent.js", "/.well-known/gpc.json"];

export function isOwnedPath(path: string): boolean {
	if (path === "/v1") return true;
	for (const prefix of OWNED_PREFIXES) {
		if (path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`)) return true;
	}
	return false;
}
