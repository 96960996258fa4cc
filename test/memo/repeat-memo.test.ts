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

	it("recall and remember: the same rule in two steps, for values computed asynchronously", async () => {
		const memo = new RepeatMemo<string>(100, 8);
		const sights: (string | undefined)[] = [];
		for (let sight = 1; sight <= 3; sight++) {
			const known = memo.recall("p:", "key");
			sights.push(known);
			if (known === undefined) {
				const value = await Promise.resolve(`value ${sight}`);
				memo.remember("p:", "key", () => value);
			}
		}
		expect(sights).toEqual([undefined, undefined, "value 2"]);
		memo.remember("p:", "longer than 8", () => "x");
		memo.remember("p:", "longer than 8", () => "x");
		expect(memo.recall("p:", "longer than 8")).toBeUndefined();
		expect(memo.size).toBe(1);
	});

	it("remember builds the value only when it is stored: not on a text's first sight", () => {
		const memo = new RepeatMemo<number>(100, 64);
		const built: string[] = [];
		const make = (text: string) => () => {
			built.push(text);
			return text.length;
		};
		for (let i = 0; i < 100; i++) memo.remember("", `once-${i}`, make(`once-${i}`));
		expect(built).toEqual([]);
		memo.remember("", "twice", make("twice"));
		memo.remember("", "twice", make("twice"));
		expect(built).toEqual(["twice"]);
		expect(memo.recall("", "twice")).toBe(5);
	});

	it("clear forgets what it stored and the sights it noted", () => {
		const memo = new RepeatMemo<string>(100, 64);
		let calls = 0;
		const compute = () => `v${++calls}`;
		memo.get("", "a", compute);
		memo.get("", "a", compute);
		expect(memo.get("", "a", compute)).toBe("v2");
		memo.get("", "b", compute);
		memo.clear();
		expect(memo.size).toBe(0);
		expect(memo.recall("", "a")).toBeUndefined();
		// "b" was seen once before the clear: after it, its next sight is a first sight again.
		memo.get("", "b", compute);
		expect(memo.size).toBe(0);
		expect(memo.get("", "a", compute)).toBe("v5");
		expect(memo.get("", "a", compute)).toBe("v6");
		expect(memo.get("", "a", compute)).toBe("v6");
	});

	it("keeps a budget on what it stores", () => {
		const memo = new RepeatMemo<string>(100, 64, { max: 6, weigh: (value) => value.length });
		for (let round = 0; round < 2; round++) {
			for (const key of ["a", "b", "c"]) memo.get("", key, () => key.repeat(3));
		}
		expect(memo.size).toBe(1);
		expect(memo.get("", "c", () => "recomputed")).toBe("ccc");
	});
});
