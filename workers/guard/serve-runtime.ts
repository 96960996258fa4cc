/**
 * GET /v1/guard/runtime.js?deny=ads,analytics&v=<version>: the runtime script a guarded page loads
 * first (guard-runtime.ts). The version a page names is the script's for good, so that answer is
 * cached for a year; a page naming another version (rewritten before a deploy) gets today's script,
 * cached briefly. `deny` names at least one of the purposes the runtime blocks, each once.
 */
import { badQuery } from "../http/http-error";
import { requestUrl } from "../http/request-inputs";
import { scriptText } from "../http/script-text";
import { SDK_CONTENT_TYPE } from "../sdk/serve-sdk";
import { guardRuntime, RUNTIME_PURPOSES } from "./guard-runtime";
import { guardSettingsFor } from "./guard-settings";
import { RUNTIME_SOURCE_TEXT_SHA256 } from "./runtime-template";
import type { TrackerPurpose } from "./tracker-purpose";

const IMMUTABLE = "public, max-age=31536000, immutable";
const BRIEF = "public, max-age=300";

function deniedPurposes(params: URLSearchParams): TrackerPurpose[] {
	const values = params.getAll("deny");
	if (values.length !== 1) throw badQuery("Give deny once: ads, analytics, or both separated by a comma.");
	const named = (values[0] as string).split(",");
	const known = RUNTIME_PURPOSES.filter((purpose) => named.includes(purpose));
	if (named.length !== known.length || known.length === 0) {
		throw badQuery("deny names the purposes to block: ads, analytics, or both separated by a comma.");
	}
	return known;
}

export async function serveGuardRuntime(request: Request, env: Env): Promise<Response> {
	const params = new URL(requestUrl(request)).searchParams;
	const deny = deniedPurposes(params);
	const runtime = guardRuntime(guardSettingsFor(env).overrides);
	const source = await scriptText(env, "runtime.js", RUNTIME_SOURCE_TEXT_SHA256);
	return new Response(runtime.script(source, deny), {
		headers: {
			"Content-Type": SDK_CONTENT_TYPE,
			"Cache-Control": params.get("v") === runtime.version ? IMMUTABLE : BRIEF,
			"X-Content-Type-Options": "nosniff",
		},
	});
}
