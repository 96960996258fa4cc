/**
 * Google tag ids and the purpose each kind serves. Loaders and collectors are classified by the id
 * they carry: `G-` is analytics; `AW-`, `DC-` and the containers `GTM-`/`GT-`, which can inject any
 * tag, are ads (CONTRACT.md, "Guard mode"; tracking.md §2b, §3a).
 * Each row's comment says what the id is and where that comes from; test/guard/table-provenance.test.ts
 * checks that every row has one.
 */

import type { TrackerPurpose } from "./tracker-purpose";

export interface GoogleTagKind {
	/** Shape of a whole id of this kind, prefix included (ids are upper case). */
	readonly shape: RegExp;
	readonly purpose: TrackerPurpose;
}

export const GOOGLE_TAG_KINDS: readonly GoogleTagKind[] = [
	// GA4 measurement id: developers.google.com/tag-platform (gtag.js); tracking.md §2b
	{ shape: /^G-[A-Z0-9]{4,16}$/, purpose: "analytics" },
	// Universal Analytics property (legacy): tracking.md §2b, §3a
	{ shape: /^UA-\d{3,12}-\d{1,4}$/, purpose: "analytics" },
	{ shape: /^AW-\d{5,14}$/, purpose: "ads" }, // Google Ads conversion id: tracking.md §2a, §2b
	// Floodlight (Campaign Manager 360) advertiser: tracking.md §2b
	{ shape: /^DC-\d{4,14}$/, purpose: "ads" },
	// Tag Manager container: can inject anything: CONTRACT.md Guard mode; tracking.md §2b
	{ shape: /^GTM-[A-Z0-9]{4,12}$/, purpose: "ads" },
	// Google tag with several destinations, possibly ads: treated like a container: tracking.md §2b, §3a
	{ shape: /^GT-[A-Z0-9]{4,14}$/, purpose: "ads" },
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
