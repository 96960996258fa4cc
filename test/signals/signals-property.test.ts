/**
 * A demanding integrator's property test of the signals end to end, in workerd: for random stored
 * choices, a random `Sec-GPC` field value and a random location, `GET /v1/consent` must answer the
 * decision the contract's rules give (computed here independently; the location from `request.cf`,
 * or from a stated `?jurisdiction=`, which a keyed call may give), its Consent Mode states must be
 * the contract's mapping of it, and its GPP string, decoded by @iabgpp/cmpapi's GppModel, must say
 * the same decision: usnat only (section 7) for US visitors, with its opt-outs, notices,
 * MspaCoveredTransaction and GPC subsection; nothing elsewhere.
 */
import { GppModel } from "@iabgpp/cmpapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, type Geo, json, keyed } from "../helpers";

const CHOOSABLE = ["analytics", "personalization", "ads", "sale"] as const;
const GPC_GOVERNED = new Set(["ads", "sale"]);
const OPT_IN = new Set(["DE", "FR", "GB", "CH", "NO", "IS", "LI", "ZZ"]);

interface Doc {
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	gpc: boolean;
	jurisdiction: string;
	consentMode: Record<string, string>;
	gpp: string;
	gppSid: number[];
	gppSections: Record<string, Record<string, unknown>>;
}

const geoArb: fc.Arbitrary<Geo | undefined> = fc.oneof(
	fc.constantFrom("CA", "CO", "CT", "TX", "VA", "NY").map((regionCode) => ({ country: "US", regionCode })),
	fc.constant({ country: "US" }),
	fc.constantFrom("DE", "FR", "GB", "CH", "NO", "JP", "BR", "IN").map((country) => ({ country })),
	fc.constant(undefined),
);

// Field values a browser, an extension, a proxy or a fuzzer might send.
const memberArb = fc.constantFrom("1", "0", " 1", "1 ", "\t1", "01", "true", "", "\v1", "1;x", "yes");
const gpcArb = fc.option(
	fc.array(memberArb, { minLength: 1, maxLength: 3 }).map((members) => members.join(",")),
	{ nil: undefined },
);

// Where a keyed call may say the person is, beating its own location.
const statedArb = fc.option(fc.constantFrom("DE", "GB", "us-ca", "US", "JP", "ZZ"), { nil: undefined });

const choicesArb = fc.record(
	Object.fromEntries(CHOOSABLE.map((p) => [p, fc.option(fc.boolean(), { nil: undefined })])),
) as fc.Arbitrary<Partial<Record<(typeof CHOOSABLE)[number], boolean | undefined>>>;

function expectedJurisdiction(geo: Geo | undefined): string {
	if (!geo?.country) return "ZZ";
	if (geo.country === "US") return geo.regionCode ? `US-${geo.regionCode}` : "US";
	return geo.country;
}

function isSignal(value: string | undefined): boolean {
	return value?.split(",").some((m) => m.replace(/^[ \t]+|[ \t]+$/g, "") === "1") === true;
}

let n = 0;

describe("signals, property-tested through the worker", () => {
	it("every answer's Consent Mode and GPP say the decision the contract's rules give", async () => {
		await fc.assert(
			fc.asyncProperty(choicesArb, gpcArb, geoArb, statedArb, async (choices, gpcValue, geo, stated) => {
				const subject = `user:signals-prop-${n++}`;
				const at = stated === undefined ? "" : `&jurisdiction=${stated}`;
				const stored = Object.fromEntries(Object.entries(choices).filter(([, v]) => v !== undefined));
				if (Object.keys(stored).length > 0) {
					const put = await call(
						"/v1/consent",
						keyed({ method: "PUT", cf: geo, ...json({ subject, purposes: stored }) }),
					);
					expect(put.status).toBe(200);
				}
				const headers: Record<string, string> = gpcValue === undefined ? {} : { "Sec-GPC": gpcValue };
				const res = await call(`/v1/consent?subject=${subject}${at}`, keyed({ cf: geo, headers }));
				expect(res.status).toBe(200);
				const doc = await res.json<Doc>();

				const signal = isSignal(gpcValue);
				const jurisdiction = stated?.toUpperCase() ?? expectedJurisdiction(geo);
				const optIn = OPT_IN.has(jurisdiction);
				expect(doc.jurisdiction).toBe(jurisdiction);
				expect(doc.gpc).toBe(signal);
				expect(res.headers.get("X-GPC-Honored")).toBe(signal ? "1" : "0");
				for (const purpose of CHOOSABLE) {
					const [allowed, reason] =
						signal && GPC_GOVERNED.has(purpose)
							? [false, "gpc"]
							: stored[purpose] !== undefined
								? [stored[purpose], "explicit"]
								: [!optIn, "default"];
					expect([doc.purposes[purpose], doc.reasons[purpose]], purpose).toEqual([allowed, reason]);
				}

				const grant = (allowed: boolean) => (allowed ? "granted" : "denied");
				const adTypes = grant(doc.purposes.ads === true && doc.purposes.sale === true);
				expect(doc.consentMode).toEqual({
					ad_storage: adTypes,
					ad_user_data: adTypes,
					ad_personalization: adTypes,
					analytics_storage: grant(doc.purposes.analytics === true),
					functionality_storage: "granted",
					personalization_storage: grant(doc.purposes.personalization === true),
					security_storage: "granted",
				});

				if (!jurisdiction.startsWith("US")) {
					expect([doc.gpp, doc.gppSid, doc.gppSections]).toEqual(["", [], {}]);
					return;
				}
				const model = new GppModel(doc.gpp);
				expect(doc.gpp.startsWith("DBABLA~")).toBe(true);
				expect(model.getSectionIds()).toEqual([7]);
				// The header: GPP type 3, version 1, usnat alone; the GPC subsection always sent.
				expect(model.getHeader()).toEqual({ Id: 3, Version: 1, SectionIds: [7] });
				expect(model.getFieldValue("usnat", "GpcSegmentIncluded")).toBe(true);
				expect(doc.gppSid).toEqual([7]);
				const usnat = model.getSection("usnat") as Record<string, unknown>;
				expect(doc.gppSections).toEqual({ usnat });
				const optOut = (allowed: boolean) => (allowed ? 2 : 1);
				expect(usnat).toMatchObject({
					Version: 2,
					SharingNotice: 1,
					SaleOptOutNotice: 1,
					SharingOptOutNotice: 1,
					TargetedAdvertisingOptOutNotice: 1,
					SaleOptOut: optOut(doc.purposes.sale === true),
					SharingOptOut: optOut(doc.purposes.sale === true && doc.purposes.ads === true),
					TargetedAdvertisingOptOut: optOut(doc.purposes.ads === true),
					MspaCoveredTransaction: 2,
					MspaOptOutOptionMode: 0,
					MspaServiceProviderMode: 0,
					GpcSegmentType: 1,
					Gpc: signal,
				});
				// What Prebid's default usnat reading concludes: no sale, sharing or targeting under GPC.
				if (signal)
					expect([usnat.SaleOptOut, usnat.SharingOptOut, usnat.TargetedAdvertisingOptOut]).toEqual([1, 1, 1]);
			}),
			{ numRuns: 100 },
		);
	});
});
