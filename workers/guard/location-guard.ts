/**
 * Tracking parameters in the origin's `Location` header, for guarded visitors. When the stripped
 * target is the very URL the visitor asked for, the origin wants the parameter there, and stripping it
 * would send the browser round in circles: that Location is relayed as the origin wrote it.
 */
import { type StripOptions, stripTrackingParams } from "./strip-tracking-params";

/** The Location to send instead of `location`, or null to relay it unchanged. */
export function guardedLocation(
	location: string,
	url: URL,
	originHost: string | null,
	options: StripOptions,
): string | null {
	const stripped = stripTrackingParams(location, options);
	if (stripped === location) return null;
	return pointsAtCurrent(stripped, url, originHost) ? null : stripped;
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
