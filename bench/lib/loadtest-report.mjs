/**
 * The load test's summary: a table per operation, the abuse phase, the D1 verification and the
 * verdict, as plain lines (printed, and pasted into bench/README.md as an example).
 */

const pad = (s, n) => String(s).padEnd(n);
const ORDER = [
	"unsubscribe-link",
	"lookup",
	"gpc-check",
	"keyed-write",
	"keyed-write-retry",
	"opt-out",
	"unsubscribe",
	"unsubscribe-repeat",
	"guarded-page",
	"unsubscribe-forged",
	"unsubscribe-same-client",
];
const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
const lpad = (s, n) => String(s).padStart(n);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-");

/**
 * @returns {{ lines: string[], failures: string[] }}
 */
export function summarise({
	header,
	rows: unordered,
	loadSeconds,
	abuse,
	ledger,
	settled,
	verified,
	links,
	workerLogs,
	unexpected,
}) {
	const rows = [...unordered].sort((a, b) => rank(a.name) - rank(b.name));
	const lines = [...header, ""];
	lines.push(`${pad("operation", 32)}${lpad("count", 7)}${lpad("p50 ms", 9)}${lpad("p99 ms", 9)}  statuses`);
	let loadCount = 0;
	for (const r of rows) {
		if (r.phase === "load") loadCount += r.count;
		const note = r.phase === "load" ? "" : ` (${r.phase})`;
		lines.push(
			`${pad(r.name + note, 32)}${lpad(r.count, 7)}${lpad(ms(r.p50), 9)}${lpad(ms(r.p99), 9)}  ${r.statuses}`,
		);
	}
	const total = rows.reduce((n, r) => n + r.count, 0);
	lines.push(
		`${pad("total", 32)}${lpad(total, 7)}  (mixed load: ${loadCount} requests in ${loadSeconds.toFixed(1)} s, ${(loadCount / loadSeconds).toFixed(0)} req/s)`,
	);
	lines.push("");
	const forged = rows.find((r) => r.name === "unsubscribe-forged");
	const genuine429 = ["unsubscribe", "unsubscribe-repeat", "unsubscribe-same-client"].reduce(
		(n, name) => n + (rows.find((r) => r.name === name)?.status(429) ?? 0),
		0,
	);
	lines.push(
		`abuse phase: ${abuse.posts} forged-token POSTs from ${abuse.address} at t=${abuse.at.toFixed(1)} s (UNSUBSCRIBE_LIMITER ${abuse.limit}): ${forged?.statuses ?? "none"}; intended 429s: ${abuse.limited}`,
	);
	const genuineSent = ["unsubscribe", "unsubscribe-repeat", "unsubscribe-same-client"].reduce(
		(n, name) => n + (rows.find((r) => r.name === name)?.count ?? 0),
		0,
	);
	lines.push(
		`genuine one-click unsubscribes answered 429: ${genuine429} of ${genuineSent} (${abuse.genuine} answered 200 from ${abuse.address} right after its burst, ${ledger.genuineAfterLimit} more from it during the load)`,
	);
	if (links.exhaustedAt !== null)
		lines.push(
			`unsubscribe links ran out at t=${links.exhaustedAt.toFixed(1)} s (LOADTEST_UNSUB_LINKS=${links.created})`,
		);
	lines.push(`unexpected answers: ${unexpected}`);
	for (const r of rows) for (const s of r.samples) lines.push(`  ${r.name}: ${s}`);
	lines.push("");
	lines.push(
		`background work settled after ${(settled.ms / 1000).toFixed(1)} s${settled.settled ? "" : " (NOT stable: gave up)"}: D1 holds ${settled.counts.records} records, ${settled.counts.subjects} subjects, ${settled.counts.suppressions} suppressions`,
	);
	for (const k of verified.kinds) {
		const extra =
			k.name === "keyed writes"
				? ` (${ledger.keyedRetried} retried with the same Idempotency-Key)`
				: k.name === "one-click unsubscribes"
					? ` (${ledger.reposted} posted twice)`
					: "";
		const state = k.name === "one-click unsubscribes" ? "" : `, wrong state ${k.wrongState}`;
		lines.push(
			`  ${pad(k.name, 23)} acknowledged ${k.acknowledged}${extra}: exactly once ${k.once}, lost ${k.lost}, duplicated ${k.duplicated}${state}`,
		);
		for (const s of k.samples) lines.push(`    ${s}`);
	}
	const x = verified.extras;
	lines.push(
		`  not acknowledged but present: keyed ${x.keyedUnacknowledged}, opt-outs ${x.optOutsUnacknowledged}, suppressions ${x.suppressionsUnacknowledged}; forged tokens' addresses suppressed: ${x.forgedSuppressed}`,
	);
	const t = verified.total;
	lines.push(
		`acknowledged writes: ${t.acknowledged}, present exactly once: ${t.once}, lost: ${t.lost}, duplicated: ${t.duplicated}`,
	);
	if (workerLogs.length) lines.push(`worker console warnings/errors: ${workerLogs.slice(0, 5).join("; ")}`);

	const failures = [];
	if (t.lost) failures.push(`${t.lost} acknowledged writes lost`);
	if (t.duplicated) failures.push(`${t.duplicated} writes duplicated`);
	if (t.wrongState) failures.push(`${t.wrongState} writes with the wrong state`);
	if (unexpected) failures.push(`${unexpected} unexpected answers`);
	if (!abuse.limited) failures.push("the abuse phase met no 429");
	if (genuine429) failures.push(`${genuine429} genuine unsubscribes limited`);
	if (x.forgedSuppressed) failures.push("a forged token suppressed an address");
	if (!settled.settled) failures.push("background work did not settle");
	lines.push(failures.length ? `result: FAIL (${failures.join("; ")})` : "result: PASS");
	return { lines, failures };
}
