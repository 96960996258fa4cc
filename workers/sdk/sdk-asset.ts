/**
 * The script served at /consent.js: the SDK source with its configuration filled in, and a strong
 * ETag from the SHA-256 of that text. Both depend on the deployed code and its configuration
 * (whether it guards a site, and the runtime's version) and on whether the request carried GPC, so
 * each of those few variants is built once per isolate, from the source text read from the scripts
 * Worker (http/script-text.ts).
 */
import { toBase64Url } from "../crypto/encoding";
import { scriptText } from "../http/script-text";
import { CONSENT_SDK_SOURCE_TEXT_SHA256 } from "./consent-sdk-template";
import { type SdkConfig, type SdkGuard, sdkConfig } from "./sdk-config";

export const CONFIG_PLACEHOLDER = "__CONSENT_EDGE_CONFIG__";

export interface SdkAsset {
	readonly body: string;
	readonly etag: string;
}

/** By GPC and runtime version ("" unguarded): an isolate sees one configuration, tests a few. */
const cached = new Map<string, Promise<SdkAsset>>();

export function sdkAsset(env: Env, guard: SdkGuard | null = null, gpc = false): Promise<SdkAsset> {
	const key = `${+gpc}${guard === null ? "" : guard.version}`;
	let asset = cached.get(key);
	if (asset === undefined) {
		asset = scriptText(env, "consent-sdk.js", CONSENT_SDK_SOURCE_TEXT_SHA256)
			.then((source) => buildSdkAsset(source, sdkConfig(guard, gpc)))
			.catch((err: unknown) => {
				// A failed build is retried by the next request instead of being cached.
				cached.delete(key);
				throw err;
			});
		cached.set(key, asset);
	}
	return asset;
}

export async function buildSdkAsset(source: string, config: SdkConfig = sdkConfig()): Promise<SdkAsset> {
	const at = source.lastIndexOf(CONFIG_PLACEHOLDER);
	if (at < 0) throw new Error("consent SDK source has no configuration placeholder");
	// Escaping "<" keeps the JSON inert even if a page inlines the script in HTML.
	const json = JSON.stringify(config).replace(/</g, "\\u003c");
	const body = source.slice(0, at) + json + source.slice(at + CONFIG_PLACEHOLDER.length);
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
	return { body, etag: `"${toBase64Url(digest)}"` };
}
