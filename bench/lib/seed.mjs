/**
 * Seeds the local D1 and KV behind the Worker: migrations/*.sql in wrangler's order, then the bench's
 * subjects with their audit records (multi-row inserts under D1's 100 bound parameters), then the
 * KV warm set (`state:<subject>`, the Worker's cache format).
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { unstable_splitSqlQuery } from "wrangler";
import { DATA, ROOT } from "./config.mjs";
import { seededPurposes, seededVid, visitorSubject } from "./visitors.mjs";

const ROWS_PER_STATEMENT = 200;
const POLICY_VERSION = "2026-11";
const KV_EXPIRATION_TTL_S = 7 * 24 * 3600;

export async function applyMigrations(db) {
	const dir = join(ROOT, "migrations");
	const files = readdirSync(dir)
		.filter((f) => f.endsWith(".sql"))
		.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
	for (const file of files) {
		const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
		await db.batch(statements.map((s) => db.prepare(s)));
	}
	return files;
}

/** A SQL literal for the bench's own generated values (strings, integers, null). */
function literal(value) {
	if (value === null) return "NULL";
	if (typeof value === "number") return String(value);
	return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * Multi-row INSERTs of `rows` into `table` as literal SQL, one statement per line (what D1's exec()
 * expects), each well under D1's 100 KB statement limit and with no bound parameters at all.
 */
function insertSql(table, columns, rows) {
	const lines = [];
	for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
		const values = rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => `(${row.map(literal).join(",")})`);
		lines.push(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values.join(",")};`);
	}
	return lines.join("\n");
}

/** Subject i's stored state and its audit trail (every tenth subject changed its mind once). */
function seededSubject(i, now) {
	const subject = visitorSubject(seededVid(i));
	const purposes = seededPurposes(i);
	const sources = Object.fromEntries(Object.keys(purposes).map((p) => [p, "ui"]));
	const versions = i % 10 === 0 ? 2 : 1;
	const updatedAt = now - (i % 1000) * 60_000;
	const records = [];
	let previous = null;
	for (let v = 1; v <= versions; v++) {
		const id = randomUUID();
		const snapshot = v === versions ? purposes : { ...purposes, analytics: !purposes.analytics };
		const at = updatedAt - (versions - v) * 86_400_000;
		const json = JSON.stringify(snapshot);
		records.push([id, subject, v, at, "US-CA", json, json, "ui", 0, POLICY_VERSION, previous]);
		previous = id;
	}
	// Inserted pointing at the first record; seed() then moves it to the last (migration 0005's trigger
	// takes a record only as the continuation of the chain its subject row holds).
	const row = [
		subject,
		versions,
		JSON.stringify(purposes),
		JSON.stringify(sources),
		POLICY_VERSION,
		null,
		records[0][0],
		updatedAt - (versions - 1) * 86_400_000,
		updatedAt,
	];
	const state = { version: versions, purposes, sources, policyVersion: POLICY_VERSION, updatedAt };
	return { subject, row, records, state };
}

/**
 * @param {import("miniflare").Miniflare} mf
 * @param {string} workerName the worker whose `DB` binding to fill
 * @param {string} kvAdminUrl the kv-admin helper bound to the same KV namespace
 */
export async function seed(mf, workerName, kvAdminUrl) {
	const db = await mf.getD1Database("DB", workerName);
	const migrations = await applyMigrations(db);

	const now = Date.now();
	const subjects = [];
	const subjectRows = [];
	const recordRows = [];
	for (let i = 0; i < DATA.subjects; i++) {
		const s = seededSubject(i, now);
		subjects.push(s);
		subjectRows.push(s.row);
		recordRows.push(...s.records);
	}
	const recordColumns = [
		"record_id",
		"subject",
		"version",
		"created_at",
		"jurisdiction",
		"purposes",
		"changes",
		"source",
		"gpc",
		"policy_version",
		"previous_record_id",
	];
	// In the order writes make them: first records, the subjects on them, the later records, and each
	// subject's last_record_id moved to its last record.
	const sql = [
		insertSql(
			"consent_records",
			recordColumns,
			recordRows.filter((r) => r[2] === 1),
		),
		insertSql(
			"consent_subjects",
			[
				"subject",
				"version",
				"purposes",
				"sources",
				"policy_version",
				"email_hash",
				"last_record_id",
				"created_at",
				"updated_at",
			],
			subjectRows,
		),
		insertSql(
			"consent_records",
			recordColumns,
			recordRows.filter((r) => r[2] > 1),
		),
		"UPDATE consent_subjects SET last_record_id = (SELECT record_id FROM consent_records r WHERE r.subject = consent_subjects.subject ORDER BY version DESC LIMIT 1) WHERE version > 1;",
	].join("\n");
	await db.exec(sql);
	const counted = await db.prepare("SELECT COUNT(*) AS n FROM consent_subjects").first();

	const warm = subjects.slice(0, DATA.kvWarm);
	await kvAdmin(
		kvAdminUrl,
		"put",
		warm.map((s) => [`state:${s.subject}`, JSON.stringify(s.state), KV_EXPIRATION_TTL_S]),
	);
	return {
		migrations,
		subjects: counted.n,
		records: recordRows.length,
		kvWarm: DATA.kvWarm,
		subjectIds: subjects.map((s) => s.subject),
	};
}

async function kvAdmin(url, op, items) {
	let existed = 0;
	for (let i = 0; i < items.length; i += 500) {
		const res = await fetch(`${url}/${op}`, {
			method: "POST",
			body: JSON.stringify(items.slice(i, i + 500)),
		});
		if (!res.ok) throw new Error(`kv-admin ${op}: ${res.status} ${await res.text()}`);
		existed += (await res.json()).existed ?? 0;
	}
	return existed;
}

/**
 * Deletes the KV entries of subjects [from, to), which the D1 scenario's reads fill in the
 * background, and answers how many had been filled.
 */
export function dropKvEntries(kvAdminUrl, subjectIds, from, to) {
	return kvAdmin(
		kvAdminUrl,
		"delete",
		subjectIds.slice(from, to).map((s) => `state:${s}`),
	);
}
