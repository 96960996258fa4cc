/**
 * A streamed page's bytes kept for the rewrite's end (kept-bytes.ts): all of them up to the bound,
 * none past it, and let go as soon as the page outgrows it, not at its end.
 */
import { describe, expect, it } from "vitest";
import { KEPT_PAGE_MAX_BYTES, keptBytes } from "../../workers/guard/kept-bytes";
import { chunkedStream } from "./guard-fixtures";

const filled = (length: number, value = 97) => new Uint8Array(length).fill(value);

async function all(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Chunks of `size` bytes, `count` of them, then a source still sending (`open`) or ended. */
function sourceOf(size: number, count: number, { open = false } = {}) {
	const state = { pulls: 0, cancelled: false };
	const stream = new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				if (state.pulls === count) {
					if (open) return new Promise(() => {});
					controller.close();
					return;
				}
				controller.enqueue(filled(size, 97 + (state.pulls++ % 26)));
			},
			cancel() {
				state.cancelled = true;
			},
		},
		{ highWaterMark: 0 },
	);
	return { stream, state };
}

describe("keptBytes", () => {
	it("keeps every byte of a page within the bound, however it is cut, and streams them all", async () => {
		const page = new TextEncoder().encode(`<p>${"caf\u00e9 ".repeat(3000)}</p>`);
		for (const sizes of [[1, 2, 3], [4096], [page.length]]) {
			const kept = keptBytes(chunkedStream(page, sizes));
			expect(await all(kept.stream)).toEqual(page);
			const bytes = await kept.bytes;
			expect(bytes && new Uint8Array(bytes)).toEqual(page);
		}
	});

	it("keeps exactly the bound, and nothing once a page is one byte longer", async () => {
		const at = keptBytes(chunkedStream(filled(KEPT_PAGE_MAX_BYTES), [65536]));
		expect((await all(at.stream)).length).toBe(KEPT_PAGE_MAX_BYTES);
		expect((await at.bytes)?.byteLength).toBe(KEPT_PAGE_MAX_BYTES);

		const past = keptBytes(chunkedStream(filled(KEPT_PAGE_MAX_BYTES + 1), [65536]));
		expect((await all(past.stream)).length).toBe(KEPT_PAGE_MAX_BYTES + 1);
		expect(await past.bytes).toBeNull();
	});

	it("lets go of a page as soon as it outgrows the bound, while the origin is still sending", async () => {
		// Three chunks past the bound of 1,000 bytes, then a server still rendering: nothing has read the
		// rewrite's side. Before, an unread tee() branch held every byte to the page's end.
		const { stream } = sourceOf(400, 3, { open: true });
		const kept = keptBytes(stream, 1000);
		const late = new Promise<string>((resolve) => setTimeout(resolve, 2_000, "still held"));
		expect(await Promise.race([kept.bytes, late])).toBeNull();
		// The rewrite's side still gets every byte the origin sent.
		const reader = kept.stream.getReader();
		for (let i = 0; i < 3; i++) expect((await reader.read()).value).toEqual(filled(400, 97 + i));
		await reader.cancel();
	});

	it("released, it keeps nothing more and the page still streams whole", async () => {
		const { stream } = sourceOf(300, 5);
		const kept = keptBytes(stream, 10_000);
		kept.release();
		expect(await kept.bytes).toBeNull();
		expect((await all(kept.stream)).length).toBe(1500);
	});

	it("a page that breaks off has no bytes to keep; the rewrite's side fails", async () => {
		let sent = false;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent) return controller.error(new Error("connection reset"));
				sent = true;
				controller.enqueue(filled(10));
			},
		});
		const kept = keptBytes(stream);
		expect(await kept.bytes).toBeNull();
		await expect(all(kept.stream)).rejects.toThrow("connection reset");
	});

	it("cancelling the rewrite's side cancels the origin's body once nothing keeps it", async () => {
		const { stream, state } = sourceOf(100, 1000);
		const kept = keptBytes(stream, 250);
		expect(await kept.bytes).toBeNull();
		await kept.stream.cancel("visitor left");
		expect(state.cancelled).toBe(true);
	});
});
