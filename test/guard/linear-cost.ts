/**
 * Complexity guards that only a non-linear scanner fails, never a busy machine. Each hostile input is
 * grown from 64 KiB to 1 MiB (×4 a step); at each size the scan is timed interleaved with a linear
 * reference over the same text, so load slows both alike and only their ratio is judged.
 *
 * The backtracking patterns the scanners replaced, put back for a run, took 0.7–3.6 s at 64 KiB
 * (`url\(\s*…\)` on a `url(` and spaces; the noscript tag pattern on `<img `s): thousands of times a
 * pass over the text (the noscript one, under load 11: 5.0 s, 11,077 times), so they fail at the first
 * size or the next, instead of minutes at 1 MiB.
 */
import { expect } from "vitest";

/** A linear workload like the scan's, and how far the scan's cost may stray from it. */
export interface Reference {
	readonly run: (text: string) => unknown;
	/** The most the scan may cost, in times the reference, at any size. */
	readonly maxRatio: number;
	/** The most that ratio may grow from the first size to a larger one, if it is steady enough to judge. */
	readonly maxGrowth?: number;
}

/**
 * For a scanner of text: one pass over its characters, all CPU, which a busy machine slows by its
 * share of the cores. The scanners also allocate, and a loaded machine's garbage collection slowed
 * some of them far more than that (4 CPU burners and other test runs: a linear scan at up to 1,150
 * times this pass, the same pass a backtracking pattern exceeds 7,000 times at 64 KiB, and four times
 * that at each larger size): the bound sits between.
 */
export const TEXT_PASS: Reference = {
	run(text) {
		let hash = 0;
		for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
		return hash;
	},
	maxRatio: 5_000,
};

/**
 * For a page through the guard: HTMLRewriter calling a no-op for every piece of it. Its callbacks into
 * the isolate are most of the guard's cost too, so the ratio held (1–8 at 1 MiB, growing at most ×3.6
 * from 64 KiB) under the same load: a quadratic pass over a held sheet grows it ×16.
 */
export const REWRITE_PASS: Reference = {
	run(text) {
		const noop = () => {};
		return new HTMLRewriter()
			.on("*", { element: noop, text: noop, comments: noop })
			.onDocument({ text: noop, comments: noop })
			.transform(new Response(text))
			.text();
	},
	maxRatio: 200,
	maxGrowth: 8,
};

const SIZES = [64 * 1024, 256 * 1024, 1024 * 1024];
// Best of a few interleaved rounds: load only ever adds time, so the least disturbed pair is kept.
const ROUNDS = 3;
// Timed calls repeat up to this long, as the clock ticks in whole milliseconds.
const SAMPLE_MS = 10;
// A sample this long already spans many scheduler slices: more rounds would only add minutes.
const LONG_MS = 500;

/** `unit` repeated to at least `size` characters, between `before` and `after`. */
export function grown(size: number, unit: string, before = "", after = ""): string {
	return before + unit.repeat(Math.ceil(size / unit.length)) + after;
}

async function msPerCall(run: (text: string) => unknown, text: string): Promise<number> {
	let calls = 0;
	let elapsed = 0;
	const start = performance.now();
	do {
		await run(text);
		calls++;
		elapsed = performance.now() - start;
	} while (elapsed < SAMPLE_MS);
	return elapsed / calls;
}

/** Fails when `scan` costs more than linear time, judged against `reference` on the same texts. */
export async function expectLinearCost(
	label: string,
	input: (size: number) => string,
	scan: (text: string) => unknown,
	reference: Reference = TEXT_PASS,
): Promise<void> {
	let firstRatio = 0;
	for (const size of SIZES) {
		const text = input(size);
		let scanMs = Number.POSITIVE_INFINITY;
		let referenceMs = Number.POSITIVE_INFINITY;
		for (let round = 0; round < ROUNDS && (round === 0 || scanMs < LONG_MS); round++) {
			referenceMs = Math.min(referenceMs, await msPerCall(reference.run, text));
			scanMs = Math.min(scanMs, await msPerCall(scan, text));
		}
		const ratio = scanMs / referenceMs;
		const at = `${label}: ${text.length} characters, ${scanMs.toFixed(1)} ms against ${referenceMs.toFixed(2)} ms`;
		expect(ratio, `${at}: times the reference`).toBeLessThan(reference.maxRatio);
		if (reference.maxGrowth === undefined) continue;
		// A page through the guard costs at least a no-op rewrite: a first ratio under 1 is noise, no baseline.
		firstRatio ||= Math.max(ratio, 1);
		expect(ratio / firstRatio, `${at}: growth of that ratio since ${SIZES[0]} characters`).toBeLessThan(
			reference.maxGrowth,
		);
	}
}
