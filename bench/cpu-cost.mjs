/**
 * `npx node bench/cpu-cost.mjs [scenario ...] [--rounds=N] [--seconds=S]`: CPU time per request, by
 * process, from /proc (user and kernel time of workerd and of the bench's origin server), while wrk
 * drives each scenario in alternating rounds. A ratio of requests/s tells what a scenario costs only
 * when workerd is the bottleneck; this says where the time of a request went (the isolate's thread,
 * the kernel's socket work, the origin) and whether workerd was busy all the time. Not part of
 * `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { ensureWrk, runRound, writeScript } from "./lib/load.mjs";
import { stopProcesses } from "./lib/processes.mjs";
import { probe, stage } from "./lib/stage.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) =>
	Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROUNDS = opt("rounds", 4);
const SECONDS = opt("seconds", 3);
const names = args.filter((a) => !a.startsWith("--"));
if (names.length === 0) names.push("noop", "cookie-decision", "passthrough-html", "guard-html-rewrite");
const log = (line) => console.log(line);
const TICK = 100; // USER_HZ

function pidsOf(pattern) {
	try {
		return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).trim().split("\n").map(Number);
	} catch {
		return [];
	}
}

/** Bytes read and written (any file or socket) and context switches of these processes. */
function io(pids) {
	let read = 0;
	let written = 0;
	let switches = 0;
	for (const pid of pids) {
		try {
			const text = readFileSync(`/proc/${pid}/io`, "utf8");
			read += Number(/^rchar: (\d+)/m.exec(text)?.[1] ?? 0);
			written += Number(/^wchar: (\d+)/m.exec(text)?.[1] ?? 0);
			for (const task of readdirSync(`/proc/${pid}/task`)) {
				const status = readFileSync(`/proc/${pid}/task/${task}/status`, "utf8");
				switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
			}
		} catch {}
	}
	return { read, written, switches };
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

ensureWrk(log);
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
			io: { read: 0, written: 0, switches: 0 },
		},
	]),
);
const cursors = {};
for (const name of names) {
	const s = scenarios[name];
	if (s.replays) await probe(scenarios[s.replays], workers.urls[scenarios[s.replays].worker]);
	await probe(s, workers.urls[s.worker]);
	const script = writeScript(`${name}-cpu`, s.spec);
	const warm = await runRound({ url: workers.urls[s.worker], script, seconds: 2 });
	cursors[name] = { script, offset: warm.sent };
}
for (let r = 0; r < ROUNDS; r++) {
	for (const name of r % 2 === 0 ? names : [...names].reverse()) {
		const s = scenarios[name];
		const before = { workerd: cpu(groups.workerd), origin: cpu(groups.origin), io: io(groups.workerd) };
		const round = await runRound({
			url: workers.urls[s.worker],
			script: cursors[name].script,
			seconds: SECONDS,
			offset: cursors[name].offset,
		});
		const after = { workerd: cpu(groups.workerd), origin: cpu(groups.origin), io: io(groups.workerd) };
		for (const k of ["read", "written", "switches"]) totals[name].io[k] += after.io[k] - before.io[k];
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
	`${"scenario".padEnd(22)} ${"req/s".padStart(8)} ${"wd user".padStart(8)} ${"wd sys".padStart(8)} ${"origin".padStart(8)} ${"wd busy".padStart(8)} ${"io B/req".padStart(9)} ${"vcsw/req".padStart(8)}`,
);
for (const name of names) {
	const t = totals[name];
	const busy = (t.workerd.user + t.workerd.sys) / t.seconds;
	log(
		`${name.padEnd(22)} ${(t.requests / t.seconds).toFixed(0).padStart(8)} ${us(t.workerd.user, t.requests)} ${us(t.workerd.sys, t.requests)} ${us(t.origin.user + t.origin.sys, t.requests)} ${busy.toFixed(2).padStart(8)} ${((t.io.read + t.io.written) / t.requests).toFixed(0).padStart(9)} ${(t.io.switches / t.requests).toFixed(2).padStart(8)}`,
	);
}
await workers.dispose?.();
stopProcesses();
process.exit(0);
