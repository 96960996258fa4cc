/**
 * `npm run bench`: builds the Worker as deployed, serves it, the baseline Workers and c15t's worker
 * from one Miniflare on loopback ports, seeds D1/KV (and c15t's own D1), starts the local origin and
 * c15t on Node, probes every scenario once, measures each group (a baseline and its scenarios) in
 * interleaved rounds with wrk, runs the pure-function suite, then writes bench/results.json and the
 * tables in bench/README.md.
 */
import os from "node:os";
import { DATA, LOAD } from "./lib/config.mjs";
import { ensureWrk } from "./lib/load.mjs";
import { buildPeerD1, ensurePeer, peerD1Queries, startPeer } from "./lib/peer.mjs";
import { stopProcesses } from "./lib/processes.mjs";
import { runPureSuite } from "./lib/pure.mjs";
import { describeMachine, LOAD_SUMMARY, scenarioRows, writeResults } from "./lib/report.mjs";
import { ColdPool, measureGroup, summarise } from "./lib/rounds.mjs";
import { GROUPS, ON_DEMAND, PEER_SETUPS, visitorPools } from "./lib/scenarios.mjs";
import { probe, stage } from "./lib/stage.mjs";

const started = Date.now();
/**
 * `BENCH_ONLY=noop,bare-d1 npm run bench`: only the groups with these baselines (and only the peer
 * setups they measure: bare-d1's c15t in workerd), no pure suite, and nothing written (a quick look
 * while working on one path). A reference kept out of the full run (`ON_DEMAND`) is named the same
 * way: its group is measured with it added.
 */
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const added = [...(only ?? [])].filter((name) => ON_DEMAND[name]);
const selectedGroups = GROUPS.filter(
	(g) => !only || only.has(g.baseline) || added.some((name) => ON_DEMAND[name] === g.baseline),
).map((g) => ({
	...g,
	scenarios: [...g.scenarios, ...added.filter((name) => ON_DEMAND[name] === g.baseline)],
}));
/** The peer setups the selected groups measure ("node", "workerd"). */
const peerSetups = new Set(
	selectedGroups.flatMap((g) => g.scenarios.map((n) => PEER_SETUPS[n]).filter(Boolean)),
);
let workers = null;
const log = (line) => console.log(line);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

async function main() {
	log(
		`consent-edge bench: ${LOAD.connections} connections, ${LOAD.rounds} x ${LOAD.roundSeconds} s rounds, ${DATA.subjects} subjects`,
	);
	ensureWrk(log);
	const machine = describeMachine();

	// The peer is installed before staging: its workerd setup is a worker in the same Miniflare.
	const installed = peerSetups.size ? ensurePeer(log) : { ok: false, error: "BENCH_ONLY set" };
	const notSelected = { ok: false, error: "BENCH_ONLY set" };
	const peers = {
		node: peerSetups.has("node") ? { ...installed } : notSelected,
		workerd: peerSetups.has("workerd") ? { ...installed } : notSelected,
	};
	let peerD1Build = null;
	if (peers.workerd.ok) {
		try {
			peerD1Build = buildPeerD1();
			log(`[${elapsed()}] built c15t's worker for workerd (${peerD1Build.main})`);
		} catch (err) {
			peers.workerd = { ok: false, error: String(err.message ?? err) };
		}
	}

	const {
		build,
		workers: served,
		seeded,
		scenarios,
	} = await stage({ log: (l) => log(`[${elapsed()}] ${l}`), peerD1: peerD1Build });
	workers = served;

	let peerUrl = null;
	if (peers.node.ok) {
		try {
			peerUrl = await startPeer();
			log(`[${elapsed()}] peer c15t serving ${DATA.subjects} subjects at ${peerUrl}`);
		} catch (err) {
			peers.node = { ok: false, error: String(err.message ?? err) };
		}
	}
	for (const [setup, p] of Object.entries(peers)) if (!p.ok) log(`  peer (${setup}) skipped: ${p.error}`);
	const urls = { ...workers.urls, peer: peerUrl };

	// A reference that replays another scenario's answer is probed after that scenario.
	const probeOrder = Object.values(scenarios).sort((a, b) => Number(!!a.replays) - Number(!!b.replays));
	/** D1 statements per request of each workerd peer scenario, counted once after its probe. */
	const d1Queries = {};
	for (const s of probeOrder) {
		const peer = peers[s.peer];
		if (peer && !peer.ok) s.skipped = `peer not available: ${peer.error.split("\n")[0]}`;
		else Object.assign(s, await probe(s, urls[s.worker]));
		if (s.skipped) log(`  ${s.name}: skipped (${s.skipped})`);
		else if (s.peer === "workerd") {
			const path = s.spec.vary.format.replace("%s", s.spec.vary.items[1]);
			try {
				d1Queries[s.name] = await peerD1Queries(urls[s.worker], path);
				log(`  ${s.name}: ${d1Queries[s.name]} D1 queries per request`);
			} catch (err) {
				log(`  ${s.name}: D1 queries not counted (${err.message ?? err})`);
			}
		}
	}

	const coldPool = new ColdPool(visitorPools().cold, seeded.subjectIds, workers.urls["kv-admin"], log);
	const measured = [];
	let peerGroup = null;
	for (const group of selectedGroups) {
		const names = [group.baseline, ...group.scenarios];
		log(`[${elapsed()}] measuring ${names.join(", ")}`);
		// Without a peer, there is nothing to compare our cookie-decision with a second time.
		if (group.peer && group.scenarios.every((n) => scenarios[n].skipped)) continue;
		const baselineSkipped = scenarios[group.baseline].skipped;
		if (baselineSkipped) {
			for (const n of group.scenarios) scenarios[n].skipped ??= `baseline ${group.baseline} skipped`;
		}
		const results = baselineSkipped ? {} : await measureGroup(group, scenarios, urls, coldPool);
		const b = results[group.baseline];
		if (group.peer) {
			peerGroup = { ours: b, peers: group.scenarios.map((n) => ({ name: n, m: results[n] })) };
			continue;
		}
		if (b) {
			measured.push(summarise(group.baseline, b));
			log(`  ${group.baseline}: ${b.rps.toFixed(0)} req/s, p50 ${b.percentile(50).toFixed(2)} ms (baseline)`);
		}
		for (const n of group.scenarios) {
			const row = results[n]
				? summarise(n, results[n], group.baseline, b)
				: { name: n, baseline: group.baseline, skipped: scenarios[n].skipped };
			measured.push(row);
			if (!row.skipped)
				log(
					`  ${n}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50.toFixed(2)} ms, ratio ${row.ratio.toFixed(2)} vs ${group.baseline} (rounds ${row.ratioRounds.map((r) => r.toFixed(2)).join(" ")})`,
				);
		}
	}
	const raisedRateLimits = workers.raisedRateLimits;
	const workerLogs = [...workers.workerLogs]
		.filter(([k]) => !k.startsWith("log:"))
		.map(([k, n]) => `${n}x ${k}`);
	await workers.dispose();
	workers = null;
	stopProcesses();

	const peerD1 = peerD1Result(measured, d1Queries, peers.workerd);
	for (const c of peerD1.comparison ?? []) {
		log(
			`  d1-decision vs ${c.peer}: ours / c15t req/s ${c.rps_factor.toFixed(2)}x, c15t p50 / ours ${c.p50_factor.toFixed(2)}x (c15t: ${c.peer_d1_queries} D1 queries per request)`,
		);
	}
	if (only) {
		log(`[${elapsed()}] BENCH_ONLY: nothing written`);
		return;
	}
	log(`[${elapsed()}] pure functions under Node`);
	const pure = await runPureSuite();

	const peerRows = [];
	let peerResult = { skipped: peers.node.ok ? "cookie-decision was not measured" : peers.node.error };
	if (peerGroup?.ours) {
		const ours = peerGroup.ours;
		const comparison = [];
		for (const { name, m } of peerGroup.peers) {
			if (!m) continue;
			peerRows.push(summarise(name, m, "cookie-decision", ours));
			const c = {
				peer: name,
				peer_rps: m.rps,
				peer_p50_ms: m.percentile(50),
				ours_rps: ours.rps,
				ours_p50_ms: ours.percentile(50),
			};
			c.rps_factor = c.ours_rps / c.peer_rps;
			c.p50_factor = c.peer_p50_ms / c.ours_p50_ms;
			c.met = c.rps_factor >= 2 && c.p50_factor >= 2;
			comparison.push(c);
			log(
				`  cookie-decision vs ${name}: ours / c15t req/s ${c.rps_factor.toFixed(2)}x, c15t p50 / ours ${c.p50_factor.toFixed(2)}x`,
			);
		}
		peerResult = comparison.length ? { comparison } : { skipped: "no peer scenario was measured" };
	}

	const results = {
		date: new Date().toISOString(),
		machine: { ...machine, load_average_at_end: os.loadavg().map((x) => Number(x.toFixed(2))) },
		load: LOAD_SUMMARY(),
		rate_limits_raised: raisedRateLimits,
		scenarios: scenarioRows([...measured, ...peerRows], scenarios),
		peer: peerResult,
		peer_d1: peerD1,
		pure,
		pure_rounds: 3,
		bundle_gzip_bytes: build.gzipBytes,
		bundle_raw_bytes: build.rawBytes,
		bundle_wrangler: build.wranglerSummary,
		worker_log_lines: workerLogs,
		duration_s: Math.round((Date.now() - started) / 1000),
	};
	results.machine.load_average_at_end = os.loadavg().map((x) => Number(x.toFixed(2)));
	writeResults(results);
	log(`[${elapsed()}] wrote bench/results.json and the tables in bench/README.md`);
	for (const s of results.scenarios) {
		log(
			`  ${s.name.padEnd(22)} ${s.rps === null ? "" : `${String(Math.round(s.rps)).padStart(6)} req/s  p50 ${s.p50_ms.toFixed(2).padStart(6)} ms  p99 ${s.p99_ms.toFixed(2).padStart(7)} ms  `}${s.ratio === null ? "" : `ratio ${s.ratio.toFixed(2)}  `}${s.status}`,
		);
	}
	if (workerLogs.length) log(`  worker console: ${workerLogs.slice(0, 5).join("; ")}`);
}

main().catch(async (err) => {
	console.error(err);
	stopProcesses();
	await workers?.dispose().catch(() => undefined);
	process.exit(1);
});

/**
 * c15t in workerd against our d1-decision, both measured in bare-d1's group: no target, a comparison
 * in the same runtime and storage simulator.
 */
function peerD1Result(measured, d1Queries, peer) {
	if (!peer.ok) return { skipped: peer.error };
	const ours = measured.find((r) => r.name === "d1-decision" && !r.skipped);
	const theirs = measured.filter((r) => PEER_SETUPS[r.name] === "workerd" && !r.skipped);
	if (!ours || !theirs.length) return { skipped: "d1-decision or the workerd peer was not measured" };
	return {
		ours: "d1-decision",
		comparison: theirs.map((r) => ({
			peer: r.name,
			peer_rps: r.rps,
			peer_p50_ms: r.p50,
			peer_ratio: r.ratio,
			peer_d1_queries: d1Queries[r.name] ?? null,
			ours_rps: ours.rps,
			ours_p50_ms: ours.p50,
			ours_ratio: ours.ratio,
			rps_factor: ours.rps / r.rps,
			p50_factor: r.p50 / ours.p50,
		})),
	};
}
