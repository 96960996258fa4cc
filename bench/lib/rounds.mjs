/**
 * Interleaved measurement: each group (a baseline and the scenarios judged against it) gets a warm-up
 * per member, then rounds in A B B A order, so that drift of a shared machine hits every member alike.
 */
import { LOAD } from "./config.mjs";
import { Measurement, runRound, writeScript } from "./load.mjs";
import { dropKvEntries } from "./seed.mjs";

/** Keeps d1-decision cold: a pool slot read since its KV entry was last dropped is dropped again before reuse. */
export class ColdPool {
	cursor = 0;
	lastSent = 0;
	#dirty;

	constructor(indices, subjectIds, kvAdminUrl, log) {
		this.indices = indices;
		this.subjectIds = subjectIds;
		this.kvAdminUrl = kvAdminUrl;
		this.log = log;
		this.#dirty = new Uint8Array(indices.length);
	}

	async prepare() {
		const need = Math.max(1_000, this.lastSent * 2);
		const slots = new Set();
		for (let a = this.cursor; a < this.cursor + need; a++) {
			const slot = a % this.indices.length;
			if (this.#dirty[slot]) slots.add(slot);
		}
		if (slots.size === 0) return;
		const ids = [...slots].map((s) => this.subjectIds[this.indices[s]]);
		const filled = await dropKvEntries(this.kvAdminUrl, ids, 0, ids.length);
		for (const s of slots) this.#dirty[s] = 0;
		this.log(`  d1-decision: dropped ${slots.size} KV entries before reuse (${filled} had been filled)`);
	}

	used(sent) {
		for (let a = this.cursor; a < this.cursor + sent; a++) this.#dirty[a % this.indices.length] = 1;
		this.cursor += sent;
		this.lastSent = sent;
	}
}

export async function measureGroup(group, scenarios, urls, coldPool) {
	const members = [group.baseline, ...group.scenarios].filter((name) => !scenarios[name].skipped);
	const results = Object.fromEntries(members.map((name) => [name, new Measurement()]));
	const scripts = Object.fromEntries(members.map((name) => [name, writeScript(name, scenarios[name].spec)]));
	const cursors = Object.fromEntries(members.map((name) => [name, 0]));
	const once = async (name, seconds) => {
		const s = scenarios[name];
		if (s.coldPool) await coldPool.prepare();
		const offset = s.coldPool ? coldPool.cursor : cursors[name];
		const round = await runRound({ url: urls[s.worker], script: scripts[name], seconds, offset });
		if (s.coldPool) coldPool.used(round.sent);
		else cursors[name] += round.sent;
		return round;
	};
	for (const name of members) await once(name, LOAD.warmupSeconds);
	for (let r = 0; r < LOAD.rounds; r++) {
		// A B B A ...: alternating the order each round cancels a linear drift of the machine.
		const order = r % 2 === 0 ? members : [...members].reverse();
		for (const name of order) results[name].add(await once(name, LOAD.roundSeconds));
	}
	return results;
}

export function summarise(name, m, baselineName, baselineM) {
	const row = {
		name,
		rps: m.rps,
		p50: m.percentile(50),
		p99: m.percentile(99),
		errors: m.errors,
		requests: m.requests,
	};
	if (baselineName && baselineM) {
		row.baseline = baselineName;
		row.ratio = m.rps / baselineM.rps;
		row.ratioRounds = m.rounds.map((rps, i) => rps / baselineM.rounds[i]);
	}
	return row;
}
