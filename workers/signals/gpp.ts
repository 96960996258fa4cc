/**
 * IAB GPP signals for US visitors: the usnat section (id 7), looked up in the table of its 8 strings
 * (sale, ads, GPC) that `npm run gpp:build` encodes ahead of time with @iabgpp/cmpapi
 * (usnat-encoding.ts says how); everyone else gets the empty signal.
 */
import type { UsnatInput } from "./usnat-encoding";
import { USNAT_SIGNALS } from "./usnat-table";

export interface GppSignal {
	gpp: string;
	gppSid: number[];
	gppSections: Record<string, Record<string, unknown>>;
}

export const NO_GPP: GppSignal = Object.freeze({ gpp: "", gppSid: [], gppSections: {} }) as GppSignal;

export type { UsnatInput };

const signals = new Map<string, GppSignal>(
	Object.entries(USNAT_SIGNALS).map(([key, signal]) => [key, Object.freeze({ ...signal })]),
);

export function usnatSignal(input: UsnatInput): GppSignal {
	const signal = signals.get(`${+input.sale}${+input.ads}${+input.gpc}`);
	if (!signal) throw new Error("usnat-table.ts lacks an input: run `npm run gpp:build`");
	return signal;
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
