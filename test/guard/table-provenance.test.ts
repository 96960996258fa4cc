/**
 * Every row of the guard's data tables names where its facts come from (tracking.md, the vendor's
 * docs, the lists a parameter is attributed to), in a comment beside the row, so a reviewer can audit
 * it (STYLE.md "Data is data") while the bundle carries none of it. Read from the source text.
 */
import { describe, expect, it } from "vitest";
import { BEACON_SHAPES } from "../../workers/guard/beacons";
import beaconsFile from "../../workers/guard/beacons.ts?raw";
import { GOOGLE_TAG_KINDS } from "../../workers/guard/google-tag-ids";
import googleTagIdsFile from "../../workers/guard/google-tag-ids.ts?raw";
import { INLINE_TRACKER_SIGNATURES } from "../../workers/guard/inline-trackers";
import inlineTrackersFile from "../../workers/guard/inline-trackers.ts?raw";
import { TRACKER_HOSTS } from "../../workers/guard/tracker-hosts";
import trackerHostsFile from "../../workers/guard/tracker-hosts.ts?raw";
import { TRACKING_COOKIES } from "../../workers/guard/tracking-cookies";
import trackingCookiesFile from "../../workers/guard/tracking-cookies.ts?raw";
import {
	LISTED_UTM_NAMES,
	PARAM_SOURCES,
	TRACKING_PARAM_RULES,
} from "../../workers/guard/tracking-param-rules";
import paramRulesFile from "../../workers/guard/tracking-param-rules.ts?raw";
import { rowComments } from "./table-provenance";

/** A source as these comments name one: the reference notes, the contract, the vendor's code or docs. */
const NAMES_A_SOURCE =
	/tracking\.md §\d|CONTRACT\.md|standards\.md|\bOCD\b|\b(?:GA|Ads) docs\b|base code|snippet|tracking code|\bvendor (?:docs|code)\b/;

const TABLES = [
	["tracker-hosts.ts", trackerHostsFile, "TRACKER_HOSTS", TRACKER_HOSTS],
	["tracking-cookies.ts", trackingCookiesFile, "TRACKING_COOKIES", TRACKING_COOKIES],
	["beacons.ts", beaconsFile, "BEACON_SHAPES", BEACON_SHAPES],
	["inline-trackers.ts", inlineTrackersFile, "INLINE_TRACKER_SIGNATURES", INLINE_TRACKER_SIGNATURES],
	["google-tag-ids.ts", googleTagIdsFile, "GOOGLE_TAG_KINDS", GOOGLE_TAG_KINDS],
] as const;

/** Tracking-parameter tables: a row's comment starts with its lists, then `: ` and why, if need be. */
const PARAM_TABLES = [
	["GLOBAL", TRACKING_PARAM_RULES.global],
	["PREFIXES", TRACKING_PARAM_RULES.prefixes],
	["HOST_SCOPED", TRACKING_PARAM_RULES.hostScoped],
	["EXEMPT_HOSTS", TRACKING_PARAM_RULES.exemptHosts],
	["LISTED_UTM_NAMES", LISTED_UTM_NAMES],
] as const;

describe("guard table provenance", () => {
	for (const [file, text, table, rows] of TABLES) {
		it(`${file}: every row of ${table} names its source in a comment`, () => {
			const comments = rowComments(text, table);
			// As many commented rows as the table holds: the text was read row by row.
			expect(comments).toHaveLength(rows.length);
			for (const [row, comment] of comments.entries()) {
				expect(comment, `${table} row ${row}`).toMatch(NAMES_A_SOURCE);
			}
		});
	}

	for (const [table, rows] of PARAM_TABLES) {
		it(`tracking-param-rules.ts: every row of ${table} names the lists it comes from`, () => {
			const comments = rowComments(paramRulesFile, table);
			expect(comments).toHaveLength(rows.length);
			for (const [row, comment] of comments.entries()) {
				const lists = comment.split(": ")[0]?.split(", ") ?? [];
				expect(lists.join(""), `${table} row ${row}`).not.toBe("");
				// The prefix families name their lists with the lists' own syntax (ClearURLs (/i)): free text.
				if (table === "PREFIXES") continue;
				for (const list of lists) expect(Object.keys(PARAM_SOURCES), `${table} row ${row}`).toContain(list);
			}
		});
	}

	it("reads the comment above a row, or after a row on one line, and nothing else", () => {
		const text = [
			"const ROWS: readonly Row[] = [",
			"\t// above, first line",
			"\t// second line",
			"\t{",
			"\t\tname: 'a', // a property's comment is not the row's",
			"\t},",
			"\t{ name: 'b' }, // after",
			"\t{ name: 'c' },",
			"\t// a closing remark belongs to no row",
			"];",
		].join("\n");
		expect(rowComments(text, "ROWS")).toEqual(["above, first line second line", "after", ""]);
	});
});
