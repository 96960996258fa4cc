/**
 * stripTrackingParams against what a user would write: `new URL()`, delete the known names from
 * `searchParams`, serialise. Also checks that URLs with nothing to strip come back identical (===).
 */
import { stripTrackingParams } from "../../workers/guard/strip-tracking-params";
import type { PureCase } from "./pure-case";
import { URL_CORPUS } from "./url-corpus";

const NAIVE_NAMES = new Set([
	"gclid",
	"dclid",
	"gbraid",
	"wbraid",
	"fbclid",
	"msclkid",
	"yclid",
	"ttclid",
	"twclid",
	"li_fat_id",
	"mc_cid",
	"mc_eid",
	"_gl",
	"_hsenc",
	"_hsmi",
	"mkt_tok",
]);

export function naiveStrip(input: string): string {
	const url = new URL(input);
	for (const name of [...url.searchParams.keys()]) {
		if (name.startsWith("utm_") || NAIVE_NAMES.has(name)) url.searchParams.delete(name);
	}
	return url.href;
}

const { all, clean } = URL_CORPUS;

export const cases: PureCase[] = [
	{
		name: "stripTrackingParams",
		unit: `${all.length} URLs (${clean.length} with nothing to strip)`,
		perOp: all.length,
		target: 3,
		ours: () => {
			for (const u of all) stripTrackingParams(u);
		},
		naive: () => {
			for (const u of all) naiveStrip(u);
		},
		naiveLabel: "new URL() + searchParams.delete + href",
		checks: () => {
			const changed = clean.filter((u) => stripTrackingParams(u) !== u);
			const naiveChanged = clean.filter((u) => naiveStrip(u) !== u);
			const stripped = all.filter((u) => !clean.includes(u) && stripTrackingParams(u) === u);
			return {
				identical: changed.length === 0,
				notes: [
					`${clean.length - changed.length}/${clean.length} URLs with nothing to strip returned identical (===)`,
					`naive baseline rewrote ${naiveChanged.length}/${clean.length} of them (re-serialisation)`,
					...changed.slice(0, 3).map((u) => `changed: ${u}`),
					...stripped.slice(0, 3).map((u) => `tracker URL left unchanged: ${u}`),
				],
			};
		},
	},
];
