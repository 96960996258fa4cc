/**
 * A per-isolate memo of a pure function's results, bounded by entry count: when full it starts over,
 * which costs one recomputation per key and needs no bookkeeping on the hot path (an LRU would).
 */
export class BoundedMemo<K, V> {
	private readonly entries = new Map<K, V>();

	constructor(private readonly limit: number) {}

	get(key: K, compute: (key: K) => V): V {
		const known = this.entries.get(key);
		if (known !== undefined || this.entries.has(key)) return known as V;
		const value = compute(key);
		this.set(key, value);
		return value;
	}

	/** The remembered value, or undefined (none, or undefined remembered): no computing. */
	peek(key: K): V | undefined {
		return this.entries.get(key);
	}

	set(key: K, value: V): void {
		if (this.entries.size >= this.limit) this.entries.clear();
		this.entries.set(key, value);
	}

	get size(): number {
		return this.entries.size;
	}
}
