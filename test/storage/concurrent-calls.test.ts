/**
 * storage/concurrent-calls.ts: at most CALLS_AT_ONCE calls waiting at a time, the answers in the
 * items' order whichever came first, and after a call fails no more started and the failure thrown.
 */
import { describe, expect, it } from "vitest";
import { CALLS_AT_ONCE, callConcurrently } from "../../workers/storage/concurrent-calls";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("callConcurrently", () => {
	it("answers in the items' order, with at most CALLS_AT_ONCE waiting at a time", async () => {
		let waiting = 0;
		let most = 0;
		const items = Array.from({ length: 20 }, (_, i) => i);
		const answers = await callConcurrently(items, async (i) => {
			waiting += 1;
			most = Math.max(most, waiting);
			// Later items answer first.
			await tick(20 - i);
			waiting -= 1;
			return i * 10;
		});
		expect(answers).toEqual(items.map((i) => i * 10));
		expect(most).toBe(CALLS_AT_ONCE);
	});

	it("starts no call after one fails, and throws that failure", async () => {
		const started: number[] = [];
		const items = Array.from({ length: 30 }, (_, i) => i);
		const failure = new Error("call 2 failed");
		await expect(
			callConcurrently(items, async (i) => {
				started.push(i);
				await tick(i === 2 ? 1 : 10);
				if (i === 2) throw failure;
				return i;
			}),
		).rejects.toBe(failure);
		// Let the calls already waiting finish: none of them starts another.
		await tick(50);
		expect(started).toEqual(items.slice(0, CALLS_AT_ONCE));
	});

	it("makes no call for no items", async () => {
		expect(await callConcurrently([], async () => 1)).toEqual([]);
	});
});
