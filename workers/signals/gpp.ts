/**
 * IAB GPP strings for US visitors: the usnat section (id 7) with the opt-outs and their notices set
 * from the decision, MspaCoveredTransaction set explicitly, and the GPC subsection carrying the
 * request's signal. Built with @iabgpp/cmpapi's GppModel (its CmpApi needs `window` and is never
 * used here). There are only 8 distinct inputs (sale, ads, GPC), so each string is encoded once per
 * isolate.
 */
import { GppModel } from "@iabgpp/cmpapi";

export interface GppSignal {
	gpp: string;
	gppSid: number[];
	gppSections: Record<string, Record<string, unknown>>;
}

export const NO_GPP: GppSignal = Object.freeze({ gpp: "", gppSid: [], gppSections: {} }) as GppSignal;

const USNAT = "usnat";
const OPTED_OUT = 1;
const DID_NOT_OPT_OUT = 2;
const NOTICE_GIVEN = 1;
const MSPA_NO = 2;

const cache = new Map<string, GppSignal>();

export interface UsnatInput {
	/** `sale` allowed. */
	readonly sale: boolean;
	/** `ads` (cross-context behavioural advertising) allowed. */
	readonly ads: boolean;
	readonly gpc: boolean;
}

export function usnatSignal(input: UsnatInput): GppSignal {
	const key = `${+input.sale}${+input.ads}${+input.gpc}`;
	let signal = cache.get(key);
	if (!signal) {
		signal = encodeUsnat(input);
		cache.set(key, signal);
	}
	return signal;
}

function encodeUsnat({ sale, ads, gpc }: UsnatInput): GppSignal {
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
	return Object.freeze({ gpp, gppSid: [7], gppSections: { [USNAT]: section } });
}

/** GPP applies to US visitors; everyone else gets the empty signal. */
export function gppSignalFor(
	jurisdiction: string,
	purposes: Readonly<Record<string, boolean>>,
	gpc: boolean,
): GppSignal {
	if (!jurisdiction.startsWith("US")) return NO_GPP;
	return usnatSignal({ sale: purposes.sale === true, ads: purposes.ads === true, gpc });
}
