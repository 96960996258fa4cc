/**
 * GET /preferences/export: the visitor's own copy of their data (GDPR Art. 15, APPI Art. 33), the
 * document the keyed export gives, as a file to save. The subject comes only from `ce_vid`: no query
 * or body names one, so nobody downloads another's. Without a well-formed `ce_vid` the visitor is
 * nobody yet, and their copy is an empty document (a fresh subject's), not an error, made without
 * reading storage: nothing can be stored for an id this request made up.
 */
import { presentedVisitorIds, visitorSubject } from "../consent/caller";
import { emptyExport, exportFilename, primaryRepository, subjectExport } from "../consent/subject-export";
import { jsonResponse } from "../http/responses";
import { pageVisitor } from "./page-visitor";

async function visitorExport(env: Env, vid: string) {
	const subject = await visitorSubject(vid);
	return subjectExport(env, primaryRepository(env, subject), subject);
}

export async function exportOwnData(request: Request, env: Env): Promise<Response> {
	const visitor = await pageVisitor(request);
	// The first id is the visitor's; a browser sending more (a COOKIE_DOMAIN change) gets their data
	// too, under `otherVisitors`, as "Delete my data" erases each of them.
	const [own, ...others] = visitor.issued
		? [emptyExport(visitor.subject)]
		: await Promise.all(presentedVisitorIds(request).map((vid) => visitorExport(env, vid)));
	const document = others.length > 0 ? { ...own, otherVisitors: others } : own;
	const headers = new Headers({
		"Content-Disposition": `attachment; filename="${exportFilename(visitor.subject)}"`,
		"Cache-Control": "no-store",
		"X-Content-Type-Options": "nosniff",
		Vary: "Cookie",
	});
	return jsonResponse(document, { headers });
}
