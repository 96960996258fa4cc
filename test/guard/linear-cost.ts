/**
 * Complexity guards that only a non-linear scanner fails, never a busy machine. Each hostile input is
 * grown by doubling from 64 KiB to 1 MiB and scanned once per size; every scan must end within 5 s.
 *
 * Measured in workerd (`npm run test:workers`, two shared cores under load): the linear scanners take
 * 0–91 ms at 1 MiB (most under 30 ms), 55 times or more below the bound. The backtracking patterns they
 * replaced, put back for a run, took 0.7–3.6 s at 64 KiB and 4–10 s at 128 KiB (`url\(\s*…\)` on a
 * `url(` and spaces: 3.6 s, then 9.8 s; the noscript tag pattern on `<img `s: 1.1 s, then 5.9 s), so
 * 3–15 minutes at 1 MiB, 35–180 times the bound. Doubling fails such a scanner at the first size past
 * 5 s, seconds into the test, instead of minutes.
 */
import { expect } from "vitest";

const LIMIT_MS = 5_000;
const FIRST_SIZE = 64 * 1024;
const LAST_SIZE = 1024 * 1024;

/** `unit` repeated to at least `size` characters, between `before` and `after`. */
export function grown(size: number, unit: string, before = "", after = ""): string {
	return before + unit.repeat(Math.ceil(size / unit.length)) + after;
}

/** Fails when `scan` takes more than the bound on any size of the text `input` makes. */
export async function expectLinearCost(
	label: string,
	input: (size: number) => string,
	scan: (text: string) => unknown,
): Promise<void> {
	for (let size = FIRST_SIZE; size <= LAST_SIZE; size *= 2) {
		const text = input(size);
		const start = performance.now();
		await scan(text);
		expect(performance.now() - start, `${label}: ${text.length} characters`).toBeLessThan(LIMIT_MS);
	}
}
