/** The property both joined-pattern prefilters must keep (workers/guard/joined-patterns.ts). */
import fc from "fast-check";
import { expect } from "vitest";

/**
 * For every generated text, each item of `all` that `matches` is among `candidatesFor(text)`, in the
 * order of `all`: trying only the candidates finds the same first match as trying every item.
 */
export function assertCandidatesCover<T>(
	texts: fc.Arbitrary<string>,
	all: readonly T[],
	candidatesFor: (text: string) => readonly T[],
	matches: (item: T, text: string) => boolean,
): void {
	fc.assert(
		fc.property(texts, (text) => {
			const candidates = candidatesFor(text);
			const matching = all.filter((item) => matches(item, text));
			expect(matching.every((item) => candidates.includes(item))).toBe(true);
			const order = matching.map((item) => candidates.indexOf(item));
			expect(order).toEqual([...order].sort((a, b) => a - b));
		}),
		{ numRuns: 5_000 },
	);
}
