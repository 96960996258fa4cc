/**
 * `npx node bench/profile.mjs [scenario ...] [--seconds=N] [--top=N] [--all-isolates] [--heap]`: where the time goes.
 * Stages the bench with an unminified build (readable names), then for each scenario samples the
 * Worker's isolate through workerd's inspector while wrk drives the scenario, and prints its time by
 * source module and its hottest functions; `--all-isolates` also samples Miniflare's D1, KV and rate
 * limiter simulators and prints how busy each was; `--heap` also samples what the Worker's isolate
 * allocates (V8's sampling heap profiler, objects the collector took counted in) and prints the bytes
 * per request by allocating function. `--top=N` lists N functions in each list rather than 15 (25 with
 * callees counted in). An attached profiler slows workerd a lot: read the shares, not
 * the rates. Not part of `npm run bench`.
 */
import { LOAD } from "./lib/config.mjs";
import { moduleIndex, session } from "./lib/inspector.mjs";
import { ensureWrk, runRound, writeScript } from "./lib/load.mjs";
import { stopProcesses } from "./lib/processes.mjs";
import { probe, stage } from "./lib/stage.mjs";

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 4);
const allIsolates = args.includes("--all-isolates");
const heap = args.includes("--heap");
const top = Number(args.find((a) => a.startsWith("--top="))?.split("=")[1] ?? 0) || undefined;
const wanted = args.filter((a) => !a.startsWith("--"));
const names = wanted.length
	? wanted
	: ["cookie-decision", "kv-decision", "d1-decision", "write-opt-out", "guard-html-rewrite"];
const SAMPLING_US = 500;

function selfTimes(profile) {
	const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
	const counts = new Map();
	for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
	return [...counts].map(([id, n]) => ({ node: byNode.get(id), samples: n }));
}

/**
 * Samples under each of our functions, its callees (native calls included) counted in: a sample counts
 * once per function on its stack, however often the function recurs there.
 */
function inclusiveTimes(profile, label) {
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
	const totals = new Map();
	for (const id of profile.samples) {
		if (byNode.get(id).callFrame.functionName === "(idle)") continue;
		const seen = new Set();
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const key = label(byNode.get(at).callFrame);
			if (key === null || seen.has(key)) continue;
			seen.add(key);
			totals.set(key, (totals.get(key) ?? 0) + 1);
		}
	}
	return totals;
}

/**
 * Bytes allocated per request (sampled: V8 records an allocation about every `samplingInterval`
 * bytes and scales it), by allocating function: self, and with callees counted in for our functions.
 */
function printAllocations(profile, requests, moduleOf) {
	const self = new Map();
	const inclusive = new Map();
	let all = 0;
	const walk = (node, stack) => {
		const f = node.callFrame;
		const ours = f.url.endsWith("index.js") && f.functionName;
		const where = f.url.endsWith("index.js") ? moduleOf(f.lineNumber) : f.url || "(native)";
		const key = `${f.functionName || "(anonymous)"}  ${where}`;
		const size = node.selfSize;
		all += size;
		self.set(key, (self.get(key) ?? 0) + size);
		const here = ours && !stack.includes(key) ? [...stack, key] : stack;
		for (const k of here) inclusive.set(k, (inclusive.get(k) ?? 0) + size);
		for (const child of node.children ?? []) walk(child, here);
	};
	walk(profile.head, []);
	const perRequest = (bytes) => `${(bytes / requests).toFixed(0).padStart(8)} B`;
	console.log(
		`allocated in the Worker's isolate: ${perRequest(all).trim()} per request; by function (self):`,
	);
	for (const [k, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top ?? 15))
		console.log(`  ${perRequest(n)}  ${k}`);
	console.log("our functions, their callees counted in:");
	for (const [k, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top ?? 15))
		console.log(`  ${perRequest(n)}  ${k}`);
}

const pct = (n, total) => `${((100 * n) / total).toFixed(1)}%`.padStart(6);

async function main() {
	ensureWrk(console.log);
	const { build, workers, scenarios } = await stage({ log: console.log, minify: false, inspectorPort: 0 });
	const inspector = (await workers.mf.getInspectorURL()).href.replace(/^ws:/, "http:");
	const targets = await (await fetch(new URL("/json/list", inspector))).json();
	const { readFileSync } = await import("node:fs");
	const moduleOf = moduleIndex(readFileSync(build.main, "utf8"));

	for (const name of names) {
		const s = scenarios[name];
		if (!s || s.peer) {
			console.log(`\n${name}: not a Worker scenario`);
			continue;
		}
		const skipped = (await probe(s, workers.urls[s.worker])).skipped;
		if (skipped) {
			console.log(`\n${name}: skipped (${skipped})`);
			continue;
		}
		const sampled = targets.filter((t) => allIsolates || t.id === `core:user:${s.worker}`);
		const sessions = await Promise.all(
			sampled.map(async (t) => ({ t, s: await session(t.webSocketDebuggerUrl) })),
		);
		const ourSession = sessions.find(({ t }) => t.id === `core:user:${s.worker}`)?.s;
		if (heap) {
			await ourSession.send("HeapProfiler.enable");
			await ourSession.send("HeapProfiler.startSampling", {
				samplingInterval: 1024,
				includeObjectsCollectedByMajorGC: true,
				includeObjectsCollectedByMinorGC: true,
			});
		}
		for (const { s: cdp } of sessions) {
			await cdp.send("Profiler.enable");
			await cdp.send("Profiler.setSamplingInterval", { interval: SAMPLING_US });
			await cdp.send("Profiler.start");
		}
		const round = await runRound({
			url: workers.urls[s.worker],
			script: writeScript(`profile-${name}`, s.spec),
			seconds,
		});
		const allocated = heap ? (await ourSession.send("HeapProfiler.stopSampling")).profile : null;
		const profiles = [];
		for (const { t, s: cdp } of sessions) {
			const { profile } = await cdp.send("Profiler.stop");
			cdp.close();
			profiles.push({ target: t.id, samples: selfTimes(profile), profile });
		}
		console.log(
			`\n=== ${name}: ${(round.requests / round.seconds).toFixed(0)} req/s under profiling (${LOAD.connections} connections)`,
		);
		console.log("isolate busy share (samples not idle, of all samples in that isolate):");
		for (const p of profiles) {
			const total = p.samples.reduce((n, x) => n + x.samples, 0);
			const idle = p.samples
				.filter((x) => x.node.callFrame.functionName === "(idle)")
				.reduce((n, x) => n + x.samples, 0);
			if (total - idle > 0)
				console.log(
					`  ${pct(total - idle, total)}  ${p.target}  (${((total - idle) * SAMPLING_US) / 1000} ms busy)`,
				);
		}
		const ours = profiles.find((p) => p.target === `core:user:${s.worker}`);
		const busy = ours.samples.filter((x) => x.node.callFrame.functionName !== "(idle)");
		const total = busy.reduce((n, x) => n + x.samples, 0);
		const byFunction = new Map();
		const byModule = new Map();
		for (const { node, samples } of busy) {
			const f = node.callFrame;
			const where = f.url.endsWith("index.js") ? moduleOf(f.lineNumber) : f.url || "(native)";
			const key = `${f.functionName || "(anonymous)"}  ${where}`;
			byFunction.set(key, (byFunction.get(key) ?? 0) + samples);
			byModule.set(where, (byModule.get(where) ?? 0) + samples);
		}
		console.log(`the Worker's own isolate, self time (${total} samples of ${SAMPLING_US} us):`);
		for (const [k, n] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 12))
			console.log(`  ${pct(n, total)}  ${k}`);
		console.log("hottest functions:");
		for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top ?? 15))
			console.log(`  ${pct(n, total)}  ${k}`);
		const ourFunction = (f) =>
			f.url.endsWith("index.js") && f.functionName ? `${f.functionName}  ${moduleOf(f.lineNumber)}` : null;
		console.log("our functions, their callees counted in (native calls included):");
		for (const [k, n] of [...inclusiveTimes(ours.profile, ourFunction)]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top ?? 25))
			console.log(`  ${pct(n, total)}  ${k}`);
		if (allocated) printAllocations(allocated, round.requests, moduleOf);
	}
	await workers.dispose();
	stopProcesses();
}

main().catch(async (err) => {
	console.error(err);
	stopProcesses();
	process.exit(1);
});
