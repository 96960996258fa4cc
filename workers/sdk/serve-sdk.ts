/** GET /consent.js: the browser SDK, cacheable for a few minutes and revalidated by ETag. */
import { settingsFor } from "../config/settings";
import { requestHasGpc } from "../gpc/gpc-signal";
import { guardRuntime, RUNTIME_PATH, RUNTIME_PURPOSES } from "../guard/guard-runtime";
import { guardSettingsFor } from "../guard/guard-settings";
import { ifNoneMatchMatches } from "./conditional-get";
import { sdkAsset } from "./sdk-asset";
import type { SdkGuard } from "./sdk-config";

/** Short, so a fix reaches pages within minutes; the ETag makes revalidation cheap. */
export const SDK_CACHE_CONTROL = "public, max-age=300";
export const SDK_CONTENT_TYPE = "application/javascript; charset=utf-8";

/**
 * Where a guarded site's runtime is (ORIGIN set), for the SDK to load when the visitor says no on a
 * page served without it. It depends on the deployment, never on the request: no Vary for it.
 */
function sdkGuard(env: Env): SdkGuard | null {
	if (!settingsFor(env).origin) return null;
	const { version } = guardRuntime(guardSettingsFor(env).overrides);
	return { runtime: RUNTIME_PATH, version, purposes: RUNTIME_PURPOSES };
}

export async function serveSdk(request: Request, env: Env): Promise<Response> {
	const { body, etag } = await sdkAsset(env, sdkGuard(env), requestHasGpc(request));
	const headers = new Headers({
		"Cache-Control": SDK_CACHE_CONTROL,
		ETag: etag,
		"X-Content-Type-Options": "nosniff",
		// Pages that require CORP (COEP: require-corp) may still load it.
		"Cross-Origin-Resource-Policy": "cross-origin",
		// Its CORS headers depend on Origin (http/cors.ts: none without one, `*` for any page, the
		// origin itself for ALLOWED_ORIGINS), and its configuration on Sec-GPC: a cache that may store
		// it must not hand one to another (nor a copy fetched before the signal to a browser sending it).
		Vary: "Origin, Sec-GPC",
	});
	if (ifNoneMatchMatches(request.headers.get("If-None-Match"), etag)) {
		return new Response(null, { status: 304, headers });
	}
	headers.set("Content-Type", SDK_CONTENT_TYPE);
	return new Response(body, { headers });
}
