/**
 * The Worker answers GPP from usnat-table.ts, encoded ahead of time (`npm run gpp:build`) so the
 * bundle carries 8 strings instead of @iabgpp/cmpapi. Here, with the library loaded, the table must be
 * exactly what the encoder makes of every input now, and what the answers carry; and the bundle must
 * not carry the library.
 */
import { describe, expect, it } from "vitest";
import { gppSignalFor, usnatSignal } from "../../workers/signals/gpp";
import { encodeUsnat, usnatInputs, usnatKey } from "../../workers/signals/usnat-encoding";
import { USNAT_SIGNALS } from "../../workers/signals/usnat-table";

describe("usnat-table.ts", () => {
	it("holds exactly the encoder's signal for each of the 8 inputs, and nothing else", () => {
		const inputs = usnatInputs();
		expect(inputs).toHaveLength(8);
		expect(Object.keys(USNAT_SIGNALS).sort()).toEqual(inputs.map(usnatKey).sort());
		for (const input of inputs) {
			expect(USNAT_SIGNALS[usnatKey(input)], usnatKey(input)).toEqual(encodeUsnat(input));
			expect(usnatSignal(input)).toEqual(encodeUsnat(input));
			// Answers serialise it: the fields in the encoder's order too, not only the same values.
			expect(JSON.stringify(usnatSignal(input)), usnatKey(input)).toBe(JSON.stringify(encodeUsnat(input)));
		}
	});

	it("is what a US decision carries", () => {
		expect(gppSignalFor("US-CA", { sale: false, ads: true }, true)).toEqual(
			encodeUsnat({ sale: false, ads: true, gpc: true }),
		);
		expect(gppSignalFor("DE", { sale: true, ads: true }, false)).toEqual({
			gpp: "",
			gppSid: [],
			gppSections: {},
		});
	});
});
