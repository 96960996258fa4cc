/**
 * `npx node bench/native-profile.mjs <scenario> [scenario ...] [--seconds=N] [--hz=N] [--top=N] [--keep-map] [--rest]`:
 * where a request's CPU time goes in the runtime as well as in our code, from Linux `perf`. Stages the
 * bench with an unminified build, runs workerd with V8's `--perf-basic-prof` (so `perf` can name the
 * functions V8 compiled from our code), and for each scenario, after a warm-up, samples the workerd
 * process (every thread: the isolates, the runtime, the storage simulators) with
 * `perf record -g -e cpu-clock` while wrk drives it. It prints microseconds of CPU per request:
 * by kind (V8's collector, the kernel's socket sends and receives, the script's own JavaScript with
 * what it calls, the rest of the runtime), then our hottest functions with their callees counted in,
 * then the symbols with the most time of their own, and with `--rest` the runtime's own functions, their
 * callees counted in, for the samples of none of those kinds. Given several scenarios (a scenario and its
 * floor, say), it prints them side by side with each one's difference from the first.
 *
 * What `profile.mjs` (the inspector's sampler) and `instructions.mjs` (callgrind) cannot show, this
 * does: the collector's and the kernel's share in real time, with the runtime's C++ named (this
 * workerd build carries its symbols). A sample is one tick of a 1-2 kHz clock, so a figure under a
 * few tenths of a microsecond is noise; one scenario's whole profile varies by a few percent between
 * runs. Each scenario's samples stay in `bench/.work/native-<scenario>.data`; with `--keep-map`, V8's
 * symbol map (`/tmp/perf-<pid>.map`) is kept too, so that `perf script -i` can name our functions in
 * them afterwards. Needs `perf` (Debian's linux-perf; installed with apt when missing, as root). Not
 * part of `npm run bench`.
 */
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

process.env.MINIFLARE_WORKERD_V8_FLAGS = "--perf-basic-prof";
const { WORK_DIR } = await import("./lib/config.mjs");
const { ensureDebianTool, ensureWrk, runRound, writeScript } = await import("./lib/load.mjs");
const { pidsOf, stopProcesses } = await import("./lib/processes.mjs");
const { probeByName, stage } = await import("./lib/stage.mjs");

const args = process.argv.slice(2);
const opt = (name, fallback) =>
	Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SECONDS = opt("seconds", 10);
const HZ = opt("hz", 1999);
const TOP = opt("top", 15);
const names = args.filter((a) => !a.startsWith("--"));
if (names.length === 0) {
	console.error(
		"usage: npx node bench/native-profile.mjs <scenario> [scenario ...] [--seconds=N] [--hz=N] [--top=N] [--keep-map] [--rest]",
	);
	process.exit(2);
}
const log = (line) => console.log(line);

/** Scripts of the runtime and of Miniflare, as V8 names them: not the Worker's own code. */
const RUNTIME_SCRIPT = /^(workerd:|node:|node-internal:|cloudflare-internal:|miniflare:)/;

/** A JIT frame of a Worker's script (ours or a baseline's): `JS:<tier>name file:line:col`. */
function scriptFunction(symbol) {
	const match = /^JS:[*+~^']*(\S*) (\S+):\d+:\d+$/.exec(symbol);
	if (!match || RUNTIME_SCRIPT.test(match[2])) return null;
	return `${match[1] || "(anonymous)"} ${match[2]}`;
}

const KINDS = [
	[
		"V8's collector",
		(f) => /Heap::CollectGarbage|MinorGCJob|ScavengeJob|IncrementalMarking|cppgc::internal::Sweeper/.test(f),
	],
	["kernel: socket sends", (f) => f.includes("tcp_sendmsg")],
	["kernel: socket receives", (f) => f.includes("tcp_recvmsg")],
	["the script's JavaScript (its callees in)", (f) => scriptFunction(f) !== null],
];

/** Samples of `perf script` output: each the stack's symbols, leaf first, and whether the leaf is in the kernel. */
function samplesOf(dataFile) {
	const text = execFileSync("perf", ["script", "-i", dataFile, "-F", "tid,ip,sym,dso", "--no-inline"], {
		encoding: "utf8",
		maxBuffer: 1 << 30,
		stdio: ["ignore", "pipe", "ignore"],
	});
	const samples = [];
	let frames = null;
	for (const line of text.split("\n")) {
		const trimmed = line.trim();
		if (trimmed === "") {
			if (frames?.length) samples.push(frames);
			frames = null;
		} else if (/^\d+$/.test(trimmed)) frames = [];
		else if (frames) {
			// "<address> <symbol> (<dso>)"
			const match = /^[0-9a-f]+ (.*) \((.*)\)$/.exec(trimmed);
			const symbol = (match?.[1] ?? "[unknown]").replace(/\+0x[0-9a-f]+$/, "");
			frames.push({ symbol, kernel: match?.[2].includes("kernel") ?? false });
		}
	}
	if (frames?.length) samples.push(frames);
	return samples;
}

/** Microseconds per request by kind, by our function (inclusive) and by symbol (self). */
function profileOf(samples, requests) {
	const perRequest = 1e6 / HZ / requests;
	const kinds = new Map(KINDS.map(([name]) => [name, 0]));
	const functions = new Map();
	const self = new Map();
	const rest = new Map();
	let kernelOther = 0;
	let restTotal = 0;
	const add = (map, key) => map.set(key, (map.get(key) ?? 0) + perRequest);
	for (const frames of samples) {
		const kind = KINDS.find(([, test]) => frames.some((f) => test(f.symbol)));
		if (kind) add(kinds, kind[0]);
		else if (frames[0].kernel) kernelOther += perRequest;
		else {
			restTotal += perRequest;
			// The runtime's own functions, callees counted in, for the samples outside every kind above.
			for (const name of new Set(frames.map((f) => f.symbol.slice(0, 100)))) add(rest, name);
		}
		for (const name of new Set(frames.map((f) => scriptFunction(f.symbol)).filter(Boolean)))
			add(functions, name);
		add(self, frames[0].symbol.slice(0, 100));
	}
	kinds.set("kernel: other", kernelOther);
	kinds.set("the rest of the runtime", restTotal);
	return { total: samples.length * perRequest, kinds, functions, self, rest };
}

/** One map's entries across the scenarios, largest first; after the first scenario, each one's difference from it. */
function table(title, profiles, pick, limit) {
	const value = (p, k) => pick(p).get(k) ?? 0;
	const sum = (k) => profiles.reduce((total, p) => total + value(p, k), 0);
	const keys = [...new Set(profiles.flatMap((p) => [...pick(p).keys()]))].sort((a, b) => sum(b) - sum(a));
	const others = profiles.slice(1);
	log(`\n${title}`);
	log(
		profiles.map((p, i) => `(${i + 1}) ${p.name}`.slice(0, 20).padStart(21)).join("") +
			others.map((_, i) => `(${i + 2})-(1)`.padStart(13)).join(""),
	);
	for (const k of keys.slice(0, limit)) {
		const cells = profiles.map((p) => value(p, k).toFixed(2).padStart(21)).join("");
		const diffs = others.map((p) => (value(p, k) - value(profiles[0], k)).toFixed(2).padStart(13)).join("");
		log(`${cells}${diffs}  ${k}`);
	}
}

ensureWrk(log);
ensureDebianTool(log, "perf", "linux-perf");
const { workers, scenarios } = await stage({ log, minify: false });
const [pid] = pidsOf("workerd serve");
log(`workerd pid ${pid}; sampling at ${HZ} Hz for ${SECONDS} s per scenario, after 3 s of warm-up`);

const profiles = [];
try {
	for (const name of names) {
		const s = scenarios[name];
		if (!s) throw new Error(`no scenario ${name}`);
		await probeByName(scenarios, name, workers.urls);
		const script = writeScript(`${name}-native`, s.spec);
		const warm = await runRound({ url: workers.urls[s.worker], script, seconds: 3 });
		const dataFile = join(WORK_DIR, `native-${name}.data`);
		rmSync(dataFile, { force: true });
		const perf = spawn(
			"perf",
			["record", "-F", String(HZ), "-g", "-e", "cpu-clock", "-p", pid, "-o", dataFile],
			{
				stdio: "ignore",
			},
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const round = await runRound({
			url: workers.urls[s.worker],
			script,
			seconds: SECONDS,
			offset: warm.sent,
		});
		const exited = new Promise((resolve) => perf.on("exit", resolve));
		perf.kill("SIGINT");
		await exited;
		const profile = profileOf(samplesOf(dataFile), round.requests);
		profiles.push({ name, rps: round.requests / round.seconds, ...profile });
		log(
			`${name}: ${(round.requests / round.seconds).toFixed(0)} req/s, ${profile.total.toFixed(1)} us of CPU per request sampled`,
		);
	}
} finally {
	await workers.dispose();
	stopProcesses();
	if (!args.includes("--keep-map")) rmSync(`/tmp/perf-${pid}.map`, { force: true });
}

log("\nmicroseconds of workerd's CPU per request");
table(
	"by kind (a sample counted once, in the first kind that matches its stack)",
	profiles,
	(p) => new Map([["total", p.total], ...p.kinds]),
	20,
);
table("the script's functions, their callees counted in", profiles, (p) => p.functions, TOP);
table("symbols, their own time", profiles, (p) => p.self, TOP);
if (args.includes("--rest"))
	table("the rest of the runtime: its functions, their callees counted in", profiles, (p) => p.rest, TOP * 3);
