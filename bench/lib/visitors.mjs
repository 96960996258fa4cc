/**
 * The bench's visitors: deterministic `ce_vid` values and the subject the Worker derives from each
 * (`v:` + base64url(sha256("ce_vid:" + vid)) cut to 32 characters, workers/consent/caller.ts).
 */
import { createHash } from "node:crypto";

/** Seeded visitor i: 22 base64url characters, the shortest `ce_vid` the Worker accepts. */
export function seededVid(i) {
	return `benchvisitor${String(i).padStart(10, "0")}`;
}

export function visitorSubject(vid) {
	return `v:${createHash("sha256").update(`ce_vid:${vid}`).digest("base64url").slice(0, 32)}`;
}

/** The stored choices of seeded subject i: a spread of allowances and denials, all chosen in the UI. */
export function seededPurposes(i) {
	return {
		analytics: i % 2 === 0,
		personalization: i % 3 === 0,
		ads: i % 5 === 0,
		sale: false,
		email: i % 4 !== 0,
	};
}
