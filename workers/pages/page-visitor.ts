/**
 * The visitor a page serves, from `ce_vid` alone (a fresh id when it is absent or malformed). Pages
 * are for people, so an `Authorization` header (e.g. HTTP Basic on a staging site) is ignored here
 * rather than turning the page into a keyed API call.
 */
import { type Caller, presentedVisitorId, visitorSubject } from "../consent/caller";
import { randomToken } from "../crypto/encoding";

export type PageVisitor = Extract<Caller, { kind: "visitor" }>;

export async function pageVisitor(request: Request): Promise<PageVisitor> {
	const presented = presentedVisitorId(request);
	// Same size as identifyCaller's ids: 24 random bytes, 32 base64url characters.
	const vid = presented ?? randomToken(24);
	return { kind: "visitor", subject: await visitorSubject(vid), vid, issued: presented === null };
}
