/**
 * `npm run loadtest`: the Worker as deployed (bench/lib/build.mjs), served by Miniflare on loopback
 * (bench/lib/serve.mjs, the API instance plus the guard instance in front of bench/origin/), seeded
 * like the bench. Drives a fixed-length mixed load from concurrent virtual clients, checking every
 * answer; fires an abuse burst of forged unsubscribe tokens with UNSUBSCRIBE_LIMITER at its real
 * limit; waits for background work; then verifies from D1 that every acknowledged write is present
 * exactly once. Exits 1 on any lost or duplicated write or unexpected answer.
 */
import os from "node:os";
import { join } from "node:path";
import { buildWorker } from "./lib/build.mjs";
import { BENCH_DIR, DATA } from "./lib/config.mjs";
import { abusePhase } from "./lib/loadtest-abuse.mjs";
import { createClient } from "./lib/loadtest-client.mjs";
import { clientAddress, LOADTEST } from "./lib/loadtest-config.mjs";
import { createLedger, createLinks, defineOps } from "./lib/loadtest-ops.mjs";
import { summarise } from "./lib/loadtest-report.mjs";
import { Recorder } from "./lib/loadtest-stats.mjs";
import { settle, verify } from "./lib/loadtest-verify.mjs";
import { startProcess, stopProcesses } from "./lib/processes.mjs";
import { seed } from "./lib/seed.mjs";
import { API_WORKER, GUARD_WORKER, startWorkers } from "./lib/serve.mjs";

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = (line) => console.log(`[${elapsed()}] ${line}`);
let workers = null;
let client = null;

async function cleanup() {
	client?.close();
	stopProcesses();
	await workers?.dispose().catch(() => undefined);
	workers = null;
}

const watchdog = setTimeout(async () => {
	console.error(`loadtest: still running after ${LOADTEST.watchdogMs / 1000} s; aborting`);
	await cleanup();
	process.exit(2);
}, LOADTEST.watchdogMs);
watchdog.unref();

async function main() {
	const { seconds, concurrency, mix } = LOADTEST;
	log(`consent-edge load test: ${seconds} s, ${concurrency} virtual clients, mix ${JSON.stringify(mix)}`);
	const build = await buildWorker();
	log(`built ${(build.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
	const origin = await startProcess(process.execPath, [join(BENCH_DIR, "origin", "server.mjs")]);
	const originUrl = `http://127.0.0.1:${origin.port}`;
	workers = await startWorkers({ build, origin: originUrl, log, keepRateLimits: [LOADTEST.abuse.limiter] });
	const kept = workers.keptRateLimits[LOADTEST.abuse.limiter];
	if (!kept) throw new Error(`wrangler.toml has no ${LOADTEST.abuse.limiter} binding`);
	log(
		`serving on loopback: API ${workers.urls[API_WORKER]}, guard ${workers.urls[GUARD_WORKER]} -> ${originUrl}; raised ${workers.raisedRateLimits.join(", ")}; ${LOADTEST.abuse.limiter} kept at ${kept.limit} per ${kept.period} s`,
	);
	const db = await workers.mf.getD1Database("DB", API_WORKER);
	const seeded = await seed(workers.mf, API_WORKER, workers.urls["kv-admin"]);
	log(`seeded ${seeded.subjects} subjects (${seeded.records} records), ${seeded.kvWarm} in KV`);

	client = createClient({ maxSockets: concurrency * 2 + 8, timeoutMs: LOADTEST.requestTimeoutMs });
	const rec = new Recorder();
	const ledger = createLedger(Date.now().toString(36));
	const ctx = {
		send: client.send,
		rec,
		ledger,
		urls: { api: workers.urls[API_WORKER], guard: workers.urls[GUARD_WORKER] },
		links: [],
	};
	const decoys = await createLinks(ctx, 10, 10, "decoy");
	ctx.links = await createLinks(ctx, LOADTEST.unsubscribeLinks, concurrency, "");
	const linksCreated = ctx.links.length;
	log(`created ${linksCreated} one-click links (+${decoys.length} whose tokens the abuse phase forges)`);

	const ops = defineOps(ctx);
	const names = Object.keys(mix).filter((n) => mix[n] > 0);
	let exhaustedAt = null;
	const pick = () => {
		const live = names.filter((n) => n !== "unsubscribe" || ctx.links.length > 0);
		if (exhaustedAt === null && ctx.links.length === 0) exhaustedAt = (Date.now() - loadStart) / 1000;
		let r = Math.random() * live.reduce((s, n) => s + mix[n], 0);
		for (const n of live) {
			r -= mix[n];
			if (r < 0) return n;
		}
		return live.at(-1);
	};

	log(`mixed load for ${seconds} s`);
	const loadStart = Date.now();
	const deadline = loadStart + seconds * 1000;
	const virtualClient = async (i) => {
		const vc = { address: clientAddress(i) };
		while (Date.now() < deadline) await ops[pick()](vc);
	};
	const abuse = (async () => {
		await new Promise((r) => setTimeout(r, seconds * 1000 * LOADTEST.abuse.startFraction));
		return abusePhase(ctx, decoys, { periodS: kept.period, startedAt: loadStart, log });
	})();
	await Promise.all(Array.from({ length: concurrency }, (_, i) => virtualClient(i)));
	const loadSeconds = (Date.now() - loadStart) / 1000;
	const abused = { ...(await abuse), limit: `${kept.limit} per ${kept.period} s` };
	log(`load done (${loadSeconds.toFixed(1)} s); waiting for background work to settle`);

	const settled = await settle(db, LOADTEST.settle);
	const verified = await verify(db, ledger, { list: LOADTEST.list, decoyHashes: decoys.map((d) => d.hash) });
	const workerLogs = [...workers.workerLogs]
		.filter(([k]) => !k.startsWith("log:") && !k.startsWith("info:") && !k.startsWith("debug:"))
		.map(([k, n]) => `${n}x ${k}`);
	await cleanup();

	const load = os.loadavg().map((x) => x.toFixed(2));
	const { lines, failures } = summarise({
		header: [
			`consent-edge load test, ${new Date().toISOString()}: ${seconds} s mixed load, ${concurrency} virtual clients on 127.0.0.1`,
			`(Miniflare ${API_WORKER} + guard, deployed build, ${DATA.subjects} seeded visitors; ${os.cpus().length} cores, load average ${load.join(" / ")})`,
		],
		rows: rec.rows(),
		loadSeconds,
		abuse: abused,
		ledger,
		settled,
		verified,
		links: { created: linksCreated, exhaustedAt },
		workerLogs,
		unexpected: rec.unexpected,
	});
	console.log(`\n${lines.join("\n")}`);
	return failures.length ? 1 : 0;
}

main()
	.then((code) => process.exit(code))
	.catch(async (err) => {
		console.error(err);
		await cleanup();
		process.exit(1);
	});
