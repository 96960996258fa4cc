/**
 * Deciding for a request: look up the stored state, persist a GPC opt-out the subject has not
 * recorded yet (once, in the background), and run the decision engine.
 */
import { GPC_PURPOSES, PURPOSES } from "../config/purposes";
import { admitsGpcRecord } from "../http/rate-limit";
import { type ConsentChangeMessage, deferWrite } from "../queue/deferred-writes";
import { ConsentRepository, dropLapsedAllowances } from "../storage/consent-repository";
import { writeCachedState } from "../storage/state-cache";
import { otherVisitorIds, presentedVisitorId, visitorSubject } from "./caller";
import { type Decision, decideConsent, type StoredLookup } from "./decide-consent";
import type { DecisionCookie } from "./decision-cookie";
import { type LookupOptions, type LookupSource, lookupStoredState, type StateLookup } from "./lookup-state";
import { decisionCookieOf } from "./read-decision-cookie";
import type { RequestContext } from "./request-context";
import type { StoredState } from "./stored-state";

export interface RequestDecision {
	readonly decision: Decision;
	readonly lookup: StateLookup;
	/** The stored state this decision is based on (after a GPC opt-out it predicts), for the cookie. */
	readonly state: StoredState;
	/** The request's verified decision cookie, when it decided. */
	readonly cookie?: DecisionCookie | null;
	/** The request's verified decision cookie, whether or not it decided (it may be stale). */
	readonly presented?: DecisionCookie | null;
	/** The signal's opt-out is still unrecorded (the write limit was used up): the answer is not steady. */
	readonly gpcUnrecorded?: boolean;
}

export interface DecideOptions extends Omit<LookupOptions, "now"> {
	/**
	 * A visitor's lookup, which no limit counted on arrival: a GPC record it makes counts against the
	 * address's GPC records (ce_vid is a random id anyone can make up), and is left to a later request
	 * past the limit.
	 */
	readonly limitGpcRecord?: boolean;
}

export const EMPTY_STATE: StoredState = Object.freeze({
	version: 0,
	purposes: {},
	sources: {},
	policyVersion: null,
	updatedAt: 0,
});

/** The engine's decision for this request; `onLocation` is told when a rule reads the location. */
export function decide(rc: RequestContext, stored: StoredLookup, onLocation?: () => void): Decision {
	return decideConsent({
		gpc: rc.gpc,
		// A getter: the engine reads the location only when a rule needs it (request.cf is not free).
		get jurisdiction() {
			onLocation?.();
			return rc.jurisdiction;
		},
		stored,
		now: rc.now,
		policy: rc.settings.policy,
	});
}

const UNKNOWN = { status: "none" } as const;
const MEMO_LIMIT = 1024;
const defaultsMemo = new WeakMap<object, Map<string, Decision>>();

/**
 * The decision for someone with nothing stored depends only on the signal, the location and the
 * policy, so it is computed once per pair: the common request then allocates no decision at all.
 */
export function unknownVisitorDecision(rc: RequestContext): Decision {
	let memo = defaultsMemo.get(rc.settings.policy);
	if (!memo) {
		memo = new Map();
		defaultsMemo.set(rc.settings.policy, memo);
	}
	const key = rc.gpc ? `gpc:${rc.jurisdiction}` : rc.jurisdiction;
	let decision = memo.get(key);
	if (!decision) {
		decision = decide(rc, UNKNOWN);
		// Debug geo headers could name many places; past the bound, decide without remembering.
		if (memo.size < MEMO_LIMIT) memo.set(key, decision);
	}
	return decision;
}

export async function decideForSubject(
	rc: RequestContext,
	subject: string,
	options: DecideOptions,
): Promise<RequestDecision> {
	const lookup = await withOtherVisitorDenials(
		rc,
		subject,
		await lookupStoredState(rc.env, rc.ctx, subject, { ...options, now: rc.now }),
	);
	let stored = lookup.lookup;
	let state = stored.status === "found" ? stored.state : EMPTY_STATE;
	let gpcUnrecorded = false;
	if (rc.gpc && !options.fresh && lacksGpcOptOut(state)) {
		// The signal decides this answer either way (decide() reads rc.gpc); only the record is limited.
		if (options.limitGpcRecord && !(await admitsGpcRecord(rc.request, rc.env))) gpcUnrecorded = true;
		// Storage is down: the signal still decides now, and the opt-out is queued so it is not lost.
		else if (stored.status === "unavailable") deferGpcOptOut(rc, subject, GPC_PURPOSES);
		else {
			state = persistGpcOptOut(rc, subject, state);
			stored = { status: "found", state };
		}
	}
	return {
		decision: decide(rc, stored),
		lookup,
		state,
		cookie: lookup.source === "cookie" ? options.cookie : null,
		presented: options.cookie,
		gpcUnrecorded,
	};
}

/** Past this many other ids, each a storage read, a request is denied every non-essential purpose. */
export const MAX_OTHER_IDS = 2;
const NON_ESSENTIAL = PURPOSES.filter((p) => !p.essential).map((p) => p.name);

/**
 * `found`, the lookup for the visitor `subject`, with the denials stored for every other `ce_vid` the
 * browser sends (caller.ts, otherVisitorIds) folded in: a `ce_vid` a sibling subdomain planted is
 * answered for, but never allows what the visitor's own id denies. An id whose choices cannot be
 * read counts as denying everything (fail closed), as do more than MAX_OTHER_IDS.
 */
export async function withOtherVisitorDenials(
	rc: RequestContext,
	subject: string,
	found: StateLookup,
): Promise<StateLookup> {
	return withDenials(found, await otherVisitorDenials(rc, subject));
}

/** The purposes the other `ce_vid`s the browser sends deny (see withOtherVisitorDenials), or null. */
export async function otherVisitorDenials(rc: RequestContext, subject: string): Promise<Set<string> | null> {
	const vid = presentedVisitorId(rc.request);
	const others = vid === null ? null : otherVisitorIds(rc.request, vid);
	if (!others || vid === null || (await visitorSubject(vid)) !== subject) return null;
	const denied = new Set(others.length > MAX_OTHER_IDS ? NON_ESSENTIAL : []);
	for (const other of denied.size > 0 ? [] : others) {
		const otherSubject = await visitorSubject(other);
		const cookie = await decisionCookieOf(rc, otherSubject);
		const { lookup } = await lookupStoredState(rc.env, rc.ctx, otherSubject, {
			cookie,
			now: rc.now,
			fill: false,
		});
		const state = lookup.status === "found" ? lookup.state : null;
		for (const name of NON_ESSENTIAL)
			if (state ? state.purposes[name] === false : lookup.status === "unavailable") denied.add(name);
	}
	return denied.size > 0 ? denied : null;
}

/** `found` with the purposes in `denied` denied (by the browser's other ids), or `found` itself. */
export function withDenials(found: StateLookup, denied: ReadonlySet<string> | null): StateLookup {
	if (!denied?.size) return found;
	const stored = found.lookup;
	const base =
		(stored.status === "found" ? stored.state : stored.status === "unavailable" ? stored.known : null) ??
		EMPTY_STATE;
	const purposes = { ...base.purposes };
	const sources = { ...base.sources };
	for (const name of denied) {
		if (purposes[name] === false) continue;
		purposes[name] = false;
		sources[name] = "cookie";
	}
	const state = { ...base, purposes, sources };
	return {
		...found,
		lookup:
			stored.status === "unavailable" ? { status: "unavailable", known: state } : { status: "found", state },
	};
}

function lacksGpcOptOut(state: StoredState): boolean {
	return GPC_PURPOSES.some((p) => state.purposes[p] !== false);
}

/**
 * A read-only decision (cookie → KV → D1): nothing is written, not even a GPC record. `source` says
 * where the stored choices came from; `onLocation` is told when a rule reads the location. A keyed
 * caller's `bookmark` (its last write's X-D1-Bookmark) reads D1 at least as new as that write, past KV.
 */
export async function decideWithoutWriting(
	rc: RequestContext,
	subject: string,
	cookie: DecisionCookie | null,
	onLocation?: () => void,
	bookmark?: string | null,
): Promise<{
	readonly decision: Decision;
	readonly source: LookupSource;
	readonly bookmark?: string | null;
}> {
	const found = await withOtherVisitorDenials(
		rc,
		subject,
		await lookupStoredState(rc.env, rc.ctx, subject, { cookie, now: rc.now, bookmark }),
	);
	return { decision: decide(rc, found.lookup, onLocation), source: found.source, bookmark: found.bookmark };
}

/**
 * Records a GPC opt-out the stored state lacks, in the background, and returns the state it will
 * produce (or `state` itself when nothing is missing), so the cookie issued now already carries it
 * and the next request does not write again. Purposes in `keep` were chosen in this very request.
 */
export function persistGpcOptOut(
	rc: RequestContext,
	subject: string,
	state: StoredState,
	keep: ReadonlySet<string> = new Set(),
): StoredState {
	const changes: Record<string, boolean> = {};
	for (const p of GPC_PURPOSES) if (state.purposes[p] !== false && !keep.has(p)) changes[p] = false;
	if (Object.keys(changes).length === 0) return state;
	const repo = ConsentRepository.forSubject(rc.env, subject, "write");
	rc.ctx.waitUntil(
		repo
			// Nothing stored yet (the usual first visit with GPC): no need to read the version again.
			.append(subject, gpcChange(rc, subject, Object.keys(changes)).change, undefined, {
				likelyNew: state.version === 0,
			})
			.then((result) => {
				if (result.kind === "written" && result.record)
					return writeCachedState(rc.env.CONSENT_KV, subject, result.state);
			})
			.catch((err) => {
				console.error("persisting a GPC opt-out failed; queueing it", err);
				return deferWrite(rc.env, gpcChange(rc, subject, Object.keys(changes)));
			})
			.catch((err) => console.error("queueing a GPC opt-out failed", err)),
	);
	const purposes = { ...state.purposes };
	const sources = { ...state.sources };
	// As the append will: a lapsed allowance is not renewed by this write (consent-repository.ts).
	if (state.version > 0 && rc.now - state.updatedAt > rc.settings.policy.lifetimeMs)
		dropLapsedAllowances(purposes, sources, changes);
	for (const p of Object.keys(changes)) sources[p] = "gpc";
	return {
		version: state.version + 1,
		purposes: { ...purposes, ...changes },
		sources,
		policyVersion: state.policyVersion,
		// As the append will: a GPC signal answers nothing, so the last answer's time stays.
		updatedAt: state.version > 0 ? state.updatedAt : rc.now,
	};
}

function gpcChange(rc: RequestContext, subject: string, purposes: readonly string[]): ConsentChangeMessage {
	const changes = Object.fromEntries(purposes.map((p) => [p, false]));
	return {
		type: "consent-change",
		subject,
		change: {
			changes,
			source: "gpc",
			jurisdiction: rc.jurisdiction,
			gpc: true,
			now: rc.now,
			lapseBefore: rc.now - rc.settings.policy.lifetimeMs,
			// Recorded in the background (or queued): a choice the subject makes meanwhile stands.
			yieldsToLaterChoices: true,
		},
	};
}

function deferGpcOptOut(rc: RequestContext, subject: string, purposes: readonly string[]): void {
	rc.ctx.waitUntil(
		deferWrite(rc.env, gpcChange(rc, subject, purposes)).catch((err) =>
			console.error("queueing a GPC opt-out failed", err),
		),
	);
}
