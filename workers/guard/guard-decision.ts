/**
 * Whether a visitor is guarded, decided the cheap way first: a visitor without a well-formed `ce_vid`
 * gets the defaults for their location and signal (no storage); a known visitor is looked up
 * cookie → KV → D1, where a fresh signed `ce_consent` answers without any read. Only document requests
 * persist a GPC opt-out the visitor has not recorded yet, so a page's dozens of subresources do not
 * each repeat the write.
 */
import { GPC_PURPOSES } from "../config/purposes";
import { knownVisitorSubject, presentedVisitorId, VISITOR_COOKIE, visitorSubject } from "../consent/caller";
import type { Decision } from "../consent/decide-consent";
import { decideForSubject, decideWithoutWriting, unknownVisitorDecision } from "../consent/decide-request";
import type { DecisionCookie } from "../consent/decision-cookie";
import { decisionCookieVerifiedBefore, readDecisionCookie } from "../consent/read-decision-cookie";
import type { RequestContext } from "../consent/request-context";
import { SteadyMemo } from "../consent/steady-memo";
import { cookieHeader } from "../http/request-inputs";
import type { TrackerPurpose } from "./tracker-purpose";

const TRACKER_PURPOSES: readonly TrackerPurpose[] = ["ads", "analytics"];
/** Tracker purposes GPC denies wherever the visitor is and whatever is stored (contract rule 2). */
const GPC_TRACKER_PURPOSES = TRACKER_PURPOSES.filter((p) => GPC_PURPOSES.includes(p));

/**
 * What the guard knows about a visitor: whether they are guarded (ads or analytics denied), and the
 * decision behind it, worked out on first use. A GPC visitor with nothing stored is guarded wherever
 * they are, so a redirect or a beacon that needs no more than that never reads the location.
 */
export class GuardVerdict {
	#decision: Decision | undefined;
	#denied: ReadonlySet<TrackerPurpose> | undefined;
	#deniedPurposes: ReadonlySet<string> | undefined;

	private constructor(
		readonly guarded: boolean,
		private readonly decide: () => Decision,
	) {}

	/**
	 * One verdict kept for good, so a verdict's shape always has an instance alive: optimized code holds
	 * the maps of the objects it handled weakly, and a full collection that found no verdict alive
	 * dropped them, and with them the code of guardRequest, guardDecision and the verdict's own methods
	 * (V8's --trace-deopt: "embedded weak objects cleared" at full collections under load,
	 * bench/HISTORY.md, session 48). strip-tracking-params.ts keeps its last run alive for the same reason.
	 */
	static readonly shapeKept = new GuardVerdict(true, () => {
		throw new Error("a shape only");
	});

	static of(decision: Decision): GuardVerdict {
		const verdict = new GuardVerdict(isGuarded(decision), () => decision);
		verdict.#decision = decision;
		return verdict;
	}

	/** Guarded for certain; the decision itself is computed only if asked for. */
	static guardedBy(decide: () => Decision): GuardVerdict {
		return new GuardVerdict(true, decide);
	}

	get decision(): Decision {
		this.#decision ??= this.decide();
		return this.#decision;
	}

	/** The tracker purposes the decision denies, for the classifiers' verdicts. */
	get denied(): ReadonlySet<TrackerPurpose> {
		this.#denied ??= new Set(TRACKER_PURPOSES.filter((p) => denies(this.decision, p)));
		return this.#denied;
	}

	/** Every purpose the decision denies, for the page rewrite (markers may name any purpose). */
	get deniedPurposes(): ReadonlySet<string> {
		this.#deniedPurposes ??= deniedPurposes(this.decision);
		return this.#deniedPurposes;
	}
}

/**
 * `isDocument` says whether the request is probably a page (request-kind.ts), asked only when the answer
 * depends on it: a GPC visitor's page persists the opt-out, which without GPC there is none to persist.
 */
export function guardDecision(
	rc: RequestContext,
	isDocument: () => boolean,
): GuardVerdict | Promise<GuardVerdict> {
	// Most requests carry no visitor id at all: skip parsing the Cookie header for them.
	const cookies = cookieHeader(rc.request);
	const vid = cookies?.includes(VISITOR_COOKIE) ? presentedVisitorId(rc.request) : null;
	if (vid === null) {
		if (rc.gpc && GPC_TRACKER_PURPOSES.length > 0)
			return GuardVerdict.guardedBy(() => unknownVisitorDecision(rc));
		return GuardVerdict.of(unknownVisitorDecision(rc));
	}
	// A GPC visitor's page may record their opt-out: never answered from memory.
	const persistsGpc = rc.gpc && isDocument();
	// A repeat request of a visitor seen before: their verdict without an await, when remembered.
	const subject = persistsGpc ? undefined : knownVisitorSubject(vid);
	if (subject !== undefined) {
		const cookie = decisionCookieVerifiedBefore(rc);
		const remembered = cookie && steadyVerdicts.get(rc, subject, cookie);
		if (remembered) return remembered;
	}
	return lookedUpVerdict(rc, vid, persistsGpc);
}

async function lookedUpVerdict(rc: RequestContext, vid: string, persistsGpc: boolean): Promise<GuardVerdict> {
	// Both started before either is awaited (a first sight of either hashes or verifies); two awaits
	// cost half of a Promise.all (0.1 µs against 0.2 under Node).
	const subjectPending = visitorSubject(vid);
	const cookiePending = readDecisionCookie(rc);
	const subject = await subjectPending;
	const cookie = await cookiePending;
	if (persistsGpc)
		return GuardVerdict.of((await decideForSubject(rc, subject, { cookie, limitGpcRecord: true })).decision);
	if (!cookie) return GuardVerdict.of((await decideWithoutWriting(rc, subject, null)).decision);
	return steadyVerdicts.get(rc, subject, cookie) ?? rememberVerdict(rc, subject, cookie);
}

/**
 * A guarded visitor's assets and beacons each ask for the same verdict, and while their `ce_consent`
 * is fresh it alone decides: the verdict is remembered (SteadyMemo) and shared while everything it was
 * made from holds. Only for requests that write nothing: a document request may record a GPC opt-out.
 */
const steadyVerdicts = new SteadyMemo<GuardVerdict>(4096);

/** decideWithoutWriting's verdict, remembered when the cookie alone decided it. */
async function rememberVerdict(
	rc: RequestContext,
	subject: string,
	cookie: DecisionCookie,
): Promise<GuardVerdict> {
	let located = false;
	const { decision, source } = await decideWithoutWriting(rc, subject, cookie, () => {
		located = true;
	});
	const verdict = GuardVerdict.of(decision);
	// The location is part of what it was made from only when a rule read it.
	if (source === "cookie") steadyVerdicts.set(rc, subject, cookie, verdict, located ? rc.jurisdiction : null);
	return verdict;
}

export function denies(decision: Decision, purpose: string): boolean {
	return decision.purposes[purpose] === false;
}

/** Every purpose the decision denies. */
export function deniedPurposes(decision: Decision): ReadonlySet<string> {
	const { purposes } = decision;
	return new Set(Object.keys(purposes).filter((purpose) => purposes[purpose] === false));
}

/** A visitor is guarded when either tracker purpose is denied (contract, Guard mode). */
export function isGuarded(decision: Decision): boolean {
	return denies(decision, "ads") || denies(decision, "analytics");
}
