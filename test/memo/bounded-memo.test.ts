/** The per-isolate memo: one computation per key, falsy results remembered, a fresh start when full. */
import { describe, expect, it } from "vitest";
import { BoundedMemo } from "../../workers/memo/bounded-memo";

describe("BoundedMemo", () => {
	it("computes a key once and answers repeats from memory, null and undefined included", () => {
		const memo = new BoundedMemo<string, string | null | undefined>(10);
		const calls: string[] = [];
		const compute = (key: string) => {
			calls.push(key);
			return key === "n" ? null : key === "u" ? undefined : key.toUpperCase();
		};
		for (let i = 0; i < 3; i++) {
			expect(memo.get("a", compute)).toBe("A");
			expect(memo.get("n", compute)).toBeNull();
			expect(memo.get("u", compute)).toBeUndefined();
		}
		expect(calls).toEqual(["a", "n", "u"]);
	});

	it("never holds more than its limit, and still answers correctly after starting over", () => {
		const memo = new BoundedMemo<number, number>(4);
		let calls = 0;
		const square = (n: number) => {
			calls++;
			return n * n;
		};
		for (let n = 0; n < 10; n++) {
			expect(memo.get(n, square)).toBe(n * n);
			expect(memo.size).toBeLessThanOrEqual(4);
		}
		expect(calls).toBe(10);
		expect(memo.get(9, square)).toBe(81);
		expect(calls).toBe(10);
	});

	it("peeks without computing, and set stores under the same bound", () => {
		const memo = new BoundedMemo<string, number>(2);
		expect(memo.peek("a")).toBeUndefined();
		memo.set("a", 1);
		memo.set("b", 2);
		expect(memo.peek("a")).toBe(1);
		expect(memo.get("b", () => 99)).toBe(2);
		memo.set("c", 3);
		expect(memo.size).toBeLessThanOrEqual(2);
		expect(memo.peek("c")).toBe(3);
	});

	it("with a budget, holds values weighing at most its maximum in all and never one heavier alone", () => {
		const memo = new BoundedMemo<string, string>(100, { max: 10, weigh: (value) => value.length });
		const held = (...keys: string[]) => keys.map((key) => memo.peek(key));
		memo.set("huge", "x".repeat(11));
		expect(memo.peek("huge")).toBeUndefined();
		expect(memo.size).toBe(0);
		memo.set("a", "aaaa");
		memo.set("b", "bbbb");
		// A replaced value's weight goes with it: 2 + 4 + 4 fit in 10, so nothing is evicted.
		memo.set("a", "aa");
		memo.set("c", "cccc");
		expect(held("a", "b", "c")).toEqual(["aa", "bbbb", "cccc"]);
		// One more than the maximum in all: the memo starts over with the new value alone.
		memo.set("d", "d");
		expect([memo.size, ...held("a", "b", "c", "d")]).toEqual([1, undefined, undefined, undefined, "d"]);
		const keys = ["d"];
		for (let i = 0; i < 50; i++) {
			memo.set(`k${i}`, "k".repeat(i % 11));
			keys.push(`k${i}`);
			const weight = held(...keys).reduce((sum, value) => sum + (value?.length ?? 0), 0);
			expect(weight).toBeLessThanOrEqual(10);
			expect(memo.peek(`k${i}`)).toBe("k".repeat(i % 11));
		}
	});
});
