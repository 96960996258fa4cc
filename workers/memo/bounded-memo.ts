/**
 * A per-isolate memo of a pure function's results, bounded by entry count and, when given a weight
 * per value, by the values' total weight (bytes): when full it starts over, which costs one
 * recomputation per key and needs no bookkeeping on the hot path (an LRU would).
 */
export interface MemoBudget<V> {
	/** The most the values may weigh together; a value heavier than this alone is never stored. */
	readonly max: number;
	readonly weigh: (value: V) => number;
}

export class BoundedMemo<K, V> {
	private readonly entries = new Map<K, V>();
	private weight = 0;

	constructor(
		private readonly limit: number,
		private readonly budget?: MemoBudget<V>,
	) {}

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
		const weigh = this.budget?.weigh;
		const max = this.budget?.max ?? Number.POSITIVE_INFINITY;
		const weight = weigh === undefined ? 0 : weigh(value);
		if (weight > max) return;
		const replaced = this.entries.get(key);
		if (replaced !== undefined || this.entries.has(key)) {
			this.entries.delete(key);
			if (weigh !== undefined) this.weight -= weigh(replaced as V);
		}
		if (this.entries.size >= this.limit || this.weight + weight > max) this.clear();
		this.entries.set(key, value);
		this.weight += weight;
	}

	clear(): void {
		this.entries.clear();
		this.weight = 0;
	}

	get size(): number {
		return this.entries.size;
	}
}
