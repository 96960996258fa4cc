/** Shaping decision answers: the document, no-store caching, the GPC status header, the D1 bookmark. */
import { jsonResponse } from "../http/responses";
import type { Caller } from "./caller";
import type { RequestDecision } from "./decide-request";
import { decisionDocument } from "./decision-document";
import type { RequestContext } from "./request-context";
import { setVisitorCookies } from "./visitor-cookies";

export function decisionHeaders(rc: RequestContext, bookmark?: string | null): Headers {
	const headers = new Headers({ Vary: "Cookie, Sec-GPC, Authorization" });
	// Lets a page show the passive "Opt-Out Preference Signal Honored" status (Cal. 11 CCR 7025(c)(6)).
	headers.set("X-GPC-Honored", rc.gpc ? "1" : "0");
	if (bookmark) headers.set("X-D1-Bookmark", bookmark);
	return headers;
}

export async function decisionResponse(
	rc: RequestContext,
	caller: Caller,
	subject: string,
	result: RequestDecision,
	bookmark?: string | null,
): Promise<Response> {
	const doc = decisionDocument(result.decision, { subject, gpc: rc.gpc, jurisdiction: rc.jurisdiction });
	const headers = decisionHeaders(rc, bookmark ?? result.lookup.bookmark);
	if (caller.kind === "visitor") await setVisitorCookies(headers, rc, caller, result);
	return jsonResponse(doc, { headers });
}
