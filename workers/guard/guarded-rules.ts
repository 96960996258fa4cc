/**
 * Speculation rules and import maps inline in a page, as a guarded visitor gets them (html-guard.ts).
 * The page's verdict on them is remembered (page-verdicts.ts); only rules naming a tracker the visitor
 * denied are worked out again.
 */
import { guardedImportMap } from "./import-maps";
import type { PageVerdicts } from "./page-verdicts";
import { guardedSpeculationRules } from "./speculation-rules";
import { classifyTrackerUrl } from "./tracker-hosts";
import type { TrackerOverrides } from "./tracker-purpose";

export type RulesKind = "speculationrules" | "importmap";

/** The rules rewritten for a visitor denying `denied`, or null when they stay as written. */
export function guardedRules(
	kind: RulesKind,
	source: string,
	verdicts: PageVerdicts,
	denied: ReadonlySet<string>,
	overrides: TrackerOverrides | undefined,
): string | null {
	const denies = (purpose: string) => denied.has(purpose);
	const deniedUrl = (url: string) => {
		const purpose = classifyTrackerUrl(url, overrides);
		return purpose !== null && denies(purpose);
	};
	if (kind === "importmap")
		return verdicts.importMapPurposes(source).some(denies) ? guardedImportMap(source, deniedUrl) : null;
	const verdict = verdicts.speculationRules(source);
	if (!verdict.trackers.some(denies)) return verdict.kept;
	return guardedSpeculationRules(source, deniedUrl, verdicts.strippedLink);
}
