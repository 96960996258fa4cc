/**
 * The retention purge at the volumes a busy deployment reaches: idempotency answers expire after a
 * day, so a site sending Idempotency-Key on every write at a few writes per second has hundreds of
 * thousands to delete each day; records older than the retention period pile up the same way after
 * RECORD_RETENTION_DAYS is shortened. One run must delete all of them, within the D1 queries one
 * invocation may make (1000 on Paid) across every shard.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { PURGE_QUERY_BUDGET, purgeExpired, purgeShards } from "../../workers/storage/retention";
import { envWith } from "../helpers";

const DAY = 86_400_000;
const BACKLOG = 100_500;

/** Seeds `count` answers stored two days ago, ~1.5 KB each like a decision document. */
async function seedExpiredAnswers(db: D1Database, count: number, prefix = "expired") {
	await db
		.prepare(
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
			INSERT INTO idempotency_keys (key, subject, request_hash, status, body, created_at)
			SELECT ?3 || i, 'user:busy-' || (i % 1000), 'h', 200, printf('%.1500c', 'x'), ?2 - i FROM n`,
		)
		.bind(count, Date.now() - 2 * DAY, `${prefix}-`)
		.run();
}

/** Seeds `count` records of subjects with a later record each, all past the retention period. */
async function seedExpiredRecords(db: D1Database, count: number) {
	await db
		.prepare(
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
			INSERT INTO consent_records (record_id, subject, version, created_at, jurisdiction, purposes, changes, source, gpc, policy_version, previous_record_id)
			SELECT 'old-' || i, 'user:old-' || i, 1, ?2 - i, 'US-CA', '{"ads":false}', '{"ads":false}', 'api', 0, NULL, NULL FROM n`,
		)
		.bind(count, Date.now() - 800 * DAY)
		.run();
}

async function count(db: D1Database, sql: string) {
	return (await db.prepare(sql).first<{ n: number }>())?.n ?? 0;
}

/** The real database, counting the statements prepared on it (each one D1 query). */
function counting(db: D1Database) {
	const counter = { queries: 0 };
	const wrapped = new Proxy(db, {
		get(target, name) {
			if (name === "prepare")
				return (sql: string) => {
					counter.queries++;
					return target.prepare(sql);
				};
			const value = Reflect.get(target, name);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { db: wrapped, counter };
}

describe("retention purge backlog", () => {
	it(`deletes ${BACKLOG.toLocaleString("en")} expired idempotency answers and records in one run`, async () => {
		await seedExpiredAnswers(env.DB, BACKLOG);
		await seedExpiredRecords(env.DB, BACKLOG);
		const { db, counter } = counting(env.DB);
		const result = await purgeExpired(db, Date.now(), 730 * DAY);
		expect(result).toMatchObject({
			idempotencyKeysDeleted: BACKLOG,
			recordsDeleted: BACKLOG,
			complete: true,
		});
		expect(await count(env.DB, "SELECT count(*) AS n FROM idempotency_keys")).toBe(0);
		expect(await count(env.DB, "SELECT count(*) AS n FROM consent_records")).toBe(0);
		expect(counter.queries).toBeLessThanOrEqual(PURGE_QUERY_BUDGET);
	});

	it("stops at its query budget, says so, and the next run continues", async () => {
		await seedExpiredAnswers(env.DB_SHARD_1, 5000);
		const { db, counter } = counting(env.DB_SHARD_1);
		const first = await purgeExpired(db, Date.now(), 730 * DAY, 3);
		expect(counter.queries).toBe(3);
		expect(first.complete).toBe(false);
		expect(first.idempotencyKeysDeleted).toBeGreaterThan(0);
		const second = await purgeExpired(env.DB_SHARD_1, Date.now(), 730 * DAY);
		expect(second.complete).toBe(true);
		expect(first.idempotencyKeysDeleted + second.idempotencyKeysDeleted).toBe(5000);
	});

	it("shares one invocation's budget among the shards", async () => {
		await seedExpiredAnswers(env.DB, 20_000, "shared");
		await seedExpiredAnswers(env.DB_SHARD_1, 20_000, "shared");
		const shards = [counting(env.DB), counting(env.DB_SHARD_1)];
		const results = await purgeShards(
			shards.map((s) => s.db),
			Date.now(),
			730 * DAY,
			8,
		);
		expect(shards.map((s) => s.counter.queries)).toEqual([4, 4]);
		expect(results.map((r) => r.complete)).toEqual([false, false]);
		// Both shards were purged and left a tombstone, neither at the other's expense.
		for (const result of results) expect(result.idempotencyKeysDeleted).toBeGreaterThan(0);
	});

	it("runs from the cron across every shard", async () => {
		await seedExpiredAnswers(env.DB, 10, "cron");
		await seedExpiredAnswers(env.DB_SHARD_1, 10, "cron");
		const sharded = envWith({ D1_SHARDS: "DB,DB_SHARD_1" } as Partial<Env>);
		await worker.scheduled(createScheduledController({ cron: "17 3 * * *" }), sharded);
		for (const db of [env.DB, env.DB_SHARD_1])
			expect(await count(db, "SELECT count(*) AS n FROM idempotency_keys")).toBe(0);
	});
});
