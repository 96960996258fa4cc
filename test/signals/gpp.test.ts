import { GppModel } from "@iabgpp/cmpapi";
import { describe, expect, it } from "vitest";
import { gppSignalFor, usnatSignal } from "../../workers/signals/gpp";

const NOTICES = {
	SharingNotice: 1,
	SaleOptOutNotice: 1,
	SharingOptOutNotice: 1,
	TargetedAdvertisingOptOutNotice: 1,
};

describe("usnat GPP strings", () => {
	it("encodes the published vector for a full opt-out with GPC", () => {
		expect(usnatSignal({ sale: false, ads: false, gpc: true }).gpp).toBe("DBABLA~CVQVAAAAAACA.YA");
	});

	it.each([
		[
			{ sale: true, ads: true, gpc: false },
			{ SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2, Gpc: false },
		],
		[
			{ sale: false, ads: true, gpc: false },
			{ SaleOptOut: 1, SharingOptOut: 1, TargetedAdvertisingOptOut: 2, Gpc: false },
		],
		[
			{ sale: true, ads: false, gpc: false },
			{ SaleOptOut: 2, SharingOptOut: 1, TargetedAdvertisingOptOut: 1, Gpc: false },
		],
		[
			{ sale: false, ads: false, gpc: true },
			{ SaleOptOut: 1, SharingOptOut: 1, TargetedAdvertisingOptOut: 1, Gpc: true },
		],
		[
			{ sale: true, ads: true, gpc: true },
			{ SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2, Gpc: true },
		],
	])("%j decodes back to every field", (input, expected) => {
		const signal = usnatSignal(input);
		expect(signal.gpp).toMatch(/^DBABLA~[A-Za-z0-9_-]+\.(YA|QA)$/);
		expect(signal.gppSid).toEqual([7]);
		const decoded = new GppModel(signal.gpp);
		expect(decoded.getSectionIds()).toEqual([7]);
		const section = decoded.getSection("usnat") as Record<string, unknown>;
		expect(section).toEqual({
			Version: 2,
			...NOTICES,
			SensitiveDataProcessingOptOutNotice: 0,
			SensitiveDataLimitUseNotice: 0,
			...expected,
			SensitiveDataProcessing: Array(16).fill(0),
			KnownChildSensitiveDataConsents: [0, 0, 0],
			PersonalDataConsents: 0,
			MspaCoveredTransaction: 2,
			MspaOptOutOptionMode: 0,
			MspaServiceProviderMode: 0,
			GpcSegmentType: 1,
		});
		// The SDK reads these decoded fields instead of bundling the library.
		expect(signal.gppSections.usnat).toEqual(section);
	});

	it("is computed once per distinct input", () => {
		expect(usnatSignal({ sale: true, ads: false, gpc: true })).toBe(
			usnatSignal({ sale: true, ads: false, gpc: true }),
		);
	});

	it("applies to US jurisdictions only", () => {
		expect(gppSignalFor("US-CA", { sale: true, ads: true }, false).gppSid).toEqual([7]);
		expect(gppSignalFor("US", { sale: true, ads: true }, false).gppSid).toEqual([7]);
		for (const j of ["DE", "JP", "ZZ", "GB"])
			expect(gppSignalFor(j, { sale: true, ads: true }, true)).toEqual({
				gpp: "",
				gppSid: [],
				gppSections: {},
			});
	});
});
