/**
 * Speculation rules and import maps inline in a page, as a guarded visitor gets them (html-guard.ts).
 * The page's verdict on them is remembered (page-verdicts.ts); only rules naming a tracker the visitor
 * denied are worked out again.
 */
import { guardedImportMap } from "./import-maps";
import type { PageVerdicts } from "./page-verdicts";
import { guardedSpeculationRules } from "./speculation-rules";

export type RulesKind = "speculationrules" | "importmap";

/**
 * The rules rewritten for a visitor (`denies` a purpose, `deniedUrl` a tracker URL of one, as the
 * page rewrite tests them), or null when they stay as written.
 */
export function guardedRules(
	kind: RulesKind,
	source: string,
	verdicts: PageVerdicts,
	denies: (purpose: string) => boolean,
	deniedUrl: (url: string) => boolean,
): string | null {
	if (kind === "importmap")
		return verdicts.importMapPurposes(source).some(denies) ? guardedImportMap(source, deniedUrl) : null;
	const verdict = verdicts.speculationRules(source);
	if (!verdict.trackers.some(denies)) return verdict.kept;
	return guardedSpeculationRules(source, deniedUrl, verdicts.strippedUrl);
}
