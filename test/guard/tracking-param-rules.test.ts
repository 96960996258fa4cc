/**
 * The rule table itself: what §1h/§1i/§1j of tracking.md require of it, checked on the data so a
 * careless edit (a generic name made global, a missing source) fails here. The lists a row comes
 * from are in its comment (table-provenance.test.ts checks every row names known ones).
 */

import { describe, expect, it } from "vitest";
import { LISTED_UTM_NAMES, TRACKING_PARAM_RULES } from "../../workers/guard/tracking-param-rules";
import paramRulesFile from "../../workers/guard/tracking-param-rules.ts?raw";
import { rowComments } from "./table-provenance";

const globalNames = TRACKING_PARAM_RULES.global.map((rule) => rule.name);
/** Each global row's comment: its lists, then `: ` and why; a vendor-only id's list is `Vendor`. */
const globalComments = rowComments(paramRulesFile, "GLOBAL");
const vendorOnly = TRACKING_PARAM_RULES.global.flatMap((rule, row) => {
	const comment = globalComments[row] ?? "";
	return comment.startsWith("Vendor: ") ? [{ name: rule.name, comment }] : [];
});
const listedUtmNames = LISTED_UTM_NAMES.map((rule) => rule.name);
const lowerGlobal = new Set([...globalNames, ...listedUtmNames].map((name) => name.toLowerCase()));
/** Click ids only the ad platforms' own documentation names (no list in tracking.md does). */
const VENDOR_ONLY = [
	"a8",
	"ajs_aid",
	"ajs_event",
	"ajs_uid",
	"epik",
	"ldtag_cl",
	"_ly_c",
	"qclid",
	"rdt_cid",
	"ScCid",
	"tblci",
	"yj_r",
];

describe("tracking-param rule table", () => {
	it("holds the merged §1h table less the generic names", () => {
		// 197 names named by two or more anchors plus 116 singletons, less `var` and `click_id` (AdGuard's
		// only under a condition, Brave's on *.app.link: host-scoped); plus the vendor-only ids.
		// The utm_ names the lists enumerate are listed beside it, under the utm_ family (below).
		expect(globalComments).toHaveLength(TRACKING_PARAM_RULES.global.length);
		expect(TRACKING_PARAM_RULES.global.length + LISTED_UTM_NAMES.length - vendorOnly.length).toBe(311);
		expect(lowerGlobal.size).toBe(311 + VENDOR_ONLY.length);
		expect(vendorOnly.map((rule) => rule.name).sort()).toEqual([...VENDOR_ONLY].sort());
		for (const rule of vendorOnly) expect(rule.comment).toMatch(/docs/);
	});

	it("has no global row a prefix family covers: the families are read first, so it would never be read", () => {
		const families = TRACKING_PARAM_RULES.prefixes.map((rule) => rule.prefix.toLowerCase());
		const covered = globalNames.filter((name) =>
			families.some((prefix) => name.toLowerCase().startsWith(prefix)),
		);
		expect(covered).toEqual([]);
	});

	it("has no host-scoped name a global row or family strips everywhere: that host rule would never decide", () => {
		const families = TRACKING_PARAM_RULES.prefixes.map((rule) => rule.prefix.toLowerCase());
		const shadowed = TRACKING_PARAM_RULES.hostScoped.flatMap((rule) =>
			rule.params
				.map((name) => name.toLowerCase())
				.filter((name) => lowerGlobal.has(name) || families.some((prefix) => name.startsWith(prefix))),
		);
		expect(shadowed).toEqual([]);
	});

	it("lists the enumerated utm_ names, each plain and under the utm_ family", () => {
		expect(LISTED_UTM_NAMES).toHaveLength(48);
		for (const rule of LISTED_UTM_NAMES) {
			expect(rule.name).toMatch(/^utm_/);
			expect(Object.keys(rule)).toEqual(["name"]);
		}
		expect(TRACKING_PARAM_RULES.prefixes.map((rule) => rule.prefix)).toContain("utm_");
	});

	it("never makes a §1j generic name or a host-scoped name global", () => {
		for (const name of [
			"ref",
			"s",
			"t",
			"source",
			"id",
			"cid",
			"pid",
			"sid",
			"page",
			"tag",
			"from",
			"src",
			"var",
		]) {
			expect(lowerGlobal.has(name)).toBe(false);
		}
		for (const name of ["si", "igsh", "igshid"]) expect(lowerGlobal.has(name)).toBe(false);
	});

	it("keeps site-breaking names global with the site exempted", () => {
		const rule = (name: string) => TRACKING_PARAM_RULES.global.find((r) => r.name === name);
		expect(rule("oly_enc_id")?.exceptOnHosts).toEqual(["greenbuildingadvisor.com"]);
		expect(rule("_ga")?.exceptOnHosts).toEqual(["login.aliexpress.*"]);
		expect(rule("__s")?.exceptOnHosts).toEqual(["univis.*"]);
		expect(rule("mkt_tok")?.keepWhenUrlMatches?.source).toBe("[uU]nsubscribe|emailWebview");
		expect(rule("ck_subscriber_id")?.keepWhenUrlMatches?.source).toBe("\\/unsubscribe");
	});

	it("writes host patterns in lower case without schemes or paths", () => {
		const hosts = [
			...TRACKING_PARAM_RULES.hostScoped.flatMap((rule) => rule.hosts),
			...TRACKING_PARAM_RULES.exemptHosts.map((rule) => rule.host),
			...TRACKING_PARAM_RULES.global.flatMap((rule) => rule.exceptOnHosts ?? []),
		];
		for (const host of hosts) expect(host).toMatch(/^[a-z0-9.-]+(?:\.\*)?$/);
	});

	it("has the utm_ prefix family and the urldefense.com exemption", () => {
		expect(TRACKING_PARAM_RULES.prefixes.map((rule) => rule.prefix)).toEqual([
			"utm_",
			"ajs_prop_",
			"ajs_trait_",
		]);
		expect(TRACKING_PARAM_RULES.exemptHosts.map((rule) => rule.host)).toContain("urldefense.com");
	});
});
