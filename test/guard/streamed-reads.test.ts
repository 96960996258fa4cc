/**
 * A streamed page (no Content-Length) is rewritten as it arrives: the rewrite is read no further
 * ahead than the visitor reads the answer, and a visitor who leaves stops the reading.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { KEPT_PAGE_MAX_BYTES } from "../../workers/guard/kept-bytes";
import { fakeOrigin, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const HEAD =
	'<!doctype html><html><head><script src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script></head><body>';
const PIECE = new TextEncoder().encode(`<p><a href="/next?utm_source=mail">next</a>${"x".repeat(8_150)}</p>`);

/** An origin sending a page of `pieces` pieces of PIECE after its head, counting what it was asked for. */
function endlessOrigin(pieces: number) {
	const sent = { pieces: 0, cancelled: false };
	fakeOrigin(
		() =>
			new Response(
				new ReadableStream<Uint8Array>({
					pull(controller) {
						if (sent.pieces === 0) controller.enqueue(new TextEncoder().encode(HEAD));
						if (sent.pieces++ === pieces) return controller.close();
						controller.enqueue(PIECE);
					},
					cancel() {
						sent.cancelled = true;
					},
				}),
				{ headers: { "Content-Type": "text/html; charset=utf-8" } },
			),
	);
	return sent;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a streamed page's rewrite", () => {
	it("is read no further ahead than the visitor reads, and then reaches them whole", async () => {
		const pieces = 1_000; // about 8 MB
		const sent = endlessOrigin(pieces);
		const reader = ((await visit("/", VISITORS.optedOut)).body as ReadableStream<Uint8Array>).getReader();
		const first = (await reader.read()).value as Uint8Array;
		await settle(300);
		// The kept branch reads up to its bound (kept-bytes.ts); beyond it, only what is in flight.
		const ahead = sent.pieces * PIECE.byteLength;
		expect(ahead).toBeLessThan(KEPT_PAGE_MAX_BYTES + 512 * 1024);
		await settle(100);
		expect(sent.pieces * PIECE.byteLength).toBe(ahead);
		const decoder = new TextDecoder();
		let text = decoder.decode(first, { stream: true });
		for (let read = await reader.read(); !read.done; read = await reader.read()) {
			text += decoder.decode(read.value, { stream: true });
		}
		expect(sent.pieces).toBe(pieces + 1);
		expect(text.split('<a href="/next">next</a>').length - 1).toBe(pieces);
		expect(text).not.toContain("utm_source");
		expect(text.endsWith(`${"x".repeat(8_150)}</p>`)).toBe(true);
	});

	it("stops being read when the visitor leaves", async () => {
		const sent = endlessOrigin(100_000);
		const body = (await visit("/", VISITORS.optedOut)).body as ReadableStream<Uint8Array>;
		const reader = body.getReader();
		await reader.read();
		await reader.cancel();
		await settle(300);
		const after = sent.pieces;
		await settle(200);
		expect(sent.pieces).toBe(after);
		expect(sent.pieces * PIECE.byteLength).toBeLessThan(KEPT_PAGE_MAX_BYTES + 512 * 1024);
		expect(sent.cancelled).toBe(true);
	});
});
