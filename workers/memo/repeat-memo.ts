/**
 * A bounded memo for text-keyed results that stores a key only when it comes round again. A page's
 * links and tags mostly repeat from view to view, but some texts never do (a per-view token in a URL):
 * remembering those would cost more than it saves, since every entry inserted is then held, copied by
 * the collector and thrown away when the memo starts over. A miss's first sight is only noted, as a
 * 32-bit fingerprint in a fixed table; its second stores the result. A text longer than `maxText` is
 * never remembered (it would be the key). Results must not be undefined.
 */
import { BoundedMemo, type MemoBudget } from "./bounded-memo";

const SEEN_SLOTS = 4096;

/** FNV-1a of `text`, with the low bit set so no fingerprint is 0 (an empty slot). */
function fingerprint(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
	return h | 1;
}

export class RepeatMemo<V> {
	private readonly memo: BoundedMemo<string, V>;
	private readonly seen = new Int32Array(SEEN_SLOTS);

	constructor(
		limit: number,
		private readonly maxText: number,
		budget?: MemoBudget<V>,
	) {
		this.memo = new BoundedMemo(limit, budget);
	}

	/** The value for `prefix + text`, computed by `compute` unless remembered. */
	get(prefix: string, text: string, compute: () => V): V {
		if (text.length > this.maxText) return compute();
		const key = prefix + text;
		const known = this.memo.peek(key);
		if (known !== undefined) return known;
		const value = compute();
		if (this.#seenBefore(key)) this.memo.set(key, value);
		return value;
	}

	/** `get` in two steps, for a value computed asynchronously: the remembered value, or undefined. */
	recall(prefix: string, text: string): V | undefined {
		return text.length > this.maxText ? undefined : this.memo.peek(prefix + text);
	}

	/**
	 * Offers a value after `recall` missed: a first sight is only noted, the second stores the value,
	 * which `make` builds only then (a text seen once costs nothing to hold).
	 */
	remember(prefix: string, text: string, make: () => V): void {
		if (text.length > this.maxText) return;
		const key = prefix + text;
		if (this.#seenBefore(key)) this.memo.set(key, make());
	}

	/** Forgets everything, the sights noted included. */
	clear(): void {
		this.memo.clear();
		this.seen.fill(0);
	}

	/** Whether `key`'s first sight was noted (this is its second or later); notes it if not. */
	#seenBefore(key: string): boolean {
		const hash = fingerprint(key);
		const slot = hash & (SEEN_SLOTS - 1);
		if (this.seen[slot] === hash) return true;
		this.seen[slot] = hash;
		return false;
	}

	get size(): number {
		return this.memo.size;
	}
}
