/**
 * `npx node bench/deopt-trace.mjs [scenario ...] [--seconds=N] [--warmup=N] [--predictable] [--dump=FILE]`: whether a scenario's
 * code stays optimized. Stages the bench with an unminified build (V8 prints the bundle's function
 * names) and V8's `--trace-opt --trace-deopt`, warms each scenario up with wrk, then drives it for N seconds and counts what V8
 * did meanwhile: functions compiled by an optimizing tier, code thrown away ("marking dependent code
 * ... for deoptimization", by reason) and bailouts, by function. In a steady state there should be
 * none: session 48 found guardRequest, guardDecision and the guard's verdict compiled again after every
 * full collection ("embedded weak objects cleared": no verdict was alive to keep its shape, so the
 * code that had inlined it was dropped; bench/HISTORY.md). workerd's trace covers every isolate, the
 * simulators' (D1, KV) too; their functions show under their own names. Not part of `npm run bench`.
 */
import { appendFileSync } from "node:fs";
import { ensureWrk, runRound, writeScript } from "./lib/load.mjs";
import { stopProcesses } from "./lib/processes.mjs";
import { probe, stage } from "./lib/stage.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) =>
	Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const seconds = option("seconds", 10);
const warmup = option("warmup", 5);
/** `--dump=FILE`: every line counted, by scenario, appended to FILE. */
const dump = args.find((a) => a.startsWith("--dump="))?.slice("--dump=".length);
const wanted = args.filter((a) => !a.startsWith("--"));
const names = wanted.length
	? wanted
	: ["cookie-decision", "gpc-decision", "guard-strip-redirect", "beacon-block"];

// `--predictable` as instructions.mjs runs V8 (no GC or compiler threads): full collections come far
// more often than in V8's normal mode, so what they drop shows within seconds.
process.env.MINIFLARE_WORKERD_V8_FLAGS = `--trace-opt --trace-deopt${args.includes("--predictable") ? " --predictable" : ""}`;

const COMPILED =
	/^\[completed compiling 0x[0-9a-f]+ <JSFunction (\S*) ?\(sfi = (0x[0-9a-f]+)\)>.*\(target (\w+)\)/;
const DROPPED =
	/^\[marking dependent code .*<SharedFunctionInfo ?([^>]*)>\).* for deoptimization, reason: (.+)\]$/;
const BAILOUT =
	/^\[bailout \(kind: ([\w-]+), reason: ([^)]*)\): begin\. deoptimizing 0x[0-9a-f]+ <JSFunction (\S*) /;

/** Counts of `key` in `lines` matched by `pattern`, `key` built from its groups. */
function tally(lines, pattern, key) {
	const counts = new Map();
	for (const line of lines) {
		const m = pattern.exec(line);
		if (m) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
	}
	return [...counts].sort((a, b) => b[1] - a[1]);
}

function print(title, counts) {
	const total = counts.reduce((sum, [, n]) => sum + n, 0);
	console.log(`  ${title}: ${total}`);
	for (const [key, n] of counts.slice(0, 15)) console.log(`    ${String(n).padStart(4)}  ${key}`);
}

async function main() {
	ensureWrk(console.log);
	let lines = null;
	const { workers, scenarios } = await stage({
		log: console.log,
		minify: false,
		runtimeLog: (_level, message) => lines?.push(...message.split("\n")),
	});
	console.log(
		`V8 flags: ${process.env.MINIFLARE_WORKERD_V8_FLAGS}; ${warmup} s warm-up, then ${seconds} s counted`,
	);
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
		const script = writeScript(`deopt-${name}`, s.spec);
		await runRound({ url: workers.urls[s.worker], script, seconds: warmup });
		lines = [];
		const round = await runRound({ url: workers.urls[s.worker], script, seconds });
		const seen = lines;
		lines = null;
		if (dump) appendFileSync(dump, `=== ${name}\n${seen.join("\n")}\n`);
		console.log(`\n=== ${name}: ${round.requests} requests in ${seconds} s after the warm-up`);
		print(
			"optimized compiles",
			tally(seen, COMPILED, (m) => `${m[1] || `(anonymous ${m[2]})`} (${m[3]})`),
		);
		print(
			"code dropped",
			tally(seen, DROPPED, (m) => `${m[1] || "(anonymous)"}: ${m[2]}`),
		);
		print(
			"bailouts",
			tally(seen, BAILOUT, (m) => `${m[3] || "(anonymous)"}: ${m[1]}, ${m[2]}`),
		);
	}
	await workers.dispose();
	stopProcesses();
}

main().catch(async (err) => {
	console.error(err);
	stopProcesses();
	process.exit(1);
});
