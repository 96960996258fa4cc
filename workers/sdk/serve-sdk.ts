/** GET /consent.js: the browser SDK, cacheable for a few minutes and revalidated by ETag. */
import { ifNoneMatchMatches } from "./conditional-get";
import { sdkAsset } from "./sdk-asset";

/** Short, so a fix reaches pages within minutes; the ETag makes revalidation cheap. */
export const SDK_CACHE_CONTROL = "public, max-age=300";
export const SDK_CONTENT_TYPE = "application/javascript; charset=utf-8";

export async function serveSdk(request: Request): Promise<Response> {
	const { body, etag } = await sdkAsset();
	const headers = new Headers({
		"Cache-Control": SDK_CACHE_CONTROL,
		ETag: etag,
		"X-Content-Type-Options": "nosniff",
		// Pages that require CORP (COEP: require-corp) may still load it.
		"Cross-Origin-Resource-Policy": "cross-origin",
		// Its CORS headers depend on Origin (http/cors.ts: none without one, `*` for any page, the
		// origin itself for ALLOWED_ORIGINS): a cache that may store it must not hand one to another.
		Vary: "Origin",
	});
	if (ifNoneMatchMatches(request.headers.get("If-None-Match"), etag)) {
		return new Response(null, { status: 304, headers });
	}
	headers.set("Content-Type", SDK_CONTENT_TYPE);
	return new Response(body, { headers });
}
