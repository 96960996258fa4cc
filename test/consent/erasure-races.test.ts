/**
 * Erasure racing writes. A write reads the subject's state, then commits its record and the new
 * state in one batch; an erasure landing between the two must not be undone by that batch (the old
 * choices, the linked address and a record pointing into the erased chain written back after the
 * 204). The write is made again on what is stored then, so it keeps only what it chose itself.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { BASE, call, callWithEnv, envWith, firstCallGate, holdingFirstBatch, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

interface SubjectRow {
	version: number;
	purposes: string;
	email_hash: string | null;
}

const stateRow = (subject: string) =>
	env.DB.prepare("SELECT version, purposes, email_hash FROM consent_subjects WHERE subject = ?")
		.bind(subject)
		.first<SubjectRow>();

const recordsOf = async (subject: string) =>
	(
		await env.DB.prepare(
			"SELECT version, previous_record_id, purposes FROM consent_records WHERE subject = ? ORDER BY version",
		)
			.bind(subject)
			.all<{ version: number; previous_record_id: string | null; purposes: string }>()
	).results;

const putKeyed = (subject: string, purposes: Record<string, boolean>, email?: string) =>
	call("/v1/consent", keyed({ method: "PUT", cf: CA, ...json({ subject, purposes, email }) }));

const erase = (subject: string) => call(`/v1/subjects/${subject}`, keyed({ method: "DELETE" }));

describe("erasure racing a write", () => {
	it("a write that read the state before the erasure does not write the erased choices back", async () => {
		const subject = "user:race-held";
		await putKeyed(subject, { analytics: true, ads: false }, "held@example.com");
		const d1 = holdingFirstBatch(env.DB);
		const writing = callWithEnv(
			envWith({ DB: d1.db }),
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { personalization: true } }) }),
		);
		await d1.held;
		expect((await erase(subject)).status).toBe(204);
		d1.release();
		const written = await writing;
		expect(written.status).toBe(200);
		const doc = await written.json<{ version: number; purposes: Record<string, boolean> }>();
		// Made again on the erased (empty) state: only its own choice, as the first version.
		expect(doc.version).toBe(1);
		const row = await stateRow(subject);
		expect(row?.version).toBe(1);
		expect(JSON.parse(row?.purposes ?? "{}")).toEqual({ personalization: true });
		expect(row?.email_hash).toBeNull();
		const records = await recordsOf(subject);
		expect(records).toHaveLength(1);
		expect(records[0]?.previous_record_id).toBeNull();
	});

	it("overlapping writes and an erasure leave nothing from before the erasure", async () => {
		for (let i = 0; i < 8; i++) {
			const subject = `user:race-all-${i}`;
			await putKeyed(subject, { analytics: true }, "overlap@example.com");
			const answers = await Promise.all([
				putKeyed(subject, { ads: false }),
				erase(subject),
				putKeyed(subject, { sale: false }),
			]);
			expect(answers.map((r) => r.status)).toEqual([200, 204, 200]);
			const row = await stateRow(subject);
			if (row) {
				expect(JSON.parse(row.purposes), subject).not.toHaveProperty("analytics");
				expect(row.email_hash, subject).toBeNull();
			}
			const records = await recordsOf(subject);
			records.forEach((record, n) => {
				expect(record.version, subject).toBe(n + 1);
				expect(JSON.parse(record.purposes), subject).not.toHaveProperty("analytics");
			});
			expect(records[0]?.previous_record_id ?? null, subject).toBeNull();
		}
	});
});

/** The test's KV, holding its first put until released: a write's cache put landing late. */
function holdingFirstPut(real: KVNamespace) {
	const gate = firstCallGate();
	const kv = new Proxy(real, {
		get(target, name) {
			if (name === "put")
				return async (...args: Parameters<KVNamespace["put"]>) => {
					await gate.pass();
					return target.put(...args);
				};
			const value = Reflect.get(target, name);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { kv, held: gate.held, release: gate.release };
}

describe("erasure racing a write's cache entry", () => {
	it("a write's KV put landing just after the erasure does not keep the erased choices cached", async () => {
		const subject = "user:race-kv";
		const cache = holdingFirstPut(env.CONSENT_KV);
		// Committed to D1 before the erasure; its cache put, in the background, arrives after it.
		const writing = callWithEnv(
			envWith({ CONSENT_KV: cache.kv }),
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: false } }) }),
		);
		await cache.held;
		const ctx = createExecutionContext();
		const erased = await worker.fetch(
			new Request(`${BASE}/v1/subjects/${subject}`, keyed({ method: "DELETE" }) as RequestInit) as never,
			env,
			ctx,
		);
		expect(erased.status).toBe(204);
		cache.release();
		await writing;
		await waitOnExecutionContext(ctx);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		const doc = await (await call(`/v1/consent?subject=${subject}`, keyed({ cf: CA }))).json<{
			reasons: Record<string, string>;
			version: number;
		}>();
		expect(doc.reasons.ads).toBe("default");
		expect(doc.version).toBe(0);
	});
});
