/**
 * CORS: allowed origins (ALLOWED_ORIGINS and the worker's own) get credentialed answers; public
 * read-only endpoints answer any origin without credentials; everyone else gets no CORS headers,
 * so browsers keep cross-site pages from reading visitor answers.
 */
import { settingsFor } from "../config/settings";
import { isAllowedOrigin } from "./origin-check";
import { requestHeader, requestMethod } from "./request-inputs";
import { mergeVary } from "./vary";

const PUBLIC_PATHS = new Set(["/v1/check", "/consent.js", "/.well-known/gpc.json"]);
const ALLOW_HEADERS = "Content-Type, Authorization, Idempotency-Key, X-D1-Bookmark";
/** Under DEBUG_GEO a page on another origin may pick its visitor's place too (a local test page). */
const DEBUG_HEADER = "X-Debug-Geo";
const EXPOSE_HEADERS = "X-GPC-Honored, X-D1-Bookmark, Retry-After, Idempotent-Replayed";

/**
 * Answers a CORS preflight: an OPTIONS with `Access-Control-Request-Method` (a plain OPTIONS is the
 * route's, answered with its `Allow`). `path` is the request's pathname, one of the worker's own (the
 * entry sends every other path to the guard, whose responses are the site's own business).
 */
export function corsPreflight(request: Request, env: Env, path: string): Response | undefined {
	if (requestMethod(request) !== "OPTIONS") return undefined;
	if (requestHeader(request, "Access-Control-Request-Method") === null) return undefined;
	const origin = requestHeader(request, "Origin");
	const headers = new Headers({ Vary: "Origin", "Cache-Control": "no-store" });
	const debugGeo = settingsFor(env).debugGeo;
	if (origin && origin !== "null" && isAllowedOrigin(origin, request, settingsFor(env))) {
		headers.set("Access-Control-Allow-Origin", origin);
		headers.set("Access-Control-Allow-Credentials", "true");
		headers.set("Access-Control-Allow-Methods", "GET, HEAD, PUT, POST, DELETE");
		headers.set(
			"Access-Control-Allow-Headers",
			debugGeo ? `${ALLOW_HEADERS}, ${DEBUG_HEADER}` : ALLOW_HEADERS,
		);
		headers.set("Access-Control-Max-Age", "600");
	} else if (PUBLIC_PATHS.has(path)) {
		headers.set("Access-Control-Allow-Origin", "*");
		headers.set("Access-Control-Allow-Methods", "GET, HEAD");
		if (debugGeo) headers.set("Access-Control-Allow-Headers", DEBUG_HEADER);
		headers.set("Access-Control-Max-Age", "600");
	}
	return new Response(null, { status: 204, headers });
}

/** CORS headers for an answer on one of the worker's own paths (`path`, as for corsPreflight). */
export function withCors(response: Response, request: Request, env: Env, path: string): Response {
	const origin = requestHeader(request, "Origin");
	if (!origin || response.headers.has("Access-Control-Allow-Origin")) return response;
	const allowed = origin !== "null" && isAllowedOrigin(origin, request, settingsFor(env));
	const isPublic = PUBLIC_PATHS.has(path);
	if (!allowed && !isPublic) return response;
	const res = new Response(response.body, response);
	if (allowed) {
		res.headers.set("Access-Control-Allow-Origin", origin);
		res.headers.set("Access-Control-Allow-Credentials", "true");
		res.headers.set("Vary", mergeVary(res.headers.get("Vary"), ["Origin"]));
	} else {
		res.headers.set("Access-Control-Allow-Origin", "*");
	}
	res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
	return res;
}
