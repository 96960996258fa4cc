/**
 * An address linked to more subjects than one request updates (100, to bound its D1 queries): the
 * unsubscribe still turns `email` off for every one of them, the rest through the consent queue,
 * and a repeat unsubscribe reaches the subjects a previous one has not.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import worker from "../../workers/index";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { callWithEnv, json, keyed } from "../helpers";

const LINKED = 230;

/** Links `count` subjects to the address as keyed PUTs with `email` on would: a record and a state row each. */
async function linkSubjects(prefix: string, email: string, count: number) {
	const hash = await hashEmail(email, env.EMAIL_HASH_KEY);
	const now = Date.now();
	const statements = Array.from({ length: count }, (_, i) => {
		const recordId = crypto.randomUUID();
		return [
			env.DB.prepare(
				`INSERT INTO consent_records (record_id, subject, version, created_at, jurisdiction, purposes, changes, source, gpc, policy_version, previous_record_id)
				VALUES (?1, ?2, 1, ?3, 'US-CA', '{"email":true}', '{"email":true}', 'api', 0, NULL, NULL)`,
			).bind(recordId, `${prefix}${i}`, now),
			env.DB.prepare(
				`INSERT INTO consent_subjects (subject, version, purposes, sources, policy_version, email_hash, last_record_id, created_at, updated_at)
				VALUES (?1, 1, '{"email":true}', '{"email":"api"}', NULL, ?2, ?3, ?4, ?4)`,
			).bind(`${prefix}${i}`, hash, recordId, now),
		];
	});
	await env.DB.batch(statements.flat());
}

/** Linked subjects whose stored `email` is not off, and the `email` records each has. */
async function stillMailable(email: string) {
	const hash = await hashEmail(email, env.EMAIL_HASH_KEY);
	const rows = await env.DB.prepare(
		"SELECT count(*) AS n FROM consent_subjects WHERE email_hash = ? AND json_extract(purposes, '$.email') IS NOT 0",
	)
		.bind(hash)
		.first<{ n: number }>();
	return rows?.n ?? 0;
}

async function emailRecordsPerSubject(prefix: string) {
	const rows = await env.DB.prepare(
		"SELECT subject, count(*) AS n FROM consent_records WHERE subject LIKE ? AND source = 'email' GROUP BY subject",
	)
		.bind(`${prefix}%`)
		.all<{ subject: string; n: number }>();
	return rows.results;
}

/** The env with a queue that keeps what is sent to it, and a way to deliver those messages. */
function capturingQueue() {
	const sent: DeferredWrite[] = [];
	const queueEnv = {
		...env,
		CONSENT_QUEUE: { send: async (m: DeferredWrite) => void sent.push(m) },
	} as unknown as Env;
	const deliverAll = async () => {
		let delivered = 0;
		while (sent.length > 0) {
			const body = sent.shift() as DeferredWrite;
			const batch = createMessageBatch<DeferredWrite>("consent-edge-writes", [
				{ id: `m${delivered}`, timestamp: new Date(), attempts: 1, body },
			]);
			await worker.queue(batch, queueEnv);
			expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual([`m${delivered}`]);
			delivered++;
		}
		return delivered;
	};
	return { queueEnv, sent, deliverAll };
}

describe("unsubscribing an address linked to many subjects", () => {
	it("turns email off for every linked subject, the rest through the queue, once each", async () => {
		const email = "shared-inbox@example.com";
		await linkSubjects("user:shared-", email, LINKED);
		const { queueEnv, sent, deliverAll } = capturingQueue();
		const res = await callWithEnv(
			queueEnv,
			"/v1/suppressions",
			keyed({ method: "POST", ...json({ email }) }),
		);
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({ suppressed: true, added: true, subjectsUpdated: 100 });
		expect(sent).toHaveLength(1);
		expect(await deliverAll()).toBe(2);
		expect(await stillMailable(email)).toBe(0);
		const perSubject = await emailRecordsPerSubject("user:shared-");
		expect(perSubject).toHaveLength(LINKED);
		expect(perSubject.every((row) => row.n === 1)).toBe(true);
	});

	it("a repeat unsubscribe reaches the subjects an earlier one did not", async () => {
		const email = "second-try@example.com";
		await linkSubjects("user:again-", email, 150);
		// The queue refuses the rest: the first request updates 100 subjects and still answers.
		const refusing = {
			...env,
			CONSENT_QUEUE: {
				send: async () => {
					throw new Error("injected queue failure");
				},
			},
		} as unknown as Env;
		const first = await callWithEnv(
			refusing,
			"/v1/suppressions",
			keyed({ method: "POST", ...json({ email }) }),
		);
		expect(first.status).toBe(201);
		expect(await stillMailable(email)).toBe(50);
		const again = await callWithEnv(env, "/v1/suppressions", keyed({ method: "POST", ...json({ email }) }));
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ added: false, subjectsUpdated: 50 });
		expect(await stillMailable(email)).toBe(0);
	});

	it("one consumer batch updates at most 100 linked subjects, however many unsubscribes it holds", async () => {
		// Five unsubscribes of addresses with 60 linked subjects each (300 subjects, ~1,200 D1 queries)
		// in one batch would pass D1's 1000 queries per invocation: the batch takes 100, the rest follow.
		const addresses = Array.from({ length: 5 }, (_, i) => `batch-${i}@example.com`);
		for (const [i, email] of addresses.entries()) await linkSubjects(`user:batch${i}-`, email, 60);
		const { queueEnv, sent, deliverAll } = capturingQueue();
		const now = Date.now();
		const messages = await Promise.all(
			addresses.map(async (email, i) => ({
				id: `b${i}`,
				timestamp: new Date(),
				attempts: 1,
				body: {
					type: "email-suppression",
					claim: {
						emailHash: await hashEmail(email, env.EMAIL_HASH_KEY),
						list: "*",
						expiresAt: now + 60_000,
					},
					source: "api",
					jurisdiction: "US-CA",
					gpc: false,
					now,
				} as DeferredWrite,
			})),
		);
		const batch = createMessageBatch<DeferredWrite>("consent-edge-writes", messages);
		await worker.queue(batch, queueEnv);
		expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(5);
		let updated = 0;
		for (let i = 0; i < 5; i++) updated += (await emailRecordsPerSubject(`user:batch${i}-`)).length;
		expect(updated).toBe(100);
		// Each suppression is in at once (that stops the mail); the linked subjects left follow.
		for (const email of addresses) {
			const check = await callWithEnv(
				env,
				`/v1/suppressions?email=${encodeURIComponent(email)}&list=news`,
				keyed(),
			);
			expect(await check.json()).toMatchObject({ suppressed: true });
		}
		expect(sent.length).toBeGreaterThan(0);
		await deliverAll();
		for (const email of addresses) expect(await stillMailable(email)).toBe(0);
	});
});
