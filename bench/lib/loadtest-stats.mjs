/**
 * What the load test saw, per operation: requests, status histogram, latencies (every one kept, so
 * p50/p99 are exact), and every answer that was not the one expected (first few kept as samples).
 */

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const SAMPLES_PER_OP = 5;

export class Recorder {
	constructor() {
		/** @type {Map<string, {count: number, statuses: Map<string, number>, ms: number[], unexpected: number, samples: string[], phase: string}>} */
		this.ops = new Map();
		this.expected429 = 0;
	}

	op(name, phase = "load") {
		let o = this.ops.get(name);
		if (!o) {
			o = { count: 0, statuses: new Map(), ms: [], unexpected: 0, samples: [], phase };
			this.ops.set(name, o);
		}
		return o;
	}

	/**
	 * Records one answer. `problem` is null when the answer is the one expected, else why not.
	 * @param {{status: number, ms: number, error?: string}} answer
	 */
	record(name, answer, problem, phase) {
		const o = this.op(name, phase);
		o.count++;
		const status = answer.status === 0 ? "ERR" : String(answer.status);
		o.statuses.set(status, (o.statuses.get(status) ?? 0) + 1);
		o.ms.push(answer.ms);
		if (problem) {
			o.unexpected++;
			if (o.samples.length < SAMPLES_PER_OP) o.samples.push(`${status}: ${answer.error ?? problem}`);
		}
		return problem === null;
	}

	/** A problem found after the answers (e.g. two retries that disagree), not tied to one answer. */
	problem(name, message) {
		const o = this.op(name);
		o.unexpected++;
		if (o.samples.length < SAMPLES_PER_OP) o.samples.push(message);
	}

	get unexpected() {
		let n = 0;
		for (const o of this.ops.values()) n += o.unexpected;
		return n;
	}

	rows() {
		return [...this.ops].map(([name, o]) => {
			const sorted = [...o.ms].sort((a, b) => a - b);
			const statuses = [...o.statuses]
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([s, n]) => `${s} x${n}`)
				.join(", ");
			return {
				name,
				phase: o.phase,
				count: o.count,
				statuses,
				p50: percentile(sorted, 50),
				p99: percentile(sorted, 99),
				unexpected: o.unexpected,
				samples: o.samples,
				status: (s) => o.statuses.get(String(s)) ?? 0,
			};
		});
	}
}
