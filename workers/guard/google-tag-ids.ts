/**
 * Google tag ids and the purpose each kind serves. Loaders and collectors are classified by the id
 * they carry: `G-` is analytics; `AW-`, `DC-` and the containers `GTM-`/`GT-`, which can inject any
 * tag, are ads (CONTRACT.md, "Guard mode"; tracking.md §2b, §3a).
 */

import type { TrackerPurpose } from "./tracker-purpose";

export interface GoogleTagKind {
	readonly prefix: string;
	/** Shape of a whole id of this kind (ids are upper case). */
	readonly shape: RegExp;
	readonly purpose: TrackerPurpose;
	readonly what: string;
	readonly source: string;
}

export const GOOGLE_TAG_KINDS: readonly GoogleTagKind[] = [
	{
		prefix: "G-",
		shape: /^G-[A-Z0-9]{4,16}$/,
		purpose: "analytics",
		what: "GA4 measurement id",
		source: "developers.google.com/tag-platform (gtag.js); tracking.md §2b",
	},
	{
		prefix: "UA-",
		shape: /^UA-\d{3,12}-\d{1,4}$/,
		purpose: "analytics",
		what: "Universal Analytics property (legacy)",
		source: "tracking.md §2b, §3a",
	},
	{
		prefix: "AW-",
		shape: /^AW-\d{5,14}$/,
		purpose: "ads",
		what: "Google Ads conversion id",
		source: "tracking.md §2a, §2b",
	},
	{
		prefix: "DC-",
		shape: /^DC-\d{4,14}$/,
		purpose: "ads",
		what: "Floodlight (Campaign Manager 360) advertiser",
		source: "tracking.md §2b",
	},
	{
		prefix: "GTM-",
		shape: /^GTM-[A-Z0-9]{4,12}$/,
		purpose: "ads",
		what: "Tag Manager container: can inject anything",
		source: "CONTRACT.md Guard mode; tracking.md §2b",
	},
	{
		prefix: "GT-",
		shape: /^GT-[A-Z0-9]{4,14}$/,
		purpose: "ads",
		what: "Google tag with several destinations, possibly ads: treated like a container",
		source: "tracking.md §2b, §3a",
	},
];

/** The kind of a Google tag id, or null when `id` is not shaped like one. */
export function googleTagKind(id: string): GoogleTagKind | null {
	for (const kind of GOOGLE_TAG_KINDS) if (kind.shape.test(id)) return kind;
	return null;
}

/** The purpose a Google tag id serves, or null when `id` is not shaped like one. */
export function googleTagPurpose(id: string): TrackerPurpose | null {
	return googleTagKind(id)?.purpose ?? null;
}
