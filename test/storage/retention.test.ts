import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { purgeExpired } from "../../workers/storage/retention";
import { callWithEnv, countRecords, json, keyed } from "../helpers";

const DAY = 86_400_000;

async function writeChoices(subject: string, n: number) {
	for (let i = 0; i < n; i++) {
		const res = await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject, purposes: { ads: i % 2 === 0 } }) }),
		);
		expect(res.status).toBe(200);
	}
}

async function age(subject: string, days: number) {
	await env.DB.prepare("UPDATE consent_records SET created_at = created_at - ? WHERE subject = ?")
		.bind(days * DAY, subject)
		.run();
}

describe("retention purge", () => {
	it("deletes old records but keeps each subject's latest, and leaves a tombstone", async () => {
		await writeChoices("user:old", 4);
		await age("user:old", 800);
		await writeChoices("user:recent", 2);
		const result = await purgeExpired(env.DB, Date.now(), 730 * DAY);
		expect(result.recordsDeleted).toBe(3);
		expect(await countRecords("user:old")).toBe(1);
		expect(await countRecords("user:recent")).toBe(2);
		const { records } = await (await callWithEnv(env, "/v1/subjects/user:old/records", keyed())).json<{
			records: { version: number }[];
		}>();
		expect(records.map((r) => r.version)).toEqual([4]);
		// The current choice is unchanged.
		const doc = await (await callWithEnv(env, "/v1/consent?subject=user:old", keyed())).json<{
			purposes: { ads: boolean };
		}>();
		expect(doc.purposes.ads).toBe(false);
		const tombstones = await env.DB.prepare("SELECT records_deleted FROM retention_purges").all<{
			records_deleted: number;
		}>();
		expect(tombstones.results).toContainEqual({ records_deleted: 3 });
	});

	it("deletes expired idempotency answers", async () => {
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({
				method: "PUT",
				...json(
					{ subject: "user:idem-old", purposes: { ads: false } },
					{ headers: { "Idempotency-Key": "old-key" } },
				),
			}),
		);
		await env.DB.prepare("UPDATE idempotency_keys SET created_at = created_at - ?")
			.bind(2 * DAY)
			.run();
		const result = await purgeExpired(env.DB, Date.now(), 730 * DAY);
		expect(result.idempotencyKeysDeleted).toBeGreaterThanOrEqual(1);
		const left = await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys").first<{ n: number }>();
		expect(left?.n).toBe(0);
	});

	it("runs from the cron trigger", async () => {
		await writeChoices("user:cron", 3);
		await age("user:cron", 1000);
		await worker.scheduled(createScheduledController({ cron: "17 3 * * *" }), env);
		expect(await countRecords("user:cron")).toBe(1);
	});
});
