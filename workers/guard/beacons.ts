/**
 * First-party proxied beacons (server-side GTM, Google tag gateway, Meta CAPI gateway, Zaraz, vendor
 * "custom proxy" setups) recognised by path and query shape, since their host is the site's own
 * (tracking.md §3). Each shape requires enough of the vendor's query to leave ordinary site paths alone.
 * Each row's name and source are in the comment above it, which the bundle leaves out (nothing reads
 * them at runtime); test/guard/table-provenance.test.ts checks that every row has one.
 */

import { googleTagKind, googleTagPurpose } from "./google-tag-ids";
import { joinable, joinPatterns } from "./joined-patterns";
import { queryNames, queryValue } from "./query-values";
import { type CompiledOverrides, compileOverrides } from "./tracker-overrides";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

export interface BeaconShape {
	/** Tested on the pathname. */
	readonly path: RegExp;
	/** Query parameters that must be present, with the shape of their raw values. */
	readonly query?: Readonly<Record<string, RegExp>>;
	/** When set, no query parameter outside this list may appear. */
	readonly onlyParams?: readonly string[];
	/** Parameter holding a Google tag id (`tid`, `id`), consulted for site overrides. */
	readonly tagParam?: string;
	/** A fixed purpose, or `tag-id`: the purpose of the Google tag id in `tagParam`. */
	readonly purpose: TrackerPurpose | "tag-id";
	/**
	 * Text every URL the shape takes holds as written (or holds a character reference): the HTML
	 * rewrite looks at a relative image only when its URL holds one (html-guard.ts).
	 */
	readonly marks: readonly string[];
}

const PRESENT = /^/;
const NON_EMPTY = /./;
const GA4_ID = /^G-[A-Z0-9]{4,16}$/;
const ANY_GOOGLE_TAG = /^(?:G|GT|AW|DC|GTM)-[A-Z0-9]{4,16}$/;
// A bare `?id=` on an arbitrary path is only a tag gateway loader when the id has an exact Google shape
// (GA4 ids are ten characters, with a letter) and nothing else but loader options rides along.
const STRICT_GOOGLE_TAG =
	/^(?:G-(?=[A-Z0-9]*[A-Z])[A-Z0-9]{10}|GT-[A-Z0-9]{6,10}|AW-\d{8,12}|DC-\d{6,12}|GTM-[A-Z0-9]{6,9})$/;

export const BEACON_SHAPES: readonly BeaconShape[] = [
	// GA4 collect: tracking.md §3a (GA4 hits through sGTM or tag gateway, any path prefix)
	{
		path: /\/g\/collect$/,
		query: { v: /^2$/, tid: GA4_ID },
		tagParam: "tid",
		purpose: "analytics",
		marks: ["collect"],
	},
	// GA4 Measurement Protocol: tracking.md §2b, §3a
	{
		path: /\/mp\/collect$/,
		query: { measurement_id: GA4_ID },
		tagParam: "measurement_id",
		purpose: "analytics",
		marks: ["collect"],
	},
	// Universal Analytics collect: tracking.md §2b, §3a (legacy /collect, /r/collect, /j/collect, /batch)
	{
		path: /\/(?:[rj]\/)?collect$|\/batch$/,
		query: { v: /^1$/, tid: /^UA-\d{3,12}-\d{1,4}$/ },
		tagParam: "tid",
		purpose: "analytics",
		marks: ["collect", "batch"],
	},
	// Google consent-mode collect: tracking.md §2a, §3a (Ads/Floodlight via sGTM or tag gateway)
	{
		path: /\/ccm\/collect$/,
		query: { tid: ANY_GOOGLE_TAG, en: PRESENT },
		tagParam: "tid",
		purpose: "tag-id",
		marks: ["collect"],
	},
	// Google Ads remarketing: tracking.md §2a, §3a
	{
		path: /\/rmkt\/collect\/(?:AW-)?\d{5,}\/?$/,
		purpose: "ads",
		marks: ["collect"],
	},
	// Google Ads conversion: tracking.md §2a, §3a
	{
		path: /\/pagead\/(?:viewthroughconversion|conversion|1p-user-list|1p-conversion|form-data)\/\d{5,}\/?$/,
		purpose: "ads",
		marks: ["pagead"],
	},
	// Google Ads enhanced conversions: tracking.md §2a
	{
		path: /\/ccm\/form-data\/\d{5,}\/?$/,
		purpose: "ads",
		marks: ["form-data"],
	},
	// gtag.js loader: tracking.md §3a (loader served first-party by sGTM or tag gateway)
	{
		path: /\/gtag\/js$/,
		query: { id: ANY_GOOGLE_TAG },
		tagParam: "id",
		purpose: "tag-id",
		marks: ["gtag"],
	},
	// Tag Manager loader: tracking.md §2b, §3a
	{
		path: /\/(?:gtm\.js|ns\.html)$/,
		query: { id: /^GTM-[A-Z0-9]{4,12}$/ },
		tagParam: "id",
		purpose: "tag-id",
		marks: ["gtm.js", "ns.html"],
	},
	// Google tag gateway loader: tracking.md §3a (configurable serving path, e.g. /metrics)
	{
		path: /^\/[A-Za-z0-9_/-]*$/,
		query: { id: STRICT_GOOGLE_TAG },
		onlyParams: ["id", "l", "cx", "gtm", "gtm_auth", "gtm_preview", "gtm_cookies_win", "gtm_debug"],
		tagParam: "id",
		purpose: "tag-id",
		marks: ["id=G", "id=AW-", "id=DC-"],
	},
	// Meta Pixel / CAPI gateway: tracking.md §2c, §3b
	{
		path: /(?:^|\/)tr\/?$/,
		query: { id: /^\d{10,20}$/, ev: NON_EMPTY },
		purpose: "ads",
		marks: ["ev="],
	},
	// Cloudflare Zaraz: tracking.md §3c (s.js, i.js, t)
	{
		path: /^\/cdn-cgi\/zaraz\//,
		// Zaraz runs any tool the site configured, ad pixels included: treated like a tag container.
		purpose: "ads",
		marks: ["cdn-cgi"],
	},
	// Cloudflare Web Analytics: tracking.md §2b, §3d
	{ path: /^\/cdn-cgi\/rum\/?$/, purpose: "analytics", marks: ["cdn-cgi"] },
	// Matomo tracker: tracking.md §2b, §3d (a path after it is PHP's path info: the tracker runs)
	{
		path: /\/(?:matomo|piwik)\.php(?:\/|$)/,
		query: { idsite: /^\d+$/, rec: /^1$/ },
		purpose: "analytics",
		marks: ["matomo", "piwik"],
	},
	// Matomo loader: tracking.md §2b
	{
		path: /\/(?:matomo|piwik)\.js$/,
		purpose: "analytics",
		marks: ["matomo", "piwik"],
	},
	// Amplitude HTTP API: tracking.md §2b, §3d
	{ path: /\/2\/httpapi\/?$/, purpose: "analytics", marks: ["httpapi"] },
	// Mixpanel: tracking.md §2b, §3d
	{
		path: /\/(?:track|engage)\/?$/,
		query: { data: NON_EMPTY, ip: /^[01]$/ },
		purpose: "analytics",
		marks: ["data="],
	},
	// PostHog capture: tracking.md §3d
	{ path: /\/i\/v0\/e\/?$/, purpose: "analytics", marks: ["v0/e"] },
	// TikTok pixel: tracking.md §2a, §3d
	{ path: /\/api\/v2\/pixel(?:\/act|\/track)?\/?$/, purpose: "ads", marks: ["pixel"] },
	// Left out: Segment /v1/… and Plausible /api/event (need the body to tell apart from ordinary APIs),
	// PostHog /e/, /s/, /decide/ (too generic).
];

/**
 * Most guarded requests are no beacon, and of the shapes only the tag gateway loader takes almost
 * any path: the other shapes' path patterns, joined into one, are tried first, so a path none of
 * them takes costs one pattern before the loader's instead of all of them in turn. The same answer
 * as trying every shape in order: a pattern that cannot be joined (joined-patterns.ts) is always
 * tried, and a property test in test/guard/beacons.test.ts checks that every shape a path matches
 * is among the candidates.
 */
const isBroad = (shape: BeaconShape) =>
	!joinable(shape.path) || (shape.path.test("/a") && shape.path.test("/b/c"));
// Split on the first guarded URL, not as the script loads: running every shape's pattern compiles
// it, which an isolate answering the API alone never needs (bench/startup.mjs).
let split: { readonly broad: readonly BeaconShape[]; readonly narrow: RegExp } | undefined;

/** The shapes whose path may take `pathname`, in BEACON_SHAPES's order: every one that does is among them. */
export function candidateShapes(pathname: string): readonly BeaconShape[] {
	split ??= {
		broad: BEACON_SHAPES.filter(isBroad),
		narrow: joinPatterns(BEACON_SHAPES.filter((shape) => !isBroad(shape)).map((shape) => shape.path)),
	};
	return split.narrow.test(pathname) ? BEACON_SHAPES : split.broad;
}

export interface BeaconTarget {
	readonly pathname: string;
	readonly search: string;
}

function shapeMatches(shape: BeaconShape, search: string): boolean {
	if (shape.query) {
		for (const name in shape.query) {
			const raw = queryValue(search, name);
			if (raw === undefined || !(shape.query[name] as RegExp).test(raw)) return false;
		}
	}
	if (shape.onlyParams) {
		for (const name of queryNames(search)) if (!shape.onlyParams.includes(name)) return false;
	}
	return true;
}

/** Shared with tracker-hosts.ts, which must not apply a site's path overrides to other hosts. */
export function matchBeacon(
	target: BeaconTarget,
	overrides: CompiledOverrides | null,
	usePathOverrides: boolean,
): TrackerPurpose | null {
	if (overrides && usePathOverrides) {
		const verdict = overrides.path(target.pathname);
		if (verdict !== undefined) return verdict;
	}
	const served = { pathname: servedPath(target.pathname), search: target.search };
	const verdict = matchShapes(served, overrides);
	const escaped = verdict === null && (served.pathname.includes("%") || served.search.includes("%"));
	return escaped ? matchShapes(decoded(served), overrides) : verdict;
}

/**
 * A path as the origin's server reads it, which Chromium sends as written: `;params` out (servlet
 * containers), slashes merged (nginx's `merge_slashes`, on by default), and a path relative to the
 * page's under an unknown directory (`g/collect` is `/~/g/collect`: no shape anchored at the root).
 */
export function servedPath(pathname: string): string {
	const path = pathname.startsWith("/") ? pathname : `/~/${pathname}`;
	return /\/\/|;/.test(path) ? path.replace(/;[^/]*/g, "").replace(/\/{2,}/g, "/") : path;
}

/**
 * A target with its ASCII percent-escapes decoded, as the origin reads it (PHP, nginx: `/%6datomo.php`,
 * `rec=%31`) and Chromium sends it as written.
 */
function decoded(target: BeaconTarget): BeaconTarget {
	const decode = (part: string) =>
		part.replace(/%([0-7][0-9a-f])/gi, (_all, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
	return { pathname: decode(target.pathname), search: decode(target.search) };
}

function matchShapes(target: BeaconTarget, overrides: CompiledOverrides | null): TrackerPurpose | null {
	for (const shape of candidateShapes(target.pathname)) {
		if (!shape.path.test(target.pathname) || !shapeMatches(shape, target.search)) continue;
		const tagId = shape.tagParam === undefined ? undefined : queryValue(target.search, shape.tagParam);
		if (tagId !== undefined && overrides) {
			const verdict = overrides.tagId(tagId);
			if (verdict !== undefined) return verdict;
		}
		if (shape.purpose !== "tag-id") return shape.purpose;
		return tagId !== undefined && googleTagKind(tagId) ? googleTagPurpose(tagId) : null;
	}
	return null;
}

/**
 * The purpose of a first-party beacon or loader request, or null for anything else. `overrides` is the
 * site's map: path prefixes (its Zaraz `initPath`, tag gateway endpoint…) and tag-id prefixes apply.
 */
export function beaconPurpose(url: BeaconTarget, overrides?: TrackerOverrides): TrackerPurpose | null {
	return matchBeacon(url, overrides ? compileOverrides(overrides) : null, true);
}
