/**
 * What the served SDK learns from the worker's own tables, so the browser never carries a second copy
 * of a rule: the purposes and which are essential or GPC-governed, how purposes map to Consent Mode
 * types, the cookie's trust window, the banner's wording, and the usnat GPP signals pre-encoded for
 * every choice (the SDK can then answer `__gpp` from a `ce_consent` cookie without a round trip or a
 * GPP library), and in guard mode where the guard's runtime is, so the SDK can load it on a page whose
 * visitor says no there.
 */
import { BANNER_PURPOSES, GPC_PURPOSES, PURPOSE_NAMES, PURPOSES } from "../config/purposes";
import { COOKIE_ALLOWANCE_MS, DECISION_COOKIE } from "../consent/decision-cookie";
import { consentModeFor } from "../signals/consent-mode";
import type { GppSignal } from "../signals/gpp";
import { USNAT_SIGNALS } from "../signals/usnat-table";
import { BANNER_TEXT, type BannerText } from "./banner-text";

export interface SdkConfig {
	readonly cookie: string;
	readonly allowanceMs: number;
	readonly clockSkewMs: number;
	readonly purposes: readonly string[];
	readonly essential: readonly string[];
	readonly gpcPurposes: readonly string[];
	/** What the banner's Accept all and Reject all (and acceptAll, rejectAll) answer. */
	readonly bannerPurposes: readonly string[];
	/** Consent Mode type → purposes that must all be allowed for it to be granted. */
	readonly consentMode: Readonly<Record<string, readonly string[]>>;
	readonly waitForUpdateMs: number;
	readonly gpp: {
		readonly cmpId: number;
		readonly supportedAPIs: readonly string[];
		/** Jurisdictions starting with this get GPP (see gppSignalFor). */
		readonly jurisdictionPrefix: string;
		/** Key: `${sale}${ads}${gpc}` as 0/1. */
		readonly usnat: Readonly<Record<string, GppSignal>>;
	};
	/** The first-layer banner's wording by language; the first entry is the fallback. */
	readonly bannerText: Readonly<Record<string, BannerText>>;
	/** Guard mode's runtime (guard-runtime.ts), or null when the worker guards no site (no ORIGIN). */
	readonly guard: SdkGuard | null;
	/**
	 * The request for the script carried Sec-GPC: a browser that sends only the header then has the
	 * signal in the page too, before any lookup, even under a `ce_consent` issued before it.
	 */
	readonly gpc: boolean;
}

export interface SdkGuard {
	/** The runtime's path on the worker's origin. */
	readonly runtime: string;
	/** The `v` a guarded page names, so the SDK's request is the cached script's. */
	readonly version: string;
	/** The purposes it blocks, in the order its `deny` names them. */
	readonly purposes: readonly string[];
}

/** Same tolerance as the worker's cookieIsFresh: a cookie up to a minute "from the future" is fine. */
const CLOCK_SKEW_MS = 60_000;
/** Google's documented example value: how long tags wait for an update after a denied default. */
const WAIT_FOR_UPDATE_MS = 500;
/** The CMP id an unregistered CMP reports (standards notes, GPP CMP API §PingReturn). */
const UNREGISTERED_CMP_ID = 1;

/**
 * Reads each Consent Mode type's required purposes off consentModeFor itself: a purpose is required
 * when denying it alone denies the type. Exact for conjunctions, which is every type today; a test
 * checks the result against consentModeFor for every combination of choices.
 */
export function consentModeRequirements(
	purposes: readonly string[] = PURPOSE_NAMES,
): Record<string, string[]> {
	const allAllowed = Object.fromEntries(purposes.map((p) => [p, true]));
	const requirements: Record<string, string[]> = {};
	for (const type of Object.keys(consentModeFor(allAllowed))) requirements[type] = [];
	for (const purpose of purposes) {
		const states = consentModeFor({ ...allAllowed, [purpose]: false }) as unknown as Record<string, string>;
		for (const [type, state] of Object.entries(states)) {
			if (state === "denied") requirements[type]?.push(purpose);
		}
	}
	return requirements;
}

/** The worker's usnat signals by `<sale><ads><gpc>`: the table gppSignalFor reads. */
export function usnatTable(): Readonly<Record<string, GppSignal>> {
	return USNAT_SIGNALS;
}

export function sdkConfig(guard: SdkGuard | null = null, gpc = false): SdkConfig {
	return {
		cookie: DECISION_COOKIE,
		allowanceMs: COOKIE_ALLOWANCE_MS,
		clockSkewMs: CLOCK_SKEW_MS,
		purposes: PURPOSE_NAMES,
		essential: PURPOSES.filter((p) => p.essential).map((p) => p.name),
		gpcPurposes: GPC_PURPOSES,
		bannerPurposes: BANNER_PURPOSES,
		consentMode: consentModeRequirements(),
		waitForUpdateMs: WAIT_FOR_UPDATE_MS,
		gpp: {
			cmpId: UNREGISTERED_CMP_ID,
			supportedAPIs: ["7:usnat"],
			jurisdictionPrefix: "US",
			usnat: usnatTable(),
		},
		bannerText: BANNER_TEXT,
		guard,
		gpc,
	};
}
