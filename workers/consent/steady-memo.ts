/**
 * What a fresh `ce_consent` decides on its own stays the same while the cookie is fresh, for the same
 * settings, visitor, GPC signal, scheme and (when a rule read it) location. A SteadyMemo remembers
 * such a result on the verified cookie object (one per cookie text, see verifyDecisionCookie) with
 * everything it was made from, and gives it back only while all of that holds, so a visitor's repeat
 * requests skip the lookup and the engine. Callers remember only results the cookie alone decided.
 */
import type { Settings } from "../config/settings";
import { BoundedMemo } from "../memo/bounded-memo";
import { sendsOtherVisitorIds } from "./caller";
import { decisionSteadyBetween } from "./decide-consent";
import { cookieFreshWindow, type DecisionCookie } from "./decision-cookie";
import type { RequestContext } from "./request-context";

interface Entry<V> {
	readonly settings: Settings;
	readonly subject: string;
	readonly gpc: boolean;
	readonly secure: boolean;
	/** The cookie's fresh window: the decision is the same at every time in it. */
	readonly from: number;
	readonly to: number;
	/** The location the result was made for, or null when it does not depend on one. */
	readonly jurisdiction: string | null;
	readonly value: V;
}

export class SteadyMemo<V> {
	/** Bounded on its own; starts over when full. */
	private readonly entries: BoundedMemo<DecisionCookie, Entry<V>>;

	constructor(limit: number) {
		this.entries = new BoundedMemo(limit);
	}

	/**
	 * The result remembered for this cookie, when everything it was made from still holds for `rc`. Never
	 * for a request sending other `ce_vid`s, whose denials the lookup folds in (decide-request.ts).
	 */
	get(rc: RequestContext, subject: string, cookie: DecisionCookie): V | undefined {
		const entry = this.entries.peek(cookie);
		if (
			entry === undefined ||
			entry.settings !== rc.settings ||
			entry.subject !== subject ||
			entry.gpc !== rc.gpc ||
			entry.secure !== rc.secure ||
			rc.now < entry.from ||
			rc.now > entry.to ||
			(entry.jurisdiction !== null && entry.jurisdiction !== rc.jurisdiction) ||
			sendsOtherVisitorIds(rc.request)
		) {
			return undefined;
		}
		return entry.value;
	}

	/**
	 * Remembers `value`, which `cookie` alone decided for `rc` (and for `jurisdiction`, or for any
	 * location when null), unless a clock rule of the engine falls inside the cookie's fresh window.
	 */
	set(
		rc: RequestContext,
		subject: string,
		cookie: DecisionCookie,
		value: V,
		jurisdiction: string | null,
	): void {
		const { from, to } = cookieFreshWindow(cookie);
		if (
			!decisionSteadyBetween(cookie.state, rc.settings.policy, from, to) ||
			sendsOtherVisitorIds(rc.request)
		)
			return;
		this.entries.set(cookie, {
			settings: rc.settings,
			subject,
			gpc: rc.gpc,
			secure: rc.secure,
			from,
			to,
			jurisdiction,
			value,
		});
	}
}
