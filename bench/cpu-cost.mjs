/**
 * `npx node bench/cpu-cost.mjs [scenario ...] [--rounds=N] [--seconds=S] [--gc]`: CPU time per request, by
 * process, from /proc (user and kernel time of workerd and of the bench's origin server), while wrk
 * drives each scenario in alternating rounds. A ratio of requests/s tells what a scenario costs only
 * when workerd is the bottleneck; this says where the time of a request went (the isolate's thread,
 * the kernel's socket work, the origin) and whether workerd was busy all the time. With `--gc`,
 * workerd runs with V8's `--trace-gc-nvp` (its output appended to a log, line by line) and each
 * scenario also gets what V8's collector cost it: pause time per request, young and full collections
 * per thousand requests, and the bytes per request that survived a young collection into the old
 * generation (what makes full collections come round). Not part of `npm run bench`.
 */
import {
	chmodSync,
	closeSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	readSync,
	statSync,
	writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { WORK_DIR } from "./lib/config.mjs";
import { ensureWrk, runRound, writeScript } from "./lib/load.mjs";
import { pidsOf, stopProcesses } from "./lib/processes.mjs";
import { miniflareWorkerd } from "./lib/serve.mjs";
import { probeByName, stage } from "./lib/stage.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) =>
	Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROUNDS = opt("rounds", 4);
const SECONDS = opt("seconds", 3);
const GC = args.includes("--gc");
const names = args.filter((a) => !a.startsWith("--"));
if (names.length === 0) names.push("noop", "cookie-decision", "passthrough-html", "guard-html-rewrite");
const log = (line) => console.log(line);
const TICK = 100; // USER_HZ

/**
 * Bytes read and written (any file or socket), context switches and minor page faults of these
 * processes. A fault is the kernel handing a page of fresh memory to the process, zeroed first: an
 * allocator that gives memory back between requests pays for it again at every one.
 */
function io(pids) {
	let read = 0;
	let written = 0;
	let switches = 0;
	let faults = 0;
	for (const pid of pids) {
		try {
			const text = readFileSync(`/proc/${pid}/io`, "utf8");
			read += Number(/^rchar: (\d+)/m.exec(text)?.[1] ?? 0);
			written += Number(/^wchar: (\d+)/m.exec(text)?.[1] ?? 0);
			faults += Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[7]);
			for (const task of readdirSync(`/proc/${pid}/task`)) {
				const status = readFileSync(`/proc/${pid}/task/${task}/status`, "utf8");
				switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
			}
		} catch {}
	}
	return { read, written, switches, faults };
}

/** Summed user and kernel seconds of these processes (all their threads). */
function cpu(pids) {
	let user = 0;
	let sys = 0;
	for (const pid of pids) {
		try {
			const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
			user += Number(fields[11]) / TICK;
			sys += Number(fields[12]) / TICK;
		} catch {}
	}
	return { user, sys };
}

/**
 * Serves workerd through a wrapper that appends its standard output, line-buffered, to a log, with
 * V8's collector tracing on: each collection is one JSON line. Returns the log's path.
 */
function traceCollections() {
	const workerd = miniflareWorkerd();
	const logPath = join(WORK_DIR, "gc-trace.log");
	const wrapper = join(WORK_DIR, "gc-workerd.sh");
	// A fresh clone has no bench/.work/ until a build makes it, and the log is opened before that.
	mkdirSync(WORK_DIR, { recursive: true });
	writeFileSync(logPath, "");
	writeFileSync(wrapper, `#!/bin/sh\nexec stdbuf -oL '${workerd}' "$@" >> '${logPath}'\n`);
	chmodSync(wrapper, 0o755);
	process.env.MINIFLARE_WORKERD_PATH = wrapper;
	process.env.MINIFLARE_WORKERD_V8_FLAGS = "--trace-gc-nvp";
	return logPath;
}

/** The log's bytes from `offset` on. */
function readFrom(path, offset) {
	const size = statSync(path).size;
	const buffer = Buffer.alloc(Math.max(0, size - offset));
	const fd = openSync(path, "r");
	try {
		readSync(fd, buffer, 0, buffer.length, offset);
	} finally {
		closeSync(fd);
	}
	return { text: buffer.toString("utf8"), size };
}

/** Collections in a stretch of the trace: young ("s") and full, their pauses, promoted bytes. */
function collections(text) {
	const out = { young: 0, full: 0, youngMs: 0, fullMs: 0, promoted: 0 };
	for (const line of text.split("\n")) {
		const json = line.indexOf("GC: {");
		if (json < 0) continue;
		let gc;
		try {
			gc = JSON.parse(line.slice(json + 4));
		} catch {
			continue;
		}
		if (gc.gc === "s" || gc.gc === "mmc") {
			out.young++;
			out.youngMs += gc.pause;
			out.promoted += gc.promoted ?? 0;
		} else {
			out.full++;
			out.fullMs += gc.pause;
		}
	}
	return out;
}

ensureWrk(log);
const gcLog = GC ? traceCollections() : null;
const { workers, scenarios } = await stage({ log });
const groups = { workerd: pidsOf("workerd serve"), origin: pidsOf("origin/server.mjs") };
log(`workerd pids ${groups.workerd.join(",")}, origin pids ${groups.origin.join(",")}`);
const totals = Object.fromEntries(
	names.map((n) => [
		n,
		{
			requests: 0,
			seconds: 0,
			workerd: { user: 0, sys: 0 },
			origin: { user: 0, sys: 0 },
			io: { read: 0, written: 0, switches: 0, faults: 0 },
			gc: { young: 0, full: 0, youngMs: 0, fullMs: 0, promoted: 0 },
		},
	]),
);
const cursors = {};
for (const name of names) {
	const s = scenarios[name];
	await probeByName(scenarios, name, workers.urls);
	const script = writeScript(`${name}-cpu`, s.spec);
	const warm = await runRound({ url: workers.urls[s.worker], script, seconds: 2 });
	cursors[name] = { script, offset: warm.sent };
}
for (let r = 0; r < ROUNDS; r++) {
	for (const name of r % 2 === 0 ? names : [...names].reverse()) {
		const s = scenarios[name];
		const traced = gcLog ? statSync(gcLog).size : 0;
		const before = { workerd: cpu(groups.workerd), origin: cpu(groups.origin), io: io(groups.workerd) };
		const round = await runRound({
			url: workers.urls[s.worker],
			script: cursors[name].script,
			seconds: SECONDS,
			offset: cursors[name].offset,
		});
		const after = { workerd: cpu(groups.workerd), origin: cpu(groups.origin), io: io(groups.workerd) };
		for (const k of ["read", "written", "switches", "faults"])
			totals[name].io[k] += after.io[k] - before.io[k];
		if (gcLog) {
			const round = collections(readFrom(gcLog, traced).text);
			for (const k of Object.keys(round)) totals[name].gc[k] += round[k];
		}
		cursors[name].offset += round.sent;
		const t = totals[name];
		t.requests += round.requests;
		t.seconds += round.seconds;
		for (const g of ["workerd", "origin"])
			for (const k of ["user", "sys"]) t[g][k] += after[g][k] - before[g][k];
	}
}
const us = (x, n) => ((x / n) * 1e6).toFixed(1).padStart(8);
log(
	`\n${ROUNDS} rounds of ${SECONDS} s; CPU microseconds per request (USER_HZ ticks, so +-${((1 / TICK / (ROUNDS * SECONDS * 1000)) * 1e6).toFixed(2)} us at 1k req/s)`,
);
log(
	`${"scenario".padEnd(22)} ${"req/s".padStart(8)} ${"wd user".padStart(8)} ${"wd sys".padStart(8)} ${"origin".padStart(8)} ${"wd busy".padStart(8)} ${"io B/req".padStart(9)} ${"vcsw/req".padStart(8)} ${"flt/req".padStart(8)}`,
);
for (const name of names) {
	const t = totals[name];
	const busy = (t.workerd.user + t.workerd.sys) / t.seconds;
	log(
		`${name.padEnd(22)} ${(t.requests / t.seconds).toFixed(0).padStart(8)} ${us(t.workerd.user, t.requests)} ${us(t.workerd.sys, t.requests)} ${us(t.origin.user + t.origin.sys, t.requests)} ${busy.toFixed(2).padStart(8)} ${((t.io.read + t.io.written) / t.requests).toFixed(0).padStart(9)} ${(t.io.switches / t.requests).toFixed(2).padStart(8)} ${(t.io.faults / t.requests).toFixed(2).padStart(8)}`,
	);
}
if (GC) {
	log(
		"\nV8's collector (all isolates, during each scenario's rounds): pause per request, collections per 1,000 requests, bytes promoted to the old generation per request",
	);
	log(
		`${"scenario".padEnd(22)} ${"young us".padStart(9)} ${"full us".padStart(8)} ${"young/1k".padStart(9)} ${"full/1k".padStart(8)} ${"full ms".padStart(8)} ${"promo B".padStart(8)}`,
	);
	for (const name of names) {
		const { requests, gc } = totals[name];
		const per = (x) => (x / requests).toFixed(1);
		log(
			`${name.padEnd(22)} ${((gc.youngMs * 1000) / requests).toFixed(2).padStart(9)} ${((gc.fullMs * 1000) / requests).toFixed(2).padStart(8)} ${((gc.young * 1000) / requests).toFixed(3).padStart(9)} ${((gc.full * 1000) / requests).toFixed(3).padStart(8)} ${(gc.full ? gc.fullMs / gc.full : 0).toFixed(1).padStart(8)} ${per(gc.promoted).padStart(8)}`,
		);
	}
}
await workers.dispose?.();
stopProcesses();
process.exit(0);
