/**
 * Everything a subject left in D1 and KV, searched for whole after its erasure: every table the
 * migrations made and every KV key (name, metadata and value). What may remain holds no subject id:
 * the tombstone's keyed digest, the address's suppression and a parked unsubscribe of it (address
 * hash only, kept on purpose). Before the erasure, the export lists each kind of datum erasure removes.
 */
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { subjectDigest } from "../../workers/consent/subject-digest";
import { hashEmail } from "../../workers/email/email-address";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { brokenD1, callWithEnv, envWith, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

/** Where each needle occurs: `<store> <table or key>`, once per row or key. */
async function placesHolding(needles: Record<string, string>): Promise<string[]> {
	const places: string[] = [];
	const note = (where: string, text: string) => {
		for (const [label, needle] of Object.entries(needles))
			if (text.includes(needle)) places.push(`${label} in ${where}`);
	};
	const tables = await env.DB.prepare(
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
	).all<{ name: string }>();
	for (const { name } of tables.results) {
		const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
		for (const row of rows.results) note(`d1 ${name}`, JSON.stringify(row));
	}
	let cursor: string | undefined;
	do {
		const page = await env.CONSENT_KV.list({ cursor });
		for (const key of page.keys) {
			const value = await env.CONSENT_KV.get(key.name);
			note(`kv ${key.name.split(":")[0]}`, `${key.name} ${JSON.stringify(key.metadata ?? null)} ${value}`);
		}
		cursor = page.list_complete ? undefined : page.cursor;
	} while (cursor);
	return places.sort();
}

async function park(body: DeferredWrite, id: string) {
	const batch = createMessageBatch<DeferredWrite>(DEAD_LETTER_QUEUE, [
		{ id, timestamp: new Date(Date.now() - 16 * 3600_000), attempts: 1, body },
	]);
	await worker.queue(batch, envWith({ DB: brokenD1() }));
}

describe("after an erasure", () => {
	it("no table and no KV key holds the subject; the export listed everything erasure took", async () => {
		const subject = "user:inventory-5c0e";
		const email = "inventory-5c0e@example.com";
		const emailHash = await hashEmail(email, env.EMAIL_HASH_KEY);
		const digest = await subjectDigest(env, subject);
		const write = (purposes: Record<string, boolean>, key: string) =>
			callWithEnv(
				env,
				"/v1/consent",
				keyed({
					method: "PUT",
					cf: CA,
					...json({ subject, email, purposes }, { headers: { "Idempotency-Key": key } }),
				}),
			);
		expect((await write({ email: true, analytics: true }, "inventory-1")).status).toBe(200);
		expect((await write({ email: false }, "inventory-2")).status).toBe(200);
		// A lookup fills the KV entry; a GPC opt-out and an unsubscribe D1 refused wait parked.
		await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }));
		const now = Date.now() - 16 * 3600_000;
		await park(
			{
				type: "consent-change",
				subject,
				change: { changes: { ads: false }, source: "gpc", jurisdiction: "US-CA", gpc: true, now },
			},
			"inventory-gpc",
		);
		await park(
			{
				type: "email-suppression",
				claim: { emailHash, list: "news", expiresAt: Date.now() + 86_400_000 },
				source: "one-click",
				jurisdiction: "US-CA",
				gpc: false,
				now,
			},
			"inventory-unsubscribe",
		);
		const needles = { subject, emailHash, digest };
		expect(await placesHolding(needles)).toEqual([
			"emailHash in d1 consent_subjects",
			"emailHash in kv parked-write",
			"subject in d1 consent_records",
			"subject in d1 consent_records",
			"subject in d1 consent_subjects",
			"subject in d1 idempotency_keys",
			"subject in d1 idempotency_keys",
			"subject in kv parked-write",
			"subject in kv state",
		]);
		const exported = await (await callWithEnv(env, `/v1/subjects/${subject}/export`, keyed())).json<{
			state: { emailLinked: boolean } | null;
			records: unknown[];
			idempotentAnswers: unknown[];
			pendingWrites: { kind: string }[];
		}>();
		expect(exported.state?.emailLinked).toBe(true);
		expect(exported.records).toHaveLength(2);
		expect(exported.idempotentAnswers).toHaveLength(2);
		expect(exported.pendingWrites.map((w) => w.kind).sort()).toEqual(["consent-change", "email-suppression"]);

		expect((await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status).toBe(204);
		expect(await placesHolding(needles)).toEqual([
			"digest in d1 erasures",
			"emailHash in d1 email_suppressions",
			"emailHash in kv parked-write",
		]);
	});

	it("a visitor's: no table and no KV key holds their subject or visitor id", async () => {
		const v = new Visitor({ country: "DE" }, { waitForBackground: true });
		await v.fetch("/v1/consent");
		await v.put({ analytics: true }, { headers: { "Idempotency-Key": "inventory-visitor" } });
		await v.fetch("/v1/consent", { headers: { "Sec-GPC": "1" } });
		const vid = v.cookies.get("ce_vid") ?? "";
		const { subject } = await (await v.fetch("/v1/consent")).json<{ subject: string }>();
		const needles = { subject, vid, digest: await subjectDigest(env, subject) };
		expect((await placesHolding(needles)).length).toBeGreaterThan(0);

		expect((await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status).toBe(204);
		expect(await placesHolding(needles)).toEqual(["digest in d1 erasures"]);
	});
});
