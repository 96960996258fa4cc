import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isGpcSignal } from "../../workers/gpc/gpc-signal";

describe("isGpcSignal", () => {
	it.each([
		["1", true],
		[" 1 ", true],
		["0, 1", true],
		["1,1", true],
		["1, 0", true],
		["\t1", true],
	])("%j is a signal", (value, expected) => {
		expect(isGpcSignal(value)).toBe(expected);
	});

	it.each([
		"0",
		"true",
		"",
		"01",
		"yes",
		"1;x",
		"0, 0",
		"11",
		"1.0",
		"+1",
		" ",
		",",
		"１",
		// Not HTTP optional whitespace (SP, HTAB), though String#trim drops them.
		"\u00a01",
		"1\u00a0",
		"\v1",
		"\f1",
		"0, \u00a01",
		"\u20281",
		"\ufeff1",
	])("%j is no signal", (value) => {
		expect(isGpcSignal(value)).toBe(false);
	});

	it("an absent header is no signal", () => {
		expect(isGpcSignal(null)).toBe(false);
	});

	it("is a signal exactly when some comma-separated member trims to 1", () => {
		const member = fc.oneof(
			fc.constantFrom("1", "0", " 1", "1 ", "\t1", "01", "true", "", "\u00a01", "\v1"),
			fc.string({ maxLength: 4 }),
		);
		fc.assert(
			fc.property(fc.array(member, { minLength: 1, maxLength: 6 }), (members) => {
				const value = members.join(",");
				const expected = value.split(",").some((m) => m.replace(/^[ \t]+|[ \t]+$/g, "") === "1");
				expect(isGpcSignal(value)).toBe(expected);
			}),
			{ numRuns: 500 },
		);
	});

	it("handles thousands of members without trouble", () => {
		expect(isGpcSignal(Array(5000).fill("0").join(", "))).toBe(false);
		expect(isGpcSignal(`${Array(5000).fill("0").join(", ")}, 1`)).toBe(true);
	});
});
