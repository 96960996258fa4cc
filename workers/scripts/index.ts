/**
 * consent-edge-scripts: the texts of the two scripts the main Worker serves to browsers (/consent.js
 * and /v1/guard/runtime.js, before their configuration is filled in). They are moved out of the main
 * Worker's script to keep it within 100 KiB gzipped; the main Worker reads each once per isolate over
 * its SCRIPTS service binding (http/script-text.ts). Not routed: only that binding reaches it.
 */
import { RUNTIME_SOURCE } from "../guard/runtime-source";
import { CONSENT_SDK_SOURCE } from "../sdk/consent-sdk-source";

const TEXTS: Record<string, string> = {
	"/consent-sdk.js": CONSENT_SDK_SOURCE,
	"/runtime.js": RUNTIME_SOURCE,
};

export default {
	fetch(request: Request): Response {
		const text = TEXTS[new URL(request.url).pathname];
		if (text === undefined) return new Response("Not found", { status: 404 });
		return new Response(text, { headers: { "Content-Type": "application/javascript; charset=utf-8" } });
	},
} satisfies ExportedHandler;
