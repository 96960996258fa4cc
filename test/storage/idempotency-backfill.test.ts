/**
 * Idempotency answers carry their subject (migration 0003); 0004 links answers stored before it: a
 * 200 answer names its subject, a 303 answer (and anything not JSON) stays unlinked.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, keyed } from "../helpers";

const backfill = () => {
	const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0004_"));
	if (!migration) throw new Error("no migration 0004");
	return migration.queries;
};

async function insertAnswer(key: string, status: number, body: string) {
	await env.DB.prepare(
		"INSERT INTO idempotency_keys (key, subject, request_hash, status, body, created_at) VALUES (?, NULL, 'h', ?, ?, ?)",
	)
		.bind(key, status, body, Date.now())
		.run();
}

describe("migration 0004 (idempotency answers' subjects)", () => {
	it("fills in the subject of decision documents stored before the column, and only theirs", async () => {
		await insertAnswer("old-200", 200, JSON.stringify({ subject: "user:old", version: 1 }));
		await insertAnswer("old-303", 303, "");
		await insertAnswer("old-odd", 200, "not json");
		await env.DB.prepare(
			"INSERT INTO idempotency_keys (key, subject, request_hash, status, body, created_at) VALUES ('new', 'user:new', 'h', 200, ?, ?)",
		)
			.bind(JSON.stringify({ subject: "user:other" }), Date.now())
			.run();
		for (const query of backfill()) await env.DB.prepare(query).run();
		const rows = await env.DB.prepare("SELECT key, subject FROM idempotency_keys ORDER BY key").all();
		expect(rows.results).toEqual([
			{ key: "new", subject: "user:new" },
			{ key: "old-200", subject: "user:old" },
			{ key: "old-303", subject: null },
			{ key: "old-odd", subject: null },
		]);
	});

	it("a write stores its answer with its subject", async () => {
		const headers = { "Idempotency-Key": "with-subject" };
		const res = await call(
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject: "user:answered", purposes: { ads: false } }, { headers }) }),
		);
		expect(res.status).toBe(200);
		const row = await env.DB.prepare("SELECT subject FROM idempotency_keys WHERE subject = ?")
			.bind("user:answered")
			.first();
		expect(row).toEqual({ subject: "user:answered" });
	});
});
