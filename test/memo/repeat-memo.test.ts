/** The memo that remembers a text from its second sight on. */
import { describe, expect, it } from "vitest";
import { RepeatMemo } from "../../workers/memo/repeat-memo";

describe("RepeatMemo", () => {
	it("computes a text on its first two sights and remembers it from the second on", () => {
		const memo = new RepeatMemo<string>(100, 64);
		let calls = 0;
		const upper = (text: string) => () => {
			calls++;
			return text.toUpperCase();
		};
		for (let sight = 1; sight <= 5; sight++) expect(memo.get("p:", "abc", upper("abc"))).toBe("ABC");
		expect(calls).toBe(2);
		expect(memo.size).toBe(1);
	});

	it("never stores a text seen once, and keeps prefixes apart", () => {
		const memo = new RepeatMemo<number>(100, 64);
		for (let i = 0; i < 1000; i++) expect(memo.get("p:", `once-${i}`, () => i)).toBe(i);
		expect(memo.size).toBe(0);
		expect(memo.get("a:", "x", () => 1)).toBe(1);
		expect(memo.get("a:", "x", () => 1)).toBe(1);
		expect(memo.get("b:", "x", () => 2)).toBe(2);
		expect(memo.get("b:", "x", () => 2)).toBe(2);
		expect(memo.get("a:", "x", () => -1)).toBe(1);
		expect(memo.get("b:", "x", () => -1)).toBe(2);
	});

	it("stays within its bound", () => {
		const memo = new RepeatMemo<number>(10, 64);
		for (let round = 0; round < 3; round++) {
			for (let i = 0; i < 50; i++) expect(memo.get("", `t${i}`, () => i)).toBe(i);
		}
		expect(memo.size).toBeLessThanOrEqual(10);
	});
});
