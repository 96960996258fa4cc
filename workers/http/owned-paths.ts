/**
 * The path prefixes the worker owns whole (contract, Guard mode). In guard mode every other path
 * belongs to the site behind it and passes through untouched by the API's CORS, limits and 404s.
 */
const OWNED_PREFIXES = ["/v1/", "/preferences", "/unsubscribe", "/consent.js", "/.well-known/gpc.json"];
// Each prefix owns itself and everything below it: [exact, below] (checked on every request).
const OWNED = OWNED_PREFIXES.map((prefix) => [prefix, prefix.endsWith("/") ? prefix : `${prefix}/`] as const);

/** The second characters of the prefixes: a path starting with any other owns nothing (most guarded paths). */
const SECOND_CHARACTERS = new Set(OWNED_PREFIXES.map((prefix) => prefix.charCodeAt(1)));

export function isOwnedPath(path: string): boolean {
	if (!SECOND_CHARACTERS.has(path.charCodeAt(1))) return false;
	if (path === "/v1") return true;
	for (const [exact, below] of OWNED) {
		if (path === exact || path.startsWith(below)) return true;
	}
	return false;
}
