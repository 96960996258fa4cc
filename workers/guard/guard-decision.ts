/**
 * Whether a visitor is guarded, decided the cheap way first: a visitor without a well-formed `ce_vid`
 * gets the defaults for their location and signal (no storage); a known visitor is looked up
 * cookie → KV → D1, where a fresh signed `ce_consent` answers without any read. Only document requests
 * persist a GPC opt-out the visitor has not recorded yet, so a page's dozens of subresources do not
 * each repeat the write.
 */
import { presentedVisitorId, VISITOR_COOKIE, visitorSubject } from "../consent/caller";
import type { Decision } from "../consent/decide-consent";
import { decideForSubject, decideWithoutWriting, unknownVisitorDecision } from "../consent/decide-request";
import { readDecisionCookie } from "../consent/read-decision-cookie";
import type { RequestContext } from "../consent/request-context";
import type { TrackerPurpose } from "./tracker-purpose";

export async function guardDecision(rc: RequestContext, documentRequest: boolean): Promise<Decision> {
	// Most requests carry no visitor id at all: skip parsing the Cookie header for them.
	const cookies = rc.request.headers.get("Cookie");
	const vid = cookies?.includes(VISITOR_COOKIE) ? presentedVisitorId(rc.request) : null;
	if (vid === null) return unknownVisitorDecision(rc);
	const [subject, cookie] = await Promise.all([visitorSubject(vid), readDecisionCookie(rc)]);
	if (documentRequest) return (await decideForSubject(rc, subject, { cookie })).decision;
	return decideWithoutWriting(rc, subject, cookie);
}

export function denies(decision: Decision, purpose: string): boolean {
	return decision.purposes[purpose] === false;
}

/** A visitor is guarded when either tracker purpose is denied (contract, Guard mode). */
export function isGuarded(decision: Decision): boolean {
	return denies(decision, "ads") || denies(decision, "analytics");
}

/** The tracker purposes the decision denies, for the classifiers' verdicts. */
export function deniedTrackerPurposes(decision: Decision): ReadonlySet<TrackerPurpose> {
	const out = new Set<TrackerPurpose>();
	if (denies(decision, "ads")) out.add("ads");
	if (denies(decision, "analytics")) out.add("analytics");
	return out;
}
