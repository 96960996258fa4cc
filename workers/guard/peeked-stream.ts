/**
 * A stream's first bytes read ahead, and a stream that replays them followed by the rest: a streamed
 * page whose Content-Type names no charset is parsed with the one its head declares (page-charset.ts).
 * A server may flush a page's head early and take its time over the rest, so the look ahead stops at
 * a deadline; the read then still pending is the replay's next chunk, not lost.
 */

export interface PeekedStream {
	/** Up to the bytes asked for: fewer when the stream ended or the deadline passed first. */
	readonly head: Uint8Array;
	/** Every byte of the source, the head included; cancelling it cancels the source. */
	readonly stream: ReadableStream<Uint8Array>;
}

type Read = ReadableStreamReadResult<Uint8Array>;

const LATE = Symbol("late");

/** The first `length` bytes of the chunks (at most all of them). */
function joined(chunks: readonly Uint8Array[], length: number): Uint8Array {
	const head = new Uint8Array(length);
	let at = 0;
	for (const chunk of chunks) {
		if (at === head.length) break;
		const part = chunk.subarray(0, head.length - at);
		head.set(part, at);
		at += part.length;
	}
	return head;
}

/**
 * Reads `source` until `bytes` are in, it ends, `waitMs` have passed since the first read, or the
 * bytes read so far are `enough` (asked after each chunk).
 */
export async function peekStream(
	source: ReadableStream<Uint8Array>,
	bytes: number,
	waitMs: number,
	enough: (head: Uint8Array) => boolean = () => false,
): Promise<PeekedStream> {
	const reader = source.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	let ended = false;
	// A read the look ahead started but did not wait for: the replay's next.
	let pending: Promise<Read> | null = null;
	let expire = () => {};
	const deadline = new Promise<typeof LATE>((resolve) => {
		expire = () => resolve(LATE);
	});
	const timer = setTimeout(expire, waitMs);
	try {
		while (size < bytes) {
			const read = reader.read();
			// A failure while looking ahead rejects: nothing has been answered yet, so the caller can say so.
			const result = await Promise.race([read, deadline]);
			if (result === LATE) {
				pending = read;
				// Its failure, if it fails, is the replay's to report; until pulled it is not unhandled.
				read.catch(() => {});
				break;
			}
			if (result.done) {
				ended = true;
				break;
			}
			chunks.push(result.value);
			size += result.value.byteLength;
			if (size < bytes && enough(joined(chunks, size))) break;
		}
	} finally {
		clearTimeout(timer);
	}
	const head = joined(chunks, Math.min(size, bytes));
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			for (const chunk of chunks) controller.enqueue(chunk);
			if (ended) controller.close();
		},
		async pull(controller) {
			const next = pending ?? reader.read();
			pending = null;
			const { done, value } = await next;
			if (done) controller.close();
			else controller.enqueue(value);
		},
		cancel: (reason) => reader.cancel(reason),
	});
	return { head, stream };
}
