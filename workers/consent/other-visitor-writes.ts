/**
 * A visitor's choice made by a browser sending more than one `ce_vid` is stored under each: under the
 * first alone, a `ce_vid` a sibling subdomain planted there would hold the visitor's opt-out, and its
 * planter, knowing the id, could allow everything under it again (caller.ts, otherVisitorIds).
 */
import { type ConsentChangeMessage, deferWrite } from "../queue/deferred-writes";
import { type ChangeRequest, ConsentRepository } from "../storage/consent-repository";
import { writeCachedState } from "../storage/state-cache";
import { otherVisitorIds, visitorSubject } from "./caller";
import { MAX_OTHER_IDS } from "./decide-request";
import type { RequestContext } from "./request-context";

/**
 * Records `change` (already stored for `vid`, the id answered for) under every other id the request
 * sends (the first MAX_OTHER_IDS), in the background; one D1 refuses is queued, as a GPC record is.
 * No email link is copied.
 */
export function recordForOtherVisitorIds(rc: RequestContext, vid: string, change: ChangeRequest): void {
	// As many as an answer reads (past them it denies everything): each costs a D1 batch and a KV put.
	const others = otherVisitorIds(rc.request, vid)?.slice(0, MAX_OTHER_IDS) ?? [];
	const copy: ChangeRequest = { ...change, emailHash: undefined, yieldsToLaterChoices: true };
	for (const other of others) rc.ctx.waitUntil(record(rc, other, copy));
}

async function record(rc: RequestContext, vid: string, change: ChangeRequest): Promise<void> {
	const subject = await visitorSubject(vid);
	const message: ConsentChangeMessage = { type: "consent-change", subject, change };
	try {
		const result = await ConsentRepository.forSubject(rc.env, subject, "write").append(subject, change);
		if (result.kind === "written" && result.record)
			await writeCachedState(rc.env.CONSENT_KV, subject, result.state);
	} catch (err) {
		console.error("recording a choice for another visitor id failed; queueing it", err);
		await deferWrite(rc.env, message).catch((e) => console.error("queueing it failed", e));
	}
}
