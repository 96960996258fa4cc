/**
 * `npx node bench/instructions.mjs <git-rev> [scenario ...]`: the working tree against another
 * revision, counted in CPU instructions per request instead of timed. On this shared machine a timed
 * comparison (compare.mjs) cannot tell a change under about 10% from noise, because how fast the
 * cores run moves from second to second; the number of instructions a request executes does not.
 * Both builds are served as compare.mjs serves them (two Miniflares, same secrets, same seeded data,
 * same cookies), but each workerd runs under Valgrind's callgrind, which counts every instruction the
 * process executes in user space, on every thread (the isolate, the runtime, the local storage
 * simulators). Per scenario and build: wrk warms it up (V8 tiers code up by call counts), then each
 * round zeroes the count, drives the scenario for a fixed time, dumps the count and divides it by the
 * requests wrk completed. Rounds alternate between the builds; the result is the median round's
 * instructions per request for each, and their ratio old / new (above 1: the working tree does less
 * work).
 *
 * Instructions are not time: the kernel's share of a request (socket reads and writes) is not
 * counted, and Valgrind counts each iteration of a `rep movs` copy as an instruction, so copying bytes
 * looks dearer than it is. Read a change of a few percent here as a change in work done in the
 * process, then confirm large ones with compare.mjs.
 * Needs valgrind (Debian's package; as root with apt, installed here). Under callgrind a request is
 * 50-100x slower, so the seeded data is small (BENCH_SUBJECTS, default 300 here), which the noop
 * group's scenarios and the guard do not depend on. A rendered page (`guard-html-rendered`) takes
 * about 0.4 s there: with the bench's ten connections a 3 s round completes none, so count it with
 * `BENCH_CONNECTIONS=1 BENCH_ROUND_S=20` (36-56 pages a round in session 60). Writes nothing outside
 * bench/.work/.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

process.env.BENCH_SUBJECTS ??= "300";
process.env.BENCH_KV_WARM ??= "100";
// V8's predictable mode: no compiler or GC threads racing the isolate, so what a request costs does
// not depend on when a background task happened to finish (Miniflare passes these flags to workerd).
process.env.MINIFLARE_WORKERD_V8_FLAGS ??= "--predictable";
const { WORK_DIR } = await import("./lib/config.mjs");
const { buildWorker } = await import("./lib/build.mjs");
const { ensureDebianTool, ensureWrk, runRound, writeScript } = await import("./lib/load.mjs");
const { stopProcesses } = await import("./lib/processes.mjs");
const { seed } = await import("./lib/seed.mjs");
const { API_WORKER, miniflareWorkerd, startWorkers } = await import("./lib/serve.mjs");
const { probeByName, stage } = await import("./lib/stage.mjs");
const { revisionCheckout } = await import("./lib/revision.mjs");
const { addCosts, printFunctions, selfCosts } = await import("./lib/callgrind-functions.mjs");

const int = (name, fallback) => {
	const n = Number.parseInt(process.env[name] ?? "", 10);
	return Number.isFinite(n) && n > 0 ? n : fallback;
};
const ROUNDS = int("BENCH_ROUNDS", 6);
const ROUND_S = int("BENCH_ROUND_S", 3);
const WARMUP_S = int("BENCH_WARMUP_S", 15);

const args = process.argv.slice(2);
/** `--functions`: also say which functions the instructions went to (bench/lib/callgrind-functions.mjs). */
const byFunction = args.includes("--functions");
/**
 * `--keep-dumps`: keep each scenario and build's last round as a callgrind file in bench/.work/dumps/,
 * for `callgrind_annotate --tree=caller <file>` (who called a costly function).
 */
const keepDumps = args.includes("--keep-dumps");
/**
 * `--cache-sim`: callgrind also simulates the caches and branch predictors (`--cache-sim=yes
 * --branch-sim=yes`, sized like this machine's) and each scenario gets its misses per request and
 * callgrind's cycle estimate beside its instructions (roughly twice as slow again). Valgrind models
 * two levels and takes the last level from the machine, which may be a last-level cache far larger
 * than a request's working set (300 MiB on one machine here, so nothing missed it):
 * `BENCH_CACHE_LL=2097152,16,64` (size, ways, line) simulates a per-core L2 as the last level instead.
 */
const cacheSim = args.includes("--cache-sim");
const cacheLL = process.env.BENCH_CACHE_LL;
if (cacheLL !== undefined && !/^\d+,\d+,\d+$/.test(cacheLL)) {
	console.error("BENCH_CACHE_LL: size,ways,line in bytes, e.g. 2097152,16,64");
	process.exit(2);
}
const simOptions = cacheSim ? `--cache-sim=yes --branch-sim=yes ${cacheLL ? `--LL=${cacheLL} ` : ""}` : "";
const dumpsDir = join(WORK_DIR, "dumps");
const [rev, ...names] = args.filter((a) => !a.startsWith("--"));
if (!rev) {
	console.error(
		"usage: npx node bench/instructions.mjs <git-rev | -> [scenario ...] [--functions] [--keep-dumps] [--cache-sim]   (-: the working tree alone)",
	);
	process.exit(2);
}
/** `-`: count the working tree alone (e.g. a scenario beside its floor), no revision to compare. */
const alone = rev === "-";
const wanted = names.length
	? names
	: ["cookie-decision", "gpc-decision", "guard-strip-redirect", "beacon-block"];
const log = (line) => console.log(line);
const revision = alone ? null : revisionCheckout(rev);
const countDir = join(WORK_DIR, "instructions");
const functionsDir = join(WORK_DIR, "functions");
const opened = [];

/**
 * A stand-in for the workerd binary that Miniflare spawns (MINIFLARE_WORKERD_PATH): it notes its
 * process id under the tag of the build being started, then becomes workerd under callgrind.
 */
function writeWrapper() {
	const workerd = miniflareWorkerd();
	const wrapper = join(countDir, "workerd-under-callgrind.sh");
	writeFileSync(
		wrapper,
		[
			"#!/bin/sh",
			'echo $$ > "$BENCH_CALLGRIND_DIR/$BENCH_CALLGRIND_TAG.pid"',
			// --smc-check=all: V8 writes and rewrites machine code on the fly.
			`exec valgrind --tool=callgrind --smc-check=all ${simOptions}--log-file="$BENCH_CALLGRIND_DIR/$BENCH_CALLGRIND_TAG.log" --callgrind-out-file="$BENCH_CALLGRIND_DIR/$BENCH_CALLGRIND_TAG.out" ${JSON.stringify(workerd)} "$@"`,
			"",
		].join("\n"),
	);
	chmodSync(wrapper, 0o755);
	return wrapper;
}

/** Starts a Miniflare whose workerd runs under callgrind; returns it with that process's id. */
async function underCallgrind(tag, start) {
	process.env.BENCH_CALLGRIND_TAG = tag;
	const started = await start();
	return { started, pid: readFileSync(join(countDir, `${tag}.pid`), "utf8").trim() };
}

function callgrindControl(pid, option) {
	execFileSync("callgrind_control", [option, pid], { stdio: "ignore" });
}

/**
 * Instructions counted since the last zero: dumps them and reads the newest dump's total (and, with
 * `--functions`, each function's self cost).
 */
function dumpCount(tag, pid, keepAs) {
	const before = new Set(readdirSync(countDir));
	callgrindControl(pid, "--dump");
	const fresh = readdirSync(countDir).filter((f) => f.startsWith(`${tag}.out`) && !before.has(f));
	if (fresh.length !== 1)
		throw new Error(`expected one new callgrind dump for ${tag}, found ${fresh.length}`);
	const file = join(countDir, fresh[0]);
	const text = readFileSync(file, "utf8");
	const costs = byFunction ? selfCosts(file) : null;
	if (keepAs) {
		mkdirSync(dumpsDir, { recursive: true });
		renameSync(file, join(dumpsDir, `${keepAs}.out`));
	} else {
		rmSync(file);
	}
	const events = /^events:\s*(.+)$/m.exec(text)?.[1].trim().split(/\s+/) ?? [];
	const totals = /^(?:summary|totals):\s*(\d[\d ]*)$/m.exec(text)?.[1].trim().split(/\s+/).map(Number);
	if (!totals || events[0] !== "Ir") throw new Error(`no instruction total in ${fresh[0]}`);
	return { total: totals[0], counts: Object.fromEntries(events.map((e, i) => [e, totals[i] ?? 0])), costs };
}

async function countRound(build, scenario, script, offset) {
	callgrindControl(build.pid, "--zero");
	const round = await runRound({ url: build.urls[scenario.worker], script, seconds: ROUND_S, offset });
	const keepAs = keepDumps ? `${scenario.name}-${build.tag}` : undefined;
	const { total: instructions, counts, costs } = dumpCount(build.tag, build.pid, keepAs);
	const errors = Object.values(round.errors).reduce((a, b) => a + b, 0);
	if (errors > 0) throw new Error(`${scenario.name} on ${build.tag}: ${errors} errors`);
	return { instructions, counts, costs, requests: round.requests, sent: round.sent };
}

async function main() {
	ensureWrk(log);
	ensureDebianTool(log, "valgrind");
	rmSync(countDir, { recursive: true, force: true });
	mkdirSync(countDir, { recursive: true });
	process.env.MINIFLARE_WORKERD_PATH = writeWrapper();
	process.env.BENCH_CALLGRIND_DIR = countDir;

	let oldBuild = null;
	if (revision) {
		revision.checkOut();
		oldBuild = await buildWorker({ root: revision.dir, dir: join(WORK_DIR, "compare", "dist") });
		log(
			`built ${rev} (${revision.commit.slice(0, 12)}): ${(oldBuild.gzipBytes / 1024).toFixed(1)} KiB gzipped`,
		);
	}

	log("starting under callgrind (slow: workerd runs 50-100x slower)");
	const now = await underCallgrind("new", () => stage({ log }));
	opened.push(now.started.workers);
	const { scenarios, originUrl } = now.started;
	const builds = [{ tag: "new", pid: now.pid, urls: now.started.workers.urls }];
	if (oldBuild) {
		const old = await underCallgrind("old", () => startWorkers({ build: oldBuild, origin: originUrl, log }));
		opened.push(old.started);
		await seed(old.started.mf, API_WORKER, old.started.urls["kv-admin"]);
		builds.unshift({ tag: "old", pid: old.pid, urls: old.started.urls });
		log(`serving the working tree (pid ${now.pid}) and ${rev} (pid ${old.pid}) under callgrind, each seeded`);
	}

	const rows = [];
	for (const name of wanted) {
		const scenario = scenarios[name];
		if (!scenario) throw new Error(`no scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
		// A visitor's own answer fills no KV entry, so the cold pool stays cold without the bench's
		// drops; once wrk has walked the whole (small) pool, visitors come round again and find their
		// subject hash remembered in the isolate: keep the pool larger than the rounds' requests.
		if (scenario.coldPool)
			log(
				`  ${name}: walks the cold pool (${process.env.BENCH_SUBJECTS} subjects seeded; raise BENCH_SUBJECTS if the rounds' requests outnumber it)`,
			);
		const script = writeScript(`${name}-instructions`, scenario.spec);
		const cursors = {};
		for (const build of builds) {
			// The probe checks the answer is the one meant; a floor that replays another scenario's
			// answer is given it here (that scenario probed on the same build first).
			const probed = await probeByName(scenarios, name, build.urls);
			if (probed.skipped) throw new Error(`${name} on ${build.tag}: ${probed.skipped}`);
			const warm = await runRound({ url: build.urls[scenario.worker], script, seconds: WARMUP_S });
			cursors[build.tag] = warm.sent;
		}
		const perRequest = { old: [], new: [] };
		const served = { old: [], new: [] };
		const simulated = { old: [], new: [] };
		const functions = { old: { costs: new Map(), requests: 0 }, new: { costs: new Map(), requests: 0 } };
		for (let r = 0; r < ROUNDS; r++) {
			const order = r % 2 === 0 ? builds : [...builds].reverse();
			for (const build of order) {
				const c = await countRound(build, scenario, script, cursors[build.tag]);
				cursors[build.tag] += c.sent;
				// A round in which no request completed (a page rewritten afresh under callgrind can take
				// longer than a round) says nothing per request.
				if (c.requests === 0) {
					log(`  ${name} on ${build.tag}: round ${r + 1} completed no request; not counted`);
					continue;
				}
				perRequest[build.tag].push(c.instructions / c.requests);
				served[build.tag].push(c.requests);
				if (cacheSim) simulated[build.tag].push(perRequestCounts(c.counts, c.requests));
				if (c.costs) {
					addCosts(functions[build.tag].costs, c.costs);
					functions[build.tag].requests += c.requests;
				}
			}
		}
		const row = { name, now: median(perRequest.new), perRequest, served, simulated };
		if (!alone) row.old = median(perRequest.old);
		rows.push(row);
		log(
			`  ${name}: ${alone ? "" : `${rev} ${fmt(row.old)}, `}working tree ${fmt(row.now)} instructions per request`,
		);
		if (byFunction) {
			const sides = [{ label: "working tree", ...functions.new }];
			if (!alone) sides.unshift({ label: rev, ...functions.old });
			printFunctions(log, sides);
			// Every function's self cost per request, to set one scenario beside another afterwards.
			mkdirSync(functionsDir, { recursive: true });
			for (const side of sides) {
				const perFunction = Object.fromEntries(
					[...side.costs].map(([fn, count]) => [fn, Math.round(count / side.requests)]),
				);
				const file = join(functionsDir, `${name}-${side.label === "working tree" ? "tree" : rev}.json`);
				writeFileSync(file, JSON.stringify(perFunction));
			}
		}
	}

	if (cacheSim) printSimulated(rows);
	const spread = (xs) => xs.map(fmt).join(" ");
	if (alone) {
		log(`\n${ROUNDS} rounds of ${ROUND_S} s each; median and lowest round's instructions per request`);
		log(`${"scenario".padEnd(24)} ${"instructions".padStart(12)} ${"lowest".padStart(8)}  per round`);
		for (const r of rows)
			log(
				`${r.name.padEnd(24)} ${fmt(r.now).padStart(12)} ${fmt(lowest(r.perRequest.new)).padStart(8)}  ${spread(r.perRequest.new)}`,
			);
		logServed(rows);
		return;
	}
	log(
		`\n${ROUNDS} rounds of ${ROUND_S} s per build, alternating; median instructions per request; ratio = ${rev} / working tree (above 1: fewer now)`,
	);
	log(
		`${"scenario".padEnd(24)} ${rev.slice(0, 12).padStart(12)} ${"working tree".padStart(13)}  ratio  lowest ratio  per round (${rev}; working tree)`,
	);
	for (const r of rows) {
		const lowestRatio = lowest(r.perRequest.old) / lowest(r.perRequest.new);
		log(
			`${r.name.padEnd(24)} ${fmt(r.old).padStart(12)} ${fmt(r.now).padStart(13)}  ${(r.old / r.now).toFixed(3).padStart(5)}  ${lowestRatio.toFixed(3).padStart(12)}  ${spread(r.perRequest.old)}; ${spread(r.perRequest.new)}`,
		);
	}
	logServed(rows);
}

/**
 * Requests completed per round, in the order of the rounds above. Under callgrind a round serves a few
 * dozen requests, fewer on a loaded machine, and work done once per second of the clock (the origin's
 * `Date` changes a revalidated page's headers once a second) or once per rare event is shared among
 * that many: a count read beside another taken at another rate is not comparable.
 */
function logServed(rows) {
	log("requests per round:");
	for (const r of rows) {
		const sides = alone ? [r.served.new] : [r.served.old, r.served.new];
		log(`${r.name.padEnd(24)} ${sides.map((xs) => xs.join(" ")).join("; ")}`);
	}
	log(
		"per request with the clock's work apart (slope of each round's count over its requests; null when they hardly vary):",
	);
	for (const r of rows) {
		const tags = alone ? ["new"] : ["old", "new"];
		const slopes = tags.map((tag) => perRequestSlope(r.perRequest[tag], r.served[tag]));
		const ratio = alone || slopes.includes(null) ? "" : `  ratio ${(slopes[0] / slopes[1]).toFixed(3)}`;
		log(`${r.name.padEnd(24)} ${slopes.map((x) => (x === null ? "null" : fmt(x))).join("; ")}${ratio}`);
	}
}

/**
 * Rounds last the same time, so a round's count is the requests' work plus the clock's (the event
 * loop's idle polls, timers, a header remade once a second): count = perRequest x requests + perRound.
 * Its least-squares slope is the work per request, whatever the rounds served; on a loaded machine,
 * where rounds serve 3-100 requests, the median round's count mostly says how loaded it was.
 */
function perRequestSlope(perRequest, served) {
	if (served.length < 3 || Math.max(...served) < 1.5 * Math.min(...served)) return null;
	const totals = perRequest.map((x, i) => x * served[i]);
	const mx = served.reduce((a, b) => a + b, 0) / served.length;
	const my = totals.reduce((a, b) => a + b, 0) / totals.length;
	let sxy = 0;
	let sxx = 0;
	for (let i = 0; i < served.length; i++) {
		sxy += (served[i] - mx) * (totals[i] - my);
		sxx += (served[i] - mx) ** 2;
	}
	return sxy / sxx;
}

/**
 * One round's simulated events per request: instructions, first-level misses (instruction fetches,
 * data reads and writes), last-level misses, mispredicted branches (conditional and indirect), and
 * callgrind's cycle estimate (KCachegrind's CEst without bus events: Ir + 10 x (L1 misses +
 * mispredictions) + 100 x last-level misses), a crude model of time that weighs what instructions
 * alone leave out.
 */
function perRequestCounts(counts, requests) {
	const c = (name) => (counts[name] ?? 0) / requests;
	const l1 = c("I1mr") + c("D1mr") + c("D1mw");
	const ll = c("ILmr") + c("DLmr") + c("DLmw");
	const mispredicted = c("Bcm") + c("Bim");
	return {
		Ir: c("Ir"),
		I1: c("I1mr"),
		D1: c("D1mr") + c("D1mw"),
		LL: ll,
		Bm: mispredicted,
		CEst: c("Ir") + 10 * (l1 + mispredicted) + 100 * ll,
	};
}

/** Per scenario and build, the round of median cycle estimate, event by event. */
function printSimulated(rows) {
	log("\nsimulated caches and branch predictors (--cache-sim); per request, the round of median CEst");
	log(
		`${"scenario".padEnd(24)} ${"build".padEnd(12)} ${["Ir", "I1 miss", "D1 miss", "LL miss", "mispred.", "CEst"].map((h) => h.padStart(9)).join(" ")}`,
	);
	for (const r of rows) {
		for (const [tag, label] of [
			["old", rev],
			["new", "working tree"],
		]) {
			const rounds = r.simulated[tag];
			if (rounds.length === 0) continue;
			const sorted = [...rounds].sort((a, b) => a.CEst - b.CEst);
			const m = sorted[(sorted.length - 1) >> 1];
			const cells = [m.Ir, m.I1, m.D1, m.LL, m.Bm, m.CEst].map((v) =>
				(v >= 10_000 ? fmt(v) : v.toFixed(0)).padStart(9),
			);
			log(`${r.name.padEnd(24)} ${label.slice(0, 12).padEnd(12)} ${cells.join(" ")}`);
		}
	}
}

/**
 * The lowest round: the small answers' rounds fall in bands 10-15% apart as a rare costly event (a
 * collection) lands in a round or not, and the median moves with the mix; the lowest round is the
 * request's own work with the fewest such events, steadier for a change of a few percent (though
 * blind to a change that makes those events more frequent: read it beside the median).
 */
function lowest(xs) {
	return Math.min(...xs);
}

/** The median round: a rare costly event (a major GC) lands in one round and does not move it. */
function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmt(n) {
	return `${(n / 1000).toFixed(1)}k`;
}

try {
	await main();
} finally {
	for (const w of opened) await w.dispose().catch(() => undefined);
	stopProcesses();
	revision?.remove();
}
