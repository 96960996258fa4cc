/**
 * Guard-mode configuration from `[vars]`, parsed once per env object: how long to wait for the
 * origin (GUARD_TIMEOUT_MS, default 10 s) and the site's tracker classification overrides
 * (GUARD_TRACKER_OVERRIDES, JSON mapping host, tag-id prefix or path prefix → "ads" | "analytics" | null),
 * and the site's additions to the tracking-parameter rules: GUARD_STRIP_EXTRA (more names to strip),
 * GUARD_STRIP_KEEP (names never to strip), GUARD_KEEP_UTM ("true" keeps utm_* campaign parameters).
 */
import { BoundedMemo } from "../memo/bounded-memo";
import type { StripOptions } from "./strip-tracking-params";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

export interface GuardSettings {
	readonly timeoutMs: number;
	/** Undefined when the site configured none (or an unusable value), so classifiers skip the lookup. */
	readonly overrides: TrackerOverrides | undefined;
	/** The site's extra, kept and utm choices for stripping (no baseHost: that is per request). */
	readonly strip: StripOptions;
	/**
	 * Those choices for a request to `host` (their baseHost): one object per host, so what they resolve
	 * to (strip-tracking-params.ts, remembered per options object) is not worked out again, and
	 * remembered again, for every request (bench/HISTORY.md, session 48).
	 */
	stripFor(host: string): StripOptions;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** A site is served under a few host names (`www.` and the bare domain); a Host header may name others. */
const STRIP_HOSTS = 32;
const cache = new WeakMap<object, GuardSettings>();

export function guardSettingsFor(env: Env): GuardSettings {
	let settings = cache.get(env);
	if (!settings) {
		const vars = env as unknown as Record<string, unknown>;
		const strip: StripOptions = {
			extra: nameList(vars.GUARD_STRIP_EXTRA),
			keep: nameList(vars.GUARD_STRIP_KEEP),
			keepUtm: typeof vars.GUARD_KEEP_UTM === "string" && vars.GUARD_KEEP_UTM.trim() === "true",
		};
		const byHost = new BoundedMemo<string, StripOptions>(STRIP_HOSTS);
		settings = {
			timeoutMs: parseTimeout(vars.GUARD_TIMEOUT_MS),
			overrides: parseOverrides(vars.GUARD_TRACKER_OVERRIDES),
			strip,
			stripFor: (host) => byHost.get(host, (baseHost) => ({ ...strip, baseHost })),
		};
		cache.set(env, settings);
	}
	return settings;
}

function nameList(value: unknown): string[] {
	if (typeof value !== "string") return [];
	return value
		.split(",")
		.map((name) => name.trim())
		.filter(Boolean);
}

function parseTimeout(value: unknown): number {
	const n = typeof value === "number" ? value : Number(typeof value === "string" ? value.trim() : Number.NaN);
	return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

function isVerdict(value: unknown): value is TrackerPurpose | null {
	return value === null || value === "ads" || value === "analytics";
}

/** The overrides map; a malformed one is logged and ignored rather than breaking every request. */
export function parseOverrides(value: unknown): TrackerOverrides | undefined {
	let raw = value;
	if (typeof raw === "string") {
		if (raw.trim() === "") return undefined;
		try {
			raw = JSON.parse(raw);
		} catch {
			console.warn("GUARD_TRACKER_OVERRIDES is not valid JSON; ignoring it");
			return undefined;
		}
	}
	if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
	const out: Record<string, TrackerPurpose | null> = {};
	for (const [key, verdict] of Object.entries(raw)) {
		if (key !== "" && isVerdict(verdict)) out[key] = verdict;
		else console.warn(`GUARD_TRACKER_OVERRIDES: ignoring ${JSON.stringify(key)}`);
	}
	return Object.keys(out).length > 0 ? Object.freeze(out) : undefined;
}
