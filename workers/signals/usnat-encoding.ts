/**
 * How a decision becomes an IAB GPP string for US visitors: the usnat section (id 7) with the
 * opt-outs and their notices set from the decision, MspaCoveredTransaction set explicitly, and the GPC
 * subsection carrying the request's signal. Encoded with @iabgpp/cmpapi's GppModel (its CmpApi needs
 * `window` and is never used). Only 8 inputs exist (sale, ads, GPC), so the strings are encoded
 * ahead of time by `npm run gpp:build` into usnat-table.ts, and the Worker bundles the table, not the
 * library (130 KB of section encoders, 15 KB gzipped, for 8 strings); a test checks the table against
 * this encoder, so it cannot go stale.
 */
import { GppModel } from "@iabgpp/cmpapi";
import type { GppSignal } from "./gpp";

export interface UsnatInput {
	/** `sale` allowed. */
	readonly sale: boolean;
	/** `ads` (cross-context behavioural advertising) allowed. */
	readonly ads: boolean;
	readonly gpc: boolean;
}

const USNAT = "usnat";
const OPTED_OUT = 1;
const DID_NOT_OPT_OUT = 2;
const NOTICE_GIVEN = 1;
const MSPA_NO = 2;

/** The table's key of an input: `<sale><ads><gpc>` as 0/1. */
export function usnatKey({ sale, ads, gpc }: UsnatInput): string {
	return `${+sale}${+ads}${+gpc}`;
}

/** Every input, in the table's order. */
export function usnatInputs(): UsnatInput[] {
	const inputs: UsnatInput[] = [];
	for (const sale of [false, true])
		for (const ads of [false, true]) for (const gpc of [false, true]) inputs.push({ sale, ads, gpc });
	return inputs;
}

export function encodeUsnat({ sale, ads, gpc }: UsnatInput): GppSignal {
	const model = new GppModel();
	for (const notice of [
		"SharingNotice",
		"SaleOptOutNotice",
		"SharingOptOutNotice",
		"TargetedAdvertisingOptOutNotice",
	]) {
		model.setFieldValue(USNAT, notice, NOTICE_GIVEN);
	}
	const optOut = (allowed: boolean) => (allowed ? DID_NOT_OPT_OUT : OPTED_OUT);
	model.setFieldValue(USNAT, "SaleOptOut", optOut(sale));
	// CCPA "sharing" is disclosure for cross-context behavioural advertising.
	model.setFieldValue(USNAT, "SharingOptOut", optOut(sale && ads));
	model.setFieldValue(USNAT, "TargetedAdvertisingOptOut", optOut(ads));
	model.setFieldValue(USNAT, "MspaCoveredTransaction", MSPA_NO);
	model.setFieldValue(USNAT, "Gpc", gpc);
	const gpp = model.encode();
	const section = new GppModel(gpp).getSection(USNAT) as Record<string, unknown>;
	return { gpp, gppSid: [7], gppSections: { [USNAT]: section } };
}
