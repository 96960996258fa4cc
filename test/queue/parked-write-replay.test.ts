import { createMessageBatch, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { REPLAYS_PER_RUN } from "../../workers/queue/parked-write-replay";
import { PARKED_WRITES_CRON, RETENTION_PURGE_CRON } from "../../workers/scheduled/cron-jobs";
import { parkWrite } from "../../workers/storage/parked-writes";
import { brokenD1, callWithEnv, countRecords, envWith, json, keyed } from "../helpers";
import { wranglerSections } from "../wrangler-sections";

const CA = { country: "US", regionCode: "CA" };

function gpcMessage(subject: string, now = Date.now()): DeferredWrite {
	return {
		type: "consent-change",
		subject,
		change: { changes: { ads: false, sale: false }, source: "gpc", jurisdiction: "US-CA", gpc: true, now },
	};
}

/** Parks `body` the way it happens: dead-lettered, then refused by D1 once more. */
async function parkThroughDeadLetters(body: DeferredWrite, id = "dlq-1") {
	const batch = createMessageBatch<DeferredWrite>(DEAD_LETTER_QUEUE, [
		{ id, timestamp: new Date(Date.now() - 16 * 3600_000), attempts: 1, body },
	]);
	await worker.queue(batch, envWith({ DB: brokenD1() }));
}

function runCron(cron: string, testEnv: Env = env) {
	return worker.scheduled(createScheduledController({ cron }), testEnv);
}

async function parkedKeys(): Promise<string[]> {
	const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:" });
	return keys.map((k) => k.name);
}

beforeEach(async () => {
	for (const key of await parkedKeys()) await env.CONSENT_KV.delete(key);
});

describe("parked writes", () => {
	it("are written by the hourly cron and removed; the daily purge leaves them", async () => {
		await parkThroughDeadLetters(gpcMessage("user:replayed"));
		expect(await parkedKeys()).toHaveLength(1);
		await runCron(RETENTION_PURGE_CRON);
		expect(await parkedKeys()).toHaveLength(1);

		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		const { records } = await (await callWithEnv(env, "/v1/subjects/user:replayed/records", keyed())).json<{
			records: { source: string; gpc: boolean }[];
		}>();
		expect(records).toMatchObject([{ source: "gpc", gpc: true }]);
	});

	it("stay parked while D1 still refuses them", async () => {
		await parkThroughDeadLetters(gpcMessage("user:still-down"));
		await runCron(PARKED_WRITES_CRON, envWith({ DB: brokenD1() }));
		expect(await parkedKeys()).toHaveLength(1);
		expect(await countRecords("user:still-down")).toBe(0);
		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		expect(await countRecords("user:still-down")).toBe(1);
	});

	it("a parked GPC opt-out does not override a choice made after it", async () => {
		const subject = "user:chose-since";
		// Signalled 16 hours ago; D1 was down throughout the retries. Since then the subject allowed ads.
		await parkThroughDeadLetters(gpcMessage(subject, Date.now() - 16 * 3600_000));
		const allowAds = json({ subject, purposes: { ads: true } });
		expect(
			(await callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...allowAds }))).status,
		).toBe(200);
		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		const doc = await (await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }))).json<{
			purposes: Record<string, boolean>;
			reasons: Record<string, string>;
		}>();
		expect(doc.purposes.ads).toBe(true);
		expect(doc.reasons).toMatchObject({ ads: "explicit", sale: "gpc" });
	});

	it("a parked unsubscribe suppresses the address", async () => {
		const emailHash = await hashEmail("parked@example.com", env.EMAIL_HASH_KEY);
		await parkThroughDeadLetters({
			type: "email-suppression",
			claim: { emailHash, list: "news", expiresAt: Date.now() + 86_400_000 },
			source: "one-click",
			jurisdiction: "ZZ",
			gpc: false,
			now: Date.now() - 16 * 3600_000,
		});
		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		const row = await env.DB.prepare(
			"SELECT source FROM email_suppressions WHERE email_hash = ? AND list = ?",
		)
			.bind(emailHash, "news")
			.first<{ source: string }>();
		expect(row?.source).toBe("one-click");
	});

	it(`one run writes at most ${REPLAYS_PER_RUN}, oldest first; the next run continues`, async () => {
		const first = Date.now() - 20 * 3600_000;
		for (let i = 0; i < REPLAYS_PER_RUN + 2; i++) {
			await parkWrite(env.CONSENT_KV, {
				id: `bulk-${i}`,
				timestamp: new Date(first + i * 1000),
				body: gpcMessage(`user:bulk-${i}`),
			});
		}
		await runCron(PARKED_WRITES_CRON);
		expect((await parkedKeys()).map((key) => key.split(":").at(-1))).toEqual([
			`bulk-${REPLAYS_PER_RUN}`,
			`bulk-${REPLAYS_PER_RUN + 1}`,
		]);
		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		expect(await countRecords(`user:bulk-${REPLAYS_PER_RUN + 1}`)).toBe(1);
	});

	it("wrangler.toml schedules both cron jobs, in development and production", () => {
		const triggers = wranglerSections().filter((s) => s.header.endsWith("triggers]"));
		expect(triggers.map((s) => [s.header, s.values.get("crons")])).toEqual(
			["[triggers]", "[env.production.triggers]"].map((header) => [
				header,
				JSON.stringify([RETENTION_PURGE_CRON, PARKED_WRITES_CRON]).replace(",", ", "),
			]),
		);
	});
});
