import { createMessageBatch, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { replayParkedWrites } from "../../workers/queue/parked-write-replay";
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

/** `n` GPC opt-outs parked a second apart, 20 hours ago, for `user:<name>-<i>`. */
async function parkBacklog(n: number, name = "bulk") {
	const first = Date.now() - 20 * 3600_000;
	for (let i = 0; i < n; i++) {
		await parkWrite(env.CONSENT_KV, {
			id: `${name}-${i}`,
			timestamp: new Date(first + i * 1000),
			body: gpcMessage(`user:${name}-${i}`),
		});
	}
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

	it("a parked change of a subject erased since is dropped, not written back", async () => {
		const subject = "user:erased-since";
		await parkThroughDeadLetters(gpcMessage(subject, Date.now() - 16 * 3600_000));
		const erase = await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }));
		expect(erase.status).toBe(204);
		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		expect(await countRecords(subject)).toBe(0);
		const exported = await (await callWithEnv(env, `/v1/subjects/${subject}/export`, keyed())).json<{
			state: unknown;
			records: unknown[];
		}>();
		expect(exported).toMatchObject({ state: null, records: [] });
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

	it("a run writes the oldest, then puts the rest of a backlog back on the queue, up to its bounds", async () => {
		await parkBacklog(9);
		const errors = vi.spyOn(console, "error");
		expect(await replayParkedWrites(env, 3, 4)).toEqual({ written: 3, failed: 0, requeued: 4 });
		expect(errors).not.toHaveBeenCalled();
		errors.mockRestore();
		// The two newest wait for the next run.
		expect((await parkedKeys()).map((key) => key.split(":").at(-1))).toEqual(["bulk-7", "bulk-8"]);
		expect(await countRecords("user:bulk-2")).toBe(1);
		// The real queue delivers the requeued ones to this worker's consumer.
		for (let i = 0; i < 50 && (await countRecords("user:bulk-6")) === 0; i++)
			await new Promise((r) => setTimeout(r, 200));
		for (const i of [3, 4, 5, 6]) expect(await countRecords(`user:bulk-${i}`)).toBe(1);
		expect(await countRecords("user:bulk-7")).toBe(0);
		await runCron(PARKED_WRITES_CRON);
		expect(await parkedKeys()).toEqual([]);
		expect(await countRecords("user:bulk-8")).toBe(1);
	});

	it("a parked write that fails for a reason of its own stays, and does not hold back the rest", async () => {
		// Older than the backlog, so listed first: a change whose purposes are not an object throws.
		await parkWrite(env.CONSENT_KV, {
			id: "poison",
			timestamp: new Date(Date.now() - 30 * 3600_000),
			body: { type: "consent-change", subject: "user:poison", change: { changes: null, now: 0 } },
		});
		await parkBacklog(4, "behind-poison");
		expect(await replayParkedWrites(env, 2, 3)).toEqual({ written: 1, failed: 1, requeued: 3 });
		expect((await parkedKeys()).map((key) => key.split(":").at(-1))).toEqual(["poison"]);
	});

	it("parked writes that keep failing move behind the rest, so they cannot fill every run", async () => {
		for (const id of ["poison-a", "poison-b"]) {
			await parkWrite(env.CONSENT_KV, {
				id,
				timestamp: new Date(Date.now() - 30 * 3600_000),
				body: { type: "consent-change", subject: `user:${id}`, change: { changes: null, now: 0 } },
			});
		}
		await parkBacklog(2, "behind-two");
		// A run that can try two tries the two that fail; they then wait behind the untried backlog.
		expect(await replayParkedWrites(env, 2, 0)).toEqual({ written: 0, failed: 2, requeued: 0 });
		const ids = async () => (await parkedKeys()).map((key) => key.split(":").at(-1));
		expect(await ids()).toEqual(["behind-two-0", "behind-two-1", "poison-a", "poison-b"]);
		expect(await replayParkedWrites(env, 2, 0)).toEqual({ written: 2, failed: 0, requeued: 0 });
		expect(await countRecords("user:behind-two-1")).toBe(1);
		expect(await ids()).toEqual(["poison-a", "poison-b"]);
		// Kept, body intact, for whoever mends them.
		const [first] = await parkedKeys();
		expect(await env.CONSENT_KV.get(first ?? "", "json")).toMatchObject({ subject: "user:poison-a" });
		// A run D1 takes writes in puts the untried backlog back on the queue, not these two.
		await parkBacklog(3, "after-two");
		expect(await replayParkedWrites(env, 1, 10)).toEqual({ written: 1, failed: 0, requeued: 2 });
		expect(await ids()).toEqual(["poison-a", "poison-b"]);
	});

	it("while D1 refuses the run's writes, nothing is put back on the queue", async () => {
		await parkBacklog(5, "refused");
		expect(await replayParkedWrites(envWith({ DB: brokenD1() }), 2, 3)).toEqual({
			written: 0,
			failed: 2,
			requeued: 0,
		});
		expect(await parkedKeys()).toHaveLength(5);
		await new Promise((r) => setTimeout(r, 1500));
		expect(await countRecords("user:refused-2")).toBe(0);
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
