/**
 * The script served at /consent.js: the SDK source with its configuration filled in, and a strong
 * ETag from the SHA-256 of that text. Both depend only on the deployed code, so they are built once
 * per isolate.
 */
import { toBase64Url } from "../crypto/encoding";
import { CONSENT_SDK_SOURCE } from "./consent-sdk-source";
import { type SdkConfig, sdkConfig } from "./sdk-config";

export const CONFIG_PLACEHOLDER = "__CONSENT_EDGE_CONFIG__";

export interface SdkAsset {
	readonly body: string;
	readonly etag: string;
}

let cached: Promise<SdkAsset> | undefined;

export function sdkAsset(): Promise<SdkAsset> {
	cached ??= buildSdkAsset().catch((err: unknown) => {
		// A failed build is retried by the next request instead of being cached.
		cached = undefined;
		throw err;
	});
	return cached;
}

export async function buildSdkAsset(
	source: string = CONSENT_SDK_SOURCE,
	config: SdkConfig = sdkConfig(),
): Promise<SdkAsset> {
	const at = source.lastIndexOf(CONFIG_PLACEHOLDER);
	if (at < 0) throw new Error("consent SDK source has no configuration placeholder");
	// Escaping "<" keeps the JSON inert even if a page inlines the script in HTML.
	const json = JSON.stringify(config).replace(/</g, "\\u003c");
	const body = source.slice(0, at) + json + source.slice(at + CONFIG_PLACEHOLDER.length);
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
	return { body, etag: `"${toBase64Url(digest)}"` };
}
