/**
 * Tracking parameters in the origin's `Location` header, for guarded visitors. When the stripped
 * target is the very URL the visitor asked for, the origin wants the parameter there, and stripping it
 * would send the browser round in circles: that Location is relayed as the origin wrote it, and its
 * target is named so that the navigation to it can be let through (insisted-locations.ts).
 */
import { type StripOptions, stripTrackingParams } from "./strip-tracking-params";

/**
 * What to do with the origin's `location`: send `stripped` instead, or relay it as it is because the
 * origin `insisted` on its target (that target's path and query, as the browser will ask for it).
 * Null: relay it unchanged, nothing in it to strip.
 */
export type LocationVerdict = { readonly stripped: string } | { readonly insisted: string } | null;

export function guardedLocation(
	location: string,
	url: URL,
	originHost: string | null,
	options: StripOptions,
): LocationVerdict {
	const stripped = stripTrackingParams(location, options);
	if (stripped === location) return null;
	if (!pointsAtCurrent(stripped, url, originHost)) return { stripped };
	try {
		const target = new URL(location, url);
		return { insisted: target.pathname + target.search };
	} catch {
		return null;
	}
}

function pointsAtCurrent(target: string, url: URL, originHost: string | null): boolean {
	let resolved: URL;
	try {
		resolved = new URL(target, url);
	} catch {
		return false;
	}
	const sameHost = resolved.host === url.host || (originHost !== null && resolved.host === originHost);
	return sameHost && resolved.pathname === url.pathname && resolved.search === url.search;
}
