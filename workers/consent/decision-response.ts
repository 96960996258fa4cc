/** Shaping decision answers: the document, no-store caching, the GPC status header, the D1 bookmark. */
import { NO_STORE } from "../http/responses";
import type { Caller } from "./caller";
import type { RequestDecision } from "./decide-request";
import { decisionBody } from "./decision-document";
import type { RequestContext } from "./request-context";
import { visitorCookies } from "./visitor-cookies";

/** The headers every decision answer carries, whatever its body. */
function decisionFields(gpc: boolean): Record<string, string> {
	return {
		Vary: "Cookie, Sec-GPC, Authorization",
		// Lets a page show the passive "Opt-Out Preference Signal Honored" status (Cal. 11 CCR 7025(c)(6)).
		"X-GPC-Honored": gpc ? "1" : "0",
	};
}

export function decisionHeaders(rc: RequestContext, bookmark?: string | null): Headers {
	const headers = new Headers(decisionFields(rc.gpc));
	if (bookmark) headers.set("X-D1-Bookmark", bookmark);
	return headers;
}

/**
 * A JSON decision answer's fixed headers, one object per GPC state, made once and never changed: a
 * Response copies the Headers it is given, and copying made headers costs the runtime about half of
 * building them per answer (bench/instructions.mjs).
 */
const fixedHeaders = new Map<boolean, Headers>();

function jsonDecisionHeaders(gpc: boolean): Headers {
	let headers = fixedHeaders.get(gpc);
	if (!headers) {
		headers = new Headers({
			"Content-Type": "application/json; charset=utf-8",
			"Cache-Control": NO_STORE,
			...decisionFields(gpc),
		});
		fixedHeaders.set(gpc, headers);
	}
	return headers;
}

/** A decision answer with a JSON body: the headers of `decisionHeaders`, plus the visitor's cookies. */
export function jsonDecisionAnswer(
	rc: RequestContext,
	body: string,
	extra: { bookmark?: string | null; cookies?: readonly string[] } = {},
): Response {
	const response = new Response(body, { headers: jsonDecisionHeaders(rc.gpc) });
	if (extra.bookmark || extra.cookies?.length) {
		const headers = response.headers;
		if (extra.bookmark) headers.set("X-D1-Bookmark", extra.bookmark);
		for (const cookie of extra.cookies ?? []) headers.append("Set-Cookie", cookie);
	}
	return response;
}

export async function decisionResponse(
	rc: RequestContext,
	caller: Caller,
	subject: string,
	result: RequestDecision,
	bookmark?: string | null,
): Promise<Response> {
	const body = decisionBody(result.decision, { subject, gpc: rc.gpc, jurisdiction: rc.jurisdiction });
	return jsonDecisionAnswer(rc, body, {
		bookmark: bookmark ?? result.lookup.bookmark,
		cookies: caller.kind === "visitor" ? await visitorCookies(rc, caller, result) : undefined,
	});
}
