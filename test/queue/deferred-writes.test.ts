import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { type DeferredWrite, retryDelaySeconds } from "../../workers/queue/deferred-writes";
import { brokenD1, brokenKV, callWithEnv, countRecords, envWith, json, keyed } from "../helpers";
import { queueConsumers } from "../wrangler-sections";

const CA = { country: "US", regionCode: "CA" };

/** Seconds from a message's first failure until it is dead-lettered, after `maxRetries` retries. */
function retryHorizonSeconds(maxRetries: number): number {
	let total = 0;
	for (let attempts = 1; attempts <= maxRetries; attempts++) total += retryDelaySeconds(attempts);
	return total;
}

function gpcMessage(
	subject: string,
	now = Date.now(),
	changes: Record<string, boolean> = { ads: false, sale: false },
): DeferredWrite {
	return {
		type: "consent-change",
		subject,
		change: { changes, source: "gpc", jurisdiction: "US-CA", gpc: true, now },
	};
}

async function consume(testEnv: Env, body: DeferredWrite, attempts = 1) {
	const batch = createMessageBatch<DeferredWrite>("consent-edge-writes", [
		{ id: "m1", timestamp: new Date(), attempts, body },
	]);
	const ctx = createExecutionContext();
	await worker.queue(batch, testEnv);
	return getQueueResult(batch, ctx);
}

describe("deferred writes", () => {
	it("the consumer retries with backoff while D1 is down, then writes once it recovers", async () => {
		const down = await consume(envWith({ DB: brokenD1() }), gpcMessage("user:queued"), 3);
		expect(down.explicitAcks).toEqual([]);
		expect(down.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
		expect(await countRecords("user:queued")).toBe(0);

		const up = await consume(env, gpcMessage("user:queued"), 4);
		expect(up.explicitAcks).toEqual(["m1"]);
		expect(await countRecords("user:queued")).toBe(1);
		// A redelivered message writes nothing more: the opt-out is already stored.
		await consume(env, gpcMessage("user:queued"), 5);
		expect(await countRecords("user:queued")).toBe(1);
	});

	it("a queued opt-out does not undo a choice made after it; its other purposes are still written", async () => {
		// Signalled a minute ago (queued while D1 was down); since then the subject allowed ads.
		const signalled = Date.now() - 60_000;
		const allowAds = json({ subject: "user:later", purposes: { ads: true } });
		await callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...allowAds }));
		expect((await consume(env, gpcMessage("user:later", signalled))).explicitAcks).toEqual(["m1"]);
		const doc = await (await callWithEnv(env, "/v1/consent?subject=user:later", keyed({ cf: CA }))).json<{
			purposes: Record<string, boolean>;
			reasons: Record<string, string>;
		}>();
		expect(doc.purposes.ads).toBe(true);
		expect(doc.reasons).toMatchObject({ ads: "explicit", sale: "gpc" });
		expect(await countRecords("user:later")).toBe(2);
		// Nothing left to write once every purpose was chosen since: no record.
		await consume(env, gpcMessage("user:later", signalled, { ads: false }));
		expect(await countRecords("user:later")).toBe(2);
	});

	it("a change queued before the subject's erasure is dropped, not written after it", async () => {
		// Signalled a minute ago while D1 was down; since then the subject was erased.
		const signalled = Date.now() - 60_000;
		const subject = "user:queued-erased";
		const allow = json({ subject, purposes: { analytics: true } });
		await callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...allow }));
		expect((await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status).toBe(204);
		expect((await consume(env, gpcMessage(subject, signalled))).explicitAcks).toEqual(["m1"]);
		expect(await countRecords(subject)).toBe(0);
		const stored = await env.DB.prepare("SELECT count(*) AS n FROM consent_subjects WHERE subject = ?")
			.bind(subject)
			.first<{ n: number }>();
		expect(stored?.n).toBe(0);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		// A change made after the erasure is written as usual.
		await consume(env, gpcMessage(subject, Date.now() + 1000));
		expect(await countRecords(subject)).toBe(1);
	});

	it("a change queued for a subject with nothing stored yet is dropped once the subject is erased", async () => {
		// Its only write was this signal, queued while D1 was down: the erasure found nothing stored.
		const subject = "user:queued-only";
		expect((await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status).toBe(204);
		expect((await consume(env, gpcMessage(subject, Date.now() - 60_000))).explicitAcks).toEqual(["m1"]);
		expect(await countRecords(subject)).toBe(0);
	});

	it("backs off exponentially up to ten minutes", () => {
		expect([0, 1, 2, 3, 8, 9, 10, 20].map(retryDelaySeconds)).toEqual([2, 2, 4, 8, 256, 512, 600, 600]);
	});

	it("keeps a message retrying for hours before it is dead-lettered, within a day's retention", () => {
		// Queues' limit, in the development and the production config alike.
		const retries = queueConsumers("consent-edge-writes").map((c) => c.values.get("max_retries"));
		expect(retries).toEqual(["100", "100"]);
		const hours = retryHorizonSeconds(100) / 3600;
		expect(hours).toBeGreaterThan(12);
		// Free-plan queues keep a message 24 hours (4 days by default on Paid): it must not expire mid-retry.
		expect(hours).toBeLessThan(24);
	});

	it("drops messages it does not understand instead of retrying them forever", async () => {
		const result = await consume(env, { type: "nonsense" } as unknown as DeferredWrite);
		expect(result.explicitAcks).toEqual(["m1"]);
	});

	it("a GPC opt-out seen while storage is down is queued and lands in D1 when it is back", async () => {
		const res = await callWithEnv(
			envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() }),
			"/v1/consent?subject=user:offline",
			keyed({ cf: CA, headers: { "Sec-GPC": "1" } }),
		);
		expect(res.status).toBe(200);
		expect((await res.json<{ reasons: Record<string, string> }>()).reasons).toMatchObject({
			ads: "gpc",
			analytics: "degraded",
		});
		// The real queue delivers the message to this worker's consumer, which has a working D1.
		for (let i = 0; i < 50 && (await countRecords("user:offline")) === 0; i++)
			await new Promise((r) => setTimeout(r, 200));
		expect(await countRecords("user:offline")).toBe(1);
		const { records } = await (await callWithEnv(env, "/v1/subjects/user:offline/records", keyed())).json<{
			records: { source: string; gpc: boolean }[];
		}>();
		expect(records[0]).toMatchObject({ source: "gpc", gpc: true });
	});
});
