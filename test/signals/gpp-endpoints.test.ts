/**
 * Every GPP string the worker's decision answers carry, decoded with @iabgpp/cmpapi's GppModel and
 * checked field by field against the MSPA usnat semantics (0 N/A, 1 opted out / notice given,
 * 2 did not opt out), for each US state, the US without a region, other countries and unknown
 * locations, with and without GPC, for stored choices, defaults, writes and the opt-out endpoint.
 */
import { GppModel } from "@iabgpp/cmpapi";
import { describe, expect, it } from "vitest";
import { call, type Geo, json, keyed } from "../helpers";

const US_STATES = [
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
	"KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
	"ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
]; // biome-ignore format: a table

interface Doc {
	consentMode: Record<string, string>;
	purposes: Record<string, boolean>;
	gpc: boolean;
	jurisdiction: string;
	gpp: string;
	gppSid: number[];
	gppSections: Record<string, Record<string, unknown>>;
}

/** What the usnat core and GPC subsection must say for these effective choices and signal. */
function expectedUsnat(sale: boolean, ads: boolean, gpc: boolean): Record<string, unknown> {
	const optOut = (allowed: boolean) => (allowed ? 2 : 1);
	return {
		Version: 2,
		SharingNotice: 1,
		SaleOptOutNotice: 1,
		SharingOptOutNotice: 1,
		TargetedAdvertisingOptOutNotice: 1,
		SensitiveDataProcessingOptOutNotice: 0,
		SensitiveDataLimitUseNotice: 0,
		SaleOptOut: optOut(sale),
		SharingOptOut: optOut(sale && ads),
		TargetedAdvertisingOptOut: optOut(ads),
		SensitiveDataProcessing: Array(16).fill(0),
		KnownChildSensitiveDataConsents: [0, 0, 0],
		PersonalDataConsents: 0,
		MspaCoveredTransaction: 2,
		MspaOptOutOptionMode: 0,
		MspaServiceProviderMode: 0,
		GpcSegmentType: 1,
		Gpc: gpc,
	};
}

function checkSignal(doc: Doc, label: string): void {
	// Consent Mode per the contract: ad_* only with both ads and sale; analytics and personalization
	// follow their purposes; functionality and security always granted.
	const state = (allowed: boolean) => (allowed ? "granted" : "denied");
	const ads = state(doc.purposes.ads === true && doc.purposes.sale === true);
	expect(doc.consentMode, label).toEqual({
		ad_storage: ads,
		ad_user_data: ads,
		ad_personalization: ads,
		analytics_storage: state(doc.purposes.analytics === true),
		functionality_storage: "granted",
		personalization_storage: state(doc.purposes.personalization === true),
		security_storage: "granted",
	});
	if (!doc.jurisdiction.startsWith("US")) {
		expect([doc.gpp, doc.gppSid, doc.gppSections], label).toEqual(["", [], {}]);
		return;
	}
	expect(doc.gpp, label).toMatch(/^DBABLA~[A-Za-z0-9_-]+\.(YA|QA)$/);
	expect(doc.gppSid, label).toEqual([7]);
	const model = new GppModel(doc.gpp);
	expect(model.getSectionIds(), label).toEqual([7]);
	const decoded = model.getSection("usnat") as Record<string, unknown>;
	expect(doc.gppSections, label).toEqual({ usnat: decoded });
	expect(decoded, label).toEqual(
		expectedUsnat(doc.purposes.sale === true, doc.purposes.ads === true, doc.gpc),
	);
	// Re-encoding the decoded fields gives the very same string.
	const again = new GppModel();
	for (const [field, value] of Object.entries(decoded)) {
		if (field !== "GpcSegmentType") again.setFieldValue("usnat", field, value);
	}
	expect(again.encode(), label).toBe(doc.gpp);
	// Spec coherence (standards §2.3, §8.18-19): an opt-out is 1 or 2 only with its notice given, and
	// GPC always means opted out of sale, sharing and targeted ads.
	for (const field of ["SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut"]) {
		expect(decoded[`${field}Notice`], `${label} ${field}Notice`).toBe(1);
		if (doc.gpc) expect(decoded[field], `${label} ${field} under GPC`).toBe(1);
	}
	expect(doc.gpp.endsWith(doc.gpc ? ".YA" : ".QA"), label).toBe(true);
}

const COMBOS: Record<string, boolean>[] = [];
for (const ads of [true, false])
	for (const sale of [true, false])
		for (const analytics of [true, false]) COMBOS.push({ ads, sale, analytics });

describe("GPP strings in every decision answer", () => {
	it("defaults: every US state, the US without a region, non-US and unknown, GPC on and off", async () => {
		const geos: [string, Geo | undefined][] = [
			...US_STATES.map((s): [string, Geo] => [`US-${s}`, { country: "US", regionCode: s }]),
			["US", { country: "US" }],
			["US (bad region)", { country: "US", regionCode: "C A" }],
			["DE", { country: "DE" }],
			["GB", { country: "GB" }],
			["JP", { country: "JP" }],
			["BR", { country: "BR" }],
			["PR", { country: "PR" }],
			["ZZ (no cf)", undefined],
			["ZZ (T1)", { country: "T1" }],
			["ZZ (XX)", { country: "XX" }],
		];
		for (const [label, geo] of geos) {
			for (const gpc of [false, true]) {
				const headers: Record<string, string> = gpc ? { "Sec-GPC": "1" } : {};
				for (const path of ["/v1/consent", "/v1/consent?subject=user:gpp-default"]) {
					const init = path.includes("subject") ? keyed({ headers, cf: geo }) : { headers, cf: geo };
					const res = await call(path, init);
					expect(res.status, label).toBe(200);
					const doc = await res.json<Doc>();
					expect(doc.gpc, label).toBe(gpc);
					checkSignal(doc, `${label} gpc=${gpc} ${path}`);
				}
			}
		}
	});

	it("stored choices, writes and the opt-out endpoint, in California, Texas, the US and Germany", async () => {
		let n = 0;
		for (const geo of [
			{ country: "US", regionCode: "CA" },
			{ country: "US", regionCode: "TX" },
			{ country: "US" },
			{ country: "DE" },
		]) {
			for (const purposes of COMBOS) {
				for (const gpc of [false, true]) {
					const subject = `user:gpp-${n++}`;
					const headers: Record<string, string> = gpc ? { "Sec-GPC": "1" } : {};
					const label = `${JSON.stringify(geo)} ${JSON.stringify(purposes)} gpc=${gpc}`;
					const put = await call(
						"/v1/consent",
						keyed({ method: "PUT", cf: geo, ...json({ subject, purposes }, { headers }) }),
					);
					expect(put.status, label).toBe(200);
					const written = await put.json<Doc>();
					checkSignal(written, `${label} PUT`);
					if (!gpc) expect(written.purposes).toMatchObject(purposes);
					for (const readGpc of [false, true]) {
						const read = await call(
							`/v1/consent?subject=${subject}`,
							keyed({ cf: geo, headers: readGpc ? { "Sec-GPC": "1" } : {} }),
						);
						checkSignal(await read.json<Doc>(), `${label} GET gpc=${readGpc}`);
					}
					const out = await call(
						"/v1/opt-out",
						keyed({ method: "POST", cf: geo, ...json({ subject }, { headers }) }),
					);
					expect(out.status, label).toBe(200);
					const optedOut = await out.json<Doc>();
					expect(optedOut.purposes).toMatchObject({ ads: false, sale: false });
					checkSignal(optedOut, `${label} opt-out`);
				}
			}
		}
	});
});
