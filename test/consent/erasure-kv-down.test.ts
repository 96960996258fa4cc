/**
 * An erasure KV cannot complete: D1 (the truth) forgets the subject and the answer stays a 204, but
 * KV's cached copy of its choices (7 days for an entry denying everything) would go on answering
 * lookups with the erased choices, which the contract sends back to the defaults. The delete KV
 * refused is queued and retried until KV takes it; with the queue refusing too, it is noted in D1
 * for the hourly cron.
 */
import {
	createExecutionContext,
	createMessageBatch,
	createScheduledController,
	getQueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { PARKED_WRITES_CRON } from "../../workers/scheduled/cron-jobs";
import { brokenKV, callWithEnv, envWith, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = { reasons: Record<string, string> };

async function optOut(subject: string) {
	await callWithEnv(env, "/v1/opt-out", keyed({ method: "POST", cf: CA, ...json({ subject }) }));
	expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull();
}

async function adsReason(subject: string): Promise<string | undefined> {
	const doc = await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }));
	return (await doc.json<Doc>()).reasons.ads;
}

async function consume(testEnv: Env, body: DeferredWrite, attempts = 1) {
	const batch = createMessageBatch<DeferredWrite>("consent-edge-writes", [
		{ id: "m1", timestamp: new Date(), attempts, body },
	]);
	const ctx = createExecutionContext();
	await worker.queue(batch, testEnv);
	return getQueueResult(batch, ctx);
}

function runCron(testEnv: Env) {
	return worker.scheduled(createScheduledController({ cron: PARKED_WRITES_CRON }), testEnv);
}

describe("an erasure while KV is down", () => {
	it("answers 204 and queues the delete KV refused; the consumer retries it until KV takes it", async () => {
		const subject = "user:erase-kv-down";
		await optOut(subject);
		const sent: DeferredWrite[] = [];
		const queue = { send: async (message: DeferredWrite) => void sent.push(message) };
		const erased = await callWithEnv(
			{ ...env, CONSENT_KV: brokenKV(), CONSENT_QUEUE: queue } as unknown as Env,
			`/v1/subjects/${subject}`,
			keyed({ method: "DELETE" }),
		);
		expect(erased.status).toBe(204);
		expect(sent.length).toBeGreaterThan(0);

		// KV still down: the message is retried, not dropped.
		for (const message of sent) {
			const down = await consume(envWith({ CONSENT_KV: brokenKV() }), message);
			expect(down.explicitAcks).toEqual([]);
			expect(down.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
		}
		expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull();

		for (const message of sent) expect((await consume(env, message, 2)).explicitAcks).toEqual(["m1"]);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		expect(await adsReason(subject)).toBe("default");
	});

	it("with the queue refusing too, the hourly cron deletes the entry once KV is back, once", async () => {
		const subject = "user:erase-kv-queue-down";
		await optOut(subject);
		const queue = {
			send: async () => {
				throw new Error("queue down");
			},
		};
		const erased = await callWithEnv(
			{ ...env, CONSENT_KV: brokenKV(), CONSENT_QUEUE: queue } as unknown as Env,
			`/v1/subjects/${subject}`,
			keyed({ method: "DELETE" }),
		);
		expect(erased.status).toBe(204);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull();

		// KV still down at the cron's run: the delete waits for the next one.
		await expect(runCron(envWith({ CONSENT_KV: brokenKV() }))).rejects.toThrow();
		expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull();
		await runCron(env);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		expect(await adsReason(subject)).toBe("default");

		// Done: a later run leaves an entry the subject's new history put there.
		await optOut(subject);
		await runCron(env);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull();
	});
});
