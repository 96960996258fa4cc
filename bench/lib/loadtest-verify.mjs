/**
 * After the load: waits until background work (waitUntil KV fills, GPC persistence, the consent
 * queue's consumer) has stopped changing D1, then checks every acknowledged write against D1
 * (Miniflare's getD1Database): present, exactly once, with the state it set.
 */

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CHUNK = 500;

async function counts(db) {
	return db
		.prepare(
			`SELECT (SELECT COUNT(*) FROM consent_records) AS records,
				(SELECT COUNT(*) FROM consent_subjects) AS subjects,
				(SELECT COUNT(*) FROM email_suppressions) AS suppressions,
				(SELECT COUNT(*) FROM idempotency_keys) AS idempotency_keys`,
		)
		.first();
}

/** Polls D1's row counts until `stableReadings` readings in a row agree, at most `maxMs`. */
export async function settle(db, { intervalMs, stableReadings, maxMs }) {
	const started = Date.now();
	let last = null;
	let same = 0;
	for (;;) {
		const now = await counts(db);
		const key = JSON.stringify(now);
		same = key === last ? same + 1 : 1;
		last = key;
		if (same >= stableReadings) return { settled: true, ms: Date.now() - started, counts: now };
		if (Date.now() - started > maxMs) return { settled: false, ms: Date.now() - started, counts: now };
		await sleep(intervalMs);
	}
}

/** Runs `sql` (with ?1 = a JSON array of `values`) in chunks and concatenates the rows. */
async function rowsFor(db, sql, values, ...params) {
	const out = [];
	for (let i = 0; i < values.length; i += CHUNK) {
		const { results } = await db
			.prepare(sql)
			.bind(JSON.stringify(values.slice(i, i + CHUNK)), ...params)
			.all();
		out.push(...results);
	}
	return out;
}

const IN_LIST = "IN (SELECT value FROM json_each(?1))";

/** For consent writes: record count and state per subject. */
async function consentRows(db, subjects) {
	const records = await rowsFor(
		db,
		`SELECT subject, COUNT(*) AS n, MAX(purposes) AS purposes FROM consent_records WHERE subject ${IN_LIST} GROUP BY subject`,
		subjects,
	);
	const states = await rowsFor(
		db,
		`SELECT subject, version, purposes FROM consent_subjects WHERE subject ${IN_LIST}`,
		subjects,
	);
	return {
		records: new Map(records.map((r) => [r.subject, r])),
		states: new Map(states.map((r) => [r.subject, r])),
	};
}

function tally(name, acknowledged, countOf, stateProblem) {
	const t = {
		name,
		acknowledged: acknowledged.length,
		once: 0,
		lost: 0,
		duplicated: 0,
		wrongState: 0,
		samples: [],
	};
	for (const id of acknowledged) {
		const n = countOf(id);
		if (n === 0) t.lost++;
		else if (n > 1) t.duplicated++;
		else t.once++;
		const problem = n === 0 ? "lost" : n > 1 ? `present ${n} times` : stateProblem(id);
		if (problem && n === 1) t.wrongState++;
		if (problem && t.samples.length < 5) t.samples.push(`${id}: ${problem}`);
	}
	return t;
}

const parse = (text) => {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
};

/**
 * @param {D1Database} db
 * @param {ReturnType<import("./loadtest-ops.mjs").createLedger>} ledger
 * @param {{ list: string, decoyHashes: string[] }} extra
 */
export async function verify(db, ledger, { list, decoyHashes }) {
	const out = [];

	// Keyed writes: one record and a state of version 1 carrying exactly the purposes written.
	const keyed = [...ledger.keyed.keys()];
	const k = await consentRows(db, keyed);
	out.push(
		tally(
			"keyed writes",
			keyed,
			(s) => Number(k.records.get(s)?.n ?? 0),
			(s) => {
				const state = k.states.get(s);
				if (!state) return "no state row";
				if (state.version !== 1) return `state version ${state.version}`;
				const stored = parse(state.purposes) ?? {};
				const wanted = ledger.keyed.get(s);
				for (const [p, v] of Object.entries(wanted))
					if (stored[p] !== v) return `state ${p}=${stored[p]}, wrote ${v}`;
				return null;
			},
		),
	);

	// Visitor opt-outs: one record and a state with every purpose false.
	const optOuts = [...ledger.optOuts];
	const o = await consentRows(db, optOuts);
	out.push(
		tally(
			"visitor opt-outs",
			optOuts,
			(s) => Number(o.records.get(s)?.n ?? 0),
			(s) => {
				const state = o.states.get(s);
				if (!state) return "no state row";
				const stored = parse(state.purposes) ?? {};
				const record = parse(o.records.get(s)?.purposes) ?? {};
				const allFalse = (p) => Object.keys(p).length >= 5 && Object.values(p).every((v) => v === false);
				if (!allFalse(stored)) return `state purposes ${state.purposes}`;
				if (!allFalse(record)) return `record purposes ${o.records.get(s)?.purposes}`;
				return null;
			},
		),
	);

	// Unsubscribes: one suppression row per acknowledged address for the list.
	const hashes = [...ledger.unsubscribed.values()];
	const rows = await rowsFor(
		db,
		`SELECT email_hash, COUNT(*) AS n FROM email_suppressions WHERE list = ?2 AND email_hash ${IN_LIST} GROUP BY email_hash`,
		hashes,
		list,
	);
	const byHash = new Map(rows.map((r) => [r.email_hash, Number(r.n)]));
	out.push(
		tally(
			"one-click unsubscribes",
			hashes,
			(h) => byHash.get(h) ?? 0,
			() => null,
		),
	);

	// What D1 holds beyond the acknowledged writes (written although the answer was lost or failed,
	// or a forged token that got through): subjects and rows no acknowledged write accounts for.
	const { results: keyedInD1 } = await db
		.prepare("SELECT DISTINCT subject FROM consent_records WHERE subject LIKE ?1")
		.bind(`lt:${ledger.runId}:%`)
		.all();
	const tried = [...ledger.optOutTried].filter((s) => !ledger.optOuts.has(s));
	const optOutsInD1 = await rowsFor(
		db,
		`SELECT COUNT(DISTINCT subject) AS n FROM consent_records WHERE subject ${IN_LIST}`,
		tried,
	);
	const { results: suppressed } = await db.prepare("SELECT email_hash FROM email_suppressions").all();
	const acknowledgedHashes = new Set(hashes);
	const decoys = new Set(decoyHashes);
	const extras = {
		keyedUnacknowledged: keyedInD1.filter((r) => !ledger.keyed.has(r.subject)).length,
		optOutsUnacknowledged: optOutsInD1.reduce((n, r) => n + Number(r.n), 0),
		suppressionsUnacknowledged: suppressed.filter((r) => !acknowledgedHashes.has(r.email_hash)).length,
		forgedSuppressed: suppressed.filter((r) => decoys.has(r.email_hash)).length,
	};

	const total = { acknowledged: 0, once: 0, lost: 0, duplicated: 0, wrongState: 0 };
	for (const t of out) for (const key of Object.keys(total)) total[key] += t[key];
	return { kinds: out, total, extras };
}
