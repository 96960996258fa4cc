import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE, DEAD_LETTER_RETRIES } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { brokenD1, brokenKV, countRecords, envWith } from "../helpers";
import { queueConsumers } from "../wrangler-sections";

function gpcMessage(subject: string, now = Date.now()): DeferredWrite {
	return {
		type: "consent-change",
		subject,
		change: { changes: { ads: false, sale: false }, source: "gpc", jurisdiction: "US-CA", gpc: true, now },
	};
}

const QUEUED_AT = new Date("2026-12-01T10:00:00.000Z");

/** One dead-lettered message (it keeps its id and first-queued time) through the worker's consumer. */
async function consumeDeadLetter(testEnv: Env, body: DeferredWrite, attempts = 1) {
	const batch = createMessageBatch<DeferredWrite>(DEAD_LETTER_QUEUE, [
		{ id: "dlq-1", timestamp: QUEUED_AT, attempts, body },
	]);
	const ctx = createExecutionContext();
	await worker.queue(batch, testEnv);
	return getQueueResult(batch, ctx);
}

async function parkedKeys() {
	const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:" });
	return keys;
}

beforeEach(async () => {
	for (const { name } of await parkedKeys()) await env.CONSENT_KV.delete(name);
});

describe("dead-lettered writes", () => {
	it("are parked in KV, without expiry, when D1 still refuses them, and acked with an error logged", async () => {
		const errors = vi.spyOn(console, "error");
		const body = gpcMessage("user:parked");
		const result = await consumeDeadLetter(envWith({ DB: brokenD1() }), body);
		expect(result.explicitAcks).toEqual(["dlq-1"]);
		expect(result.retryMessages).toEqual([]);
		const keys = await parkedKeys();
		expect(keys.map((k) => k.name)).toEqual([`parked-write:${QUEUED_AT.toISOString()}:dlq-1`]);
		expect(keys[0]?.expiration).toBeUndefined();
		// Whom it is for, so erasure and export find it by listing keys, without reading bodies.
		expect(keys[0]?.metadata).toEqual({
			kind: "consent-change",
			queuedAt: QUEUED_AT.toISOString(),
			subject: "user:parked",
		});
		expect(await env.CONSENT_KV.get(keys[0]?.name ?? "", "json")).toEqual(body);
		expect(errors).toHaveBeenCalledWith(expect.stringContaining("parked"), keys[0]?.name);
		expect(await countRecords("user:parked")).toBe(0);
		// Delivered again (at least once), it lands on the same key.
		await consumeDeadLetter(envWith({ DB: brokenD1() }), body, 2);
		expect(await parkedKeys()).toHaveLength(1);
		errors.mockRestore();
	});

	it("are written, and nothing parked, when D1 takes them", async () => {
		const result = await consumeDeadLetter(env, gpcMessage("user:dead-lettered-ok"));
		expect(result.explicitAcks).toEqual(["dlq-1"]);
		expect(await countRecords("user:dead-lettered-ok")).toBe(1);
		expect(await parkedKeys()).toEqual([]);
	});

	it("stay on the dead-letter queue, retried, while KV refuses them too", async () => {
		const result = await consumeDeadLetter(
			envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() }),
			gpcMessage("user:nowhere"),
			3,
		);
		expect(result.explicitAcks).toEqual([]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual(["dlq-1"]);
	});

	it("the last delivery that cannot be parked logs the write whole, so an operator can still make it", async () => {
		const errors = vi.spyOn(console, "error");
		const broken = envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });
		await consumeDeadLetter(broken, gpcMessage("user:last-try"), DEAD_LETTER_RETRIES);
		expect(errors.mock.calls.some(([line]) => String(line).includes("lost"))).toBe(false);
		await consumeDeadLetter(broken, gpcMessage("user:last-try"), DEAD_LETTER_RETRIES + 1);
		const lost = errors.mock.calls.find(([line]) => String(line).includes("dead-lettered write lost"));
		expect(JSON.stringify(lost)).toContain("user:last-try");
		errors.mockRestore();
	});

	it("its retries match the consumer's max_retries in both configs", () => {
		expect(queueConsumers(DEAD_LETTER_QUEUE).map((c) => c.values.get("max_retries"))).toEqual([
			String(DEAD_LETTER_RETRIES),
			String(DEAD_LETTER_RETRIES),
		]);
	});

	it("the writes queue dead-letters to the queue this worker consumes as such, in both configs", () => {
		const writes = queueConsumers("consent-edge-writes");
		expect(writes.map((c) => c.values.get("dead_letter_queue"))).toEqual([
			JSON.stringify(DEAD_LETTER_QUEUE),
			JSON.stringify(DEAD_LETTER_QUEUE),
		]);
		expect(queueConsumers(DEAD_LETTER_QUEUE).map((c) => c.header)).toEqual([
			"[[queues.consumers]]",
			"[[env.production.queues.consumers]]",
		]);
	});
});
