/**
 * A streamed page's bytes kept as they pass, for the rewrite's end (page-end.ts), up to a bound. An
 * unread branch of a `tee()` kept every byte of the page until its end: a 300 MB page took workerd's
 * memory from 150 MB to 675 MB (bench/HISTORY.md, session 48), and a Worker's isolate has 128 MB.
 * The branch is read as it arrives instead, and let go once the page outgrows the bound; a page that
 * long is answered as one without its bytes, which writes nothing at its end.
 */
import { joinedBytes } from "../http/request-body";

/** As much as a page read whole may be (guard-response.ts WHOLE_PAGE_MAX_BYTES). */
export const KEPT_PAGE_MAX_BYTES = 1 << 20;

export interface KeptBytes {
	/** Every byte of the source, for the rewrite; cancelling it cancels the source. */
	readonly stream: ReadableStream<Uint8Array>;
	/**
	 * The source's bytes once it has ended (joined when first asked for); null if they outgrew the bound
	 * or the source broke off.
	 */
	readonly bytes: Promise<ArrayBuffer | null>;
	/** They are not needed: the kept branch is let go. */
	release(): void;
}

export function keptBytes(source: ReadableStream<Uint8Array>, max = KEPT_PAGE_MAX_BYTES): KeptBytes {
	const [stream, branch] = source.tee();
	const reader = branch.getReader();
	let released = false;
	const release = () => {
		released = true;
		reader.cancel().catch(() => {});
	};
	// The pieces, not yet joined: most pages never need their bytes (the end handler reads them only
	// when something is held at the end), so they are joined on first asking.
	const keep = async (): Promise<{ pieces: Uint8Array[]; size: number } | null> => {
		const pieces: Uint8Array[] = [];
		let size = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (released) return null;
			if (done) return { pieces, size };
			size += value.byteLength;
			if (size > max) {
				release();
				return null;
			}
			pieces.push(value);
		}
	};
	// A source that breaks off fails the rewrite's stream, which says so; here it only means no bytes.
	const kept = keep().catch(() => null);
	let joined: Promise<ArrayBuffer | null> | undefined;
	return {
		stream,
		get bytes() {
			joined ??= kept.then((all) =>
				all === null ? null : (joinedBytes(all.pieces, all.size).buffer as ArrayBuffer),
			);
			return joined;
		},
		release,
	};
}
