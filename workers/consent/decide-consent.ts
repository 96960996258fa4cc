/**
 * The decision engine: purposes x GPC x stored choice x jurisdiction x storage health → an allowed
 * flag and a reason per purpose, plus whether a first-layer prompt is needed. Pure: no I/O, no clock.
 * Rules, first that applies (contract, Decisions): essential; GPC for GPC-governed purposes; the
 * stored choice (a recorded GPC opt-out answering for every GPC-governed purpose); `degraded` (fail
 * closed) for a known subject whose choice cannot be read; the jurisdiction default.
 */
import { consentModelFor, countryOf } from "../config/jurisdictions";
import { PURPOSES, type PurposeDefinition } from "../config/purposes";
import type { StoredState } from "./stored-state";

export type Reason = "essential" | "gpc" | "explicit" | "degraded" | "default";

export type StoredLookup =
	| { readonly status: "found"; readonly state: StoredState }
	| { readonly status: "none" }
	/** Storage could not be read; `known` holds choices still trustworthy (a stale cookie's denials). */
	| { readonly status: "unavailable"; readonly known?: StoredState };

export interface ConsentPolicy {
	/** The current privacy policy version; choices made under another one are asked again (opt-in regions). */
	readonly policyVersion: string;
	/** How long an allowance lasts before it is asked again (CNIL: 13 months). */
	readonly lifetimeMs: number;
	/** No re-prompt after an opt-out for this long (Cal. Civ. Code 1798.135(c)(4): 12 months). */
	readonly optOutHoldMs: number;
}

export interface DecisionInput {
	readonly gpc: boolean;
	/** Read only when a rule needs it (a default, or whether to prompt): it may be a lazy getter. */
	readonly jurisdiction: string;
	readonly stored: StoredLookup;
	readonly now: number;
	readonly policy: ConsentPolicy;
}

export interface Decision {
	readonly purposes: Record<string, boolean>;
	readonly reasons: Record<string, Reason>;
	readonly version: number;
	readonly prompt: boolean;
}

export function jurisdictionDefault(purpose: PurposeDefinition, jurisdiction: string): boolean {
	const overrides = purpose.overrides;
	if (overrides) {
		const exact = overrides[jurisdiction];
		if (exact !== undefined) return exact;
		const country = overrides[countryOf(jurisdiction)];
		if (country !== undefined) return country;
	}
	return purpose.defaults[consentModelFor(jurisdiction)];
}

export function decideConsent(
	input: DecisionInput,
	purposes: readonly PurposeDefinition[] = PURPOSES,
): Decision {
	const { gpc, stored, now, policy } = input;
	const state =
		stored.status === "found"
			? stored.state
			: stored.status === "unavailable"
				? (stored.known ?? null)
				: null;
	const expired = state !== null && now - state.updatedAt > policy.lifetimeMs;
	const signalRecorded = state !== null && recordsGpcOptOut(state);
	const allowed: Record<string, boolean> = {};
	const reasons: Record<string, Reason> = {};

	for (const purpose of purposes) {
		const name = purpose.name;
		const choice = state?.purposes[name];
		if (purpose.essential) {
			allowed[name] = true;
			reasons[name] = "essential";
		} else if (gpc && purpose.gpc) {
			allowed[name] = false;
			reasons[name] = "gpc";
		} else if (choice === false || (choice === true && (!expired || purpose.askedSeparately))) {
			// A denial never expires; an allowance lapses after the consent lifetime, the lifetime of a
			// banner's answer: not one asked separately (a newsletter subscription lasts until withdrawn,
			// and the banner that asks again does not ask for it).
			allowed[name] = choice;
			reasons[name] = !choice && state?.sources[name] === "gpc" ? "gpc" : "explicit";
		} else if (signalRecorded && purpose.gpc && choice === undefined) {
			// The recorded signal opted out of sale and sharing as a whole: it covers a purpose the site
			// made GPC-governed (or added) after it was recorded, and a missing signal is never an opt-in.
			// Not an allowance the visitor chose since and that lapsed: that goes to the default, as any.
			allowed[name] = false;
			reasons[name] = "gpc";
		} else if (stored.status === "unavailable") {
			allowed[name] = false;
			reasons[name] = "degraded";
		} else {
			allowed[name] = jurisdictionDefault(purpose, input.jurisdiction);
			reasons[name] = "default";
		}
	}

	return {
		purposes: allowed,
		reasons,
		version: state?.version ?? 0,
		prompt: needsPrompt(input, purposes, expired),
	};
}

/** Whether the stored choices hold an opt-out recorded from a Global Privacy Control signal. */
function recordsGpcOptOut(state: StoredState): boolean {
	for (const name in state.sources)
		if (state.sources[name] === "gpc" && state.purposes[name] === false) return true;
	return false;
}

/**
 * Whether `decideConsent` gives the same decision for `state` at every time in [from, to]: the
 * engine's only clock rules are an allowance's lifetime and the hold after an opt-out, each a fixed
 * instant after the choice was made. Keep this beside those rules.
 */
export function decisionSteadyBetween(
	state: StoredState,
	policy: ConsentPolicy,
	from: number,
	to: number,
): boolean {
	// `expired` turns true just after updatedAt + lifetimeMs; the hold ends at updatedAt + optOutHoldMs.
	const lifetimeEnds = state.updatedAt + policy.lifetimeMs;
	const holdEnds = state.updatedAt + policy.optOutHoldMs;
	// Without a hold (the default) its end changes nothing.
	const holdEndsWithin = policy.optOutHoldMs > 0 && from < holdEnds && holdEnds <= to;
	return !(from <= lifetimeEnds && lifetimeEnds < to) && !holdEndsWithin;
}

/**
 * A first-layer prompt is needed only in opt-in jurisdictions: with no stored choice, a choice made
 * under an older policy, or one past its lifetime. Never in opt-out jurisdictions, never because of
 * GPC, never when storage could not be read, and, where a site sets a hold (`OPT_OUT_HOLD_DAYS`, off
 * by default), not within it after a choice that allows none of the banner's purposes. The location
 * is consulted last: a current stored choice answers without it.
 */
function needsPrompt(
	input: DecisionInput,
	purposes: readonly PurposeDefinition[],
	expired: boolean,
): boolean {
	const { stored, now, policy } = input;
	if (stored.status === "unavailable") return false;
	// Only a choice made through the consent API or UI records a policy version; a persisted GPC
	// opt-out or an email unsubscribe alone does not answer the prompt.
	if (stored.status === "found" && stored.state.policyVersion !== null) {
		const state = stored.state;
		const stale = state.policyVersion !== policy.policyVersion || expired;
		if (!stale) return false;
		// An opt-out of what the banner asks: an allowance of a purpose asked separately (email, kept
		// by Reject all) does not end the hold after a Reject all.
		const optedOut = purposes.every(
			(p) => p.essential || p.askedSeparately || state.purposes[p.name] !== true,
		);
		const held = policy.optOutHoldMs > 0 && now - state.updatedAt < policy.optOutHoldMs;
		if (optedOut && held) return false;
	}
	return consentModelFor(input.jurisdiction) === "opt-in";
}
