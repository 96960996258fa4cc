/**
 * A bounded memo for text-keyed results that admits a key only when it comes round again. A page's
 * links and tags mostly repeat from view to view, but some texts never do (a per-view token in a URL):
 * remembering those would cost more than it saves, since every entry inserted is then held, copied by
 * the collector and thrown away when the memo starts over. A first sight is only noted, as a 32-bit
 * fingerprint in a fixed table; the key string is built and stored from the second sight on.
 */
import { BoundedMemo } from "./bounded-memo";

const SEEN_SLOTS = 4096;

/** FNV-1a over `text`, continuing from `hash` (so prefix and text hash as their concatenation). */
function fnv1a(hash: number, text: string): number {
	let h = hash;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
	return h;
}

export class RepeatMemo<V> {
	private readonly memo: BoundedMemo<string, V>;
	private readonly seen = new Int32Array(SEEN_SLOTS);

	constructor(limit: number) {
		this.memo = new BoundedMemo(limit);
	}

	/** The value for `prefix + text`, computed by `compute` unless remembered. */
	get(prefix: string, text: string, compute: () => V): V {
		const hash = fnv1a(fnv1a(0x811c9dc5, prefix), text) | 1;
		const slot = hash & (SEEN_SLOTS - 1);
		if (this.seen[slot] !== hash) {
			this.seen[slot] = hash;
			return compute();
		}
		return this.memo.get(prefix + text, compute);
	}

	get size(): number {
		return this.memo.size;
	}
}
