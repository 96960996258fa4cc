/** A stream's head read ahead: replayed with the rest byte for byte, bounded in time, cancel passed on. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { peekStream } from "../../workers/guard/peeked-stream";

const bytes = (...values: number[]) => Uint8Array.from(values);

function sourceOf(chunks: readonly Uint8Array[]) {
	const state = { cancelled: undefined as unknown, reads: 0 };
	// Pulled only when read, so `reads` counts the reads asked of it.
	const stream = new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				const chunk = chunks[state.reads++];
				if (chunk === undefined) controller.close();
				else controller.enqueue(chunk);
			},
			cancel(reason) {
				state.cancelled = reason;
			},
		},
		{ highWaterMark: 0 },
	);
	return { stream, state };
}

async function all(stream: ReadableStream<Uint8Array>): Promise<number[]> {
	return [...new Uint8Array(await new Response(stream).arrayBuffer())];
}

describe("peekStream", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("reads until the bytes asked for are in, and replays them with the rest", async () => {
		const { stream, state } = sourceOf([bytes(1, 2), bytes(3, 4, 5), bytes(6), bytes(7, 8)]);
		const peeked = await peekStream(stream, 4, 500);
		expect([...peeked.head]).toEqual([1, 2, 3, 4]);
		expect(state.reads).toBe(2);
		expect(await all(peeked.stream)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
	});

	it("stops as soon as the bytes read are enough, without waiting for more", async () => {
		let reads = 0;
		const stream = new ReadableStream<Uint8Array>(
			{
				pull(controller) {
					// The first chunk, then nothing more: a server still rendering the rest.
					if (reads++ === 0) controller.enqueue(bytes(1, 2, 3));
					return new Promise(() => {});
				},
			},
			{ highWaterMark: 0 },
		);
		const late = new Promise<null>((resolve) => setTimeout(resolve, 2_000, null));
		const peeked = await Promise.race([peekStream(stream, 1024, 60_000, (head) => head.includes(3)), late]);
		expect(peeked?.head).toEqual(bytes(1, 2, 3));
	});

	it("stops at the end of a short stream", async () => {
		const { stream } = sourceOf([bytes(1), bytes(2)]);
		const peeked = await peekStream(stream, 1024, 500);
		expect([...peeked.head]).toEqual([1, 2]);
		expect(await all(peeked.stream)).toEqual([1, 2]);
	});

	it("stops at the deadline; the read left waiting is the replay's next chunk", async () => {
		let release = () => {};
		const later = new Promise<void>((resolve) => {
			release = resolve;
		});
		let reads = 0;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				if (reads++ === 0) return controller.enqueue(bytes(1, 2));
				await later;
				controller.enqueue(bytes(3));
				controller.close();
			},
		});
		// On a fake clock: the deadline is the one asked for, whatever else the machine is doing.
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		let settled = false;
		const peeking = peekStream(stream, 1024, 50).finally(() => {
			settled = true;
		});
		await vi.advanceTimersByTimeAsync(49);
		expect(settled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const peeked = await peeking;
		expect([...peeked.head]).toEqual([1, 2]);
		release();
		expect(await all(peeked.stream)).toEqual([1, 2, 3]);
	});

	it("passes a cancel on to the source", async () => {
		const { stream, state } = sourceOf([bytes(1), bytes(2), bytes(3)]);
		const peeked = await peekStream(stream, 1, 500);
		await peeked.stream.cancel("gone");
		expect(state.cancelled).toBe("gone");
	});

	it("rejects when the source fails while it looks ahead (nothing answered yet)", async () => {
		let reads = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (reads++ === 0) controller.enqueue(bytes(1));
				else controller.error(new Error("reset"));
			},
		});
		await expect(peekStream(stream, 1024, 500)).rejects.toThrow("reset");
	});

	it("fails the replay when the read left waiting at the deadline fails, after what came before", async () => {
		let fail = () => {};
		const later = new Promise<void>((resolve) => {
			fail = resolve;
		});
		let reads = 0;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				if (reads++ === 0) return controller.enqueue(bytes(1));
				await later;
				controller.error(new Error("reset"));
			},
		});
		const peeked = await peekStream(stream, 1024, 50);
		expect([...peeked.head]).toEqual([1]);
		fail();
		const reader = peeked.stream.getReader();
		expect([...((await reader.read()).value ?? [])]).toEqual([1]);
		await expect(reader.read()).rejects.toThrow("reset");
	});
});
