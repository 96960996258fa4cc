import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consentDatabase, fnv1a } from "../../workers/storage/shards";
import { callWithEnv, envWith, json, keyed } from "../helpers";

const sharded = () => envWith({ D1_SHARDS: "DB,DB_SHARD_1" } as Partial<Env>);

async function recordsIn(db: D1Database, subject: string) {
	const row = await db
		.prepare("SELECT count(*) AS n FROM consent_records WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("sharding by subject", () => {
	it("uses DB alone unless D1_SHARDS names more databases", () => {
		expect(consentDatabase(env, "user:1")).toBe(env.DB);
		const e = sharded();
		const picks = new Set(Array.from({ length: 50 }, (_, i) => consentDatabase(e, `user:${i}`)));
		expect(picks).toEqual(new Set([env.DB, env.DB_SHARD_1]));
	});

	it("hashes stably (FNV-1a)", () => {
		expect(fnv1a("")).toBe(0x811c9dc5);
		expect(fnv1a("a")).toBe(0xe40c292c);
		expect(fnv1a("foobar")).toBe(0xbf9cf968);
	});

	it("keeps a subject's writes, reads, records and erasure on its own shard", async () => {
		const e = sharded();
		const subjects = Array.from({ length: 12 }, (_, i) => `user:shard-${i}`);
		for (const subject of subjects) {
			const res = await callWithEnv(
				e,
				"/v1/consent",
				keyed({ method: "PUT", ...json({ subject, purposes: { ads: false } }) }),
			);
			expect(res.status).toBe(200);
		}
		let onShard1 = 0;
		for (const subject of subjects) {
			const home = consentDatabase(e, subject);
			const other = home === env.DB ? env.DB_SHARD_1 : env.DB;
			if (home === env.DB_SHARD_1) onShard1++;
			expect(await recordsIn(home, subject)).toBe(1);
			expect(await recordsIn(other, subject)).toBe(0);
			await env.CONSENT_KV.delete(`state:${subject}`);
			const doc = await (await callWithEnv(e, `/v1/consent?subject=${subject}`, keyed())).json<{
				reasons: { ads: string };
			}>();
			expect(doc.reasons.ads).toBe("explicit");
			const list = await (await callWithEnv(e, `/v1/subjects/${subject}/records`, keyed())).json<{
				records: unknown[];
			}>();
			expect(list.records).toHaveLength(1);
		}
		expect(onShard1).toBeGreaterThan(0);
		expect(onShard1).toBeLessThan(subjects.length);
		const erase = await callWithEnv(e, `/v1/subjects/${subjects[0]}`, keyed({ method: "DELETE" }));
		expect(erase.status).toBe(204);
		expect(await recordsIn(consentDatabase(e, subjects[0] as string), subjects[0] as string)).toBe(0);
	});
});

describe("a D1_SHARDS name with no database bound to it", () => {
	// Skipping it would change the shard count and send subjects to databases that do not hold them,
	// where nothing is stored: their opt-outs would read as no choice at all.
	const misbound = () => envWith({ D1_SHARDS: "DB,DB_SHARD_1,DB_SHARD_2" } as Partial<Env>);

	it("stores nothing and reads nothing: a write is a 503, a lookup fails closed", async () => {
		// A subject whose shard is the third, unbound one.
		const subject =
			Array.from({ length: 30 }, (_, i) => `user:misbound-${i}`).find((s) => fnv1a(s) % 3 === 2) ?? "";
		const write = await callWithEnv(
			misbound(),
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject, purposes: { ads: true } }) }),
		);
		expect(write.status).toBe(503);
		expect(write.headers.get("Retry-After")).toBeTruthy();
		expect(await write.json()).toEqual({ error: expect.objectContaining({ code: "storage_unavailable" }) });
		expect(await recordsIn(env.DB, subject)).toBe(0);
		expect(await recordsIn(env.DB_SHARD_1, subject)).toBe(0);

		const read = await callWithEnv(
			misbound(),
			`/v1/consent?subject=${subject}`,
			keyed({ cf: { country: "US", regionCode: "CA" } }),
		);
		expect(read.status).toBe(200);
		const doc = await read.json<{ purposes: { ads: boolean }; reasons: { ads: string } }>();
		expect(doc.reasons.ads).toBe("degraded");
		expect(doc.purposes.ads).toBe(false);

		// Subjects on the bound shards keep working.
		const other = Array.from({ length: 30 }, (_, i) => `user:bound-${i}`).find((s) => fnv1a(s) % 3 === 1);
		const ok = await callWithEnv(
			misbound(),
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject: other, purposes: { ads: false } }) }),
		);
		expect(ok.status).toBe(200);
		expect(await recordsIn(env.DB_SHARD_1, other ?? "")).toBe(1);
	});

	it("ignores blank entries (a trailing comma) without counting them", () => {
		const e = envWith({ D1_SHARDS: "DB, DB_SHARD_1," } as Partial<Env>);
		const picks = new Set(Array.from({ length: 50 }, (_, i) => consentDatabase(e, `user:${i}`)));
		expect(picks).toEqual(new Set([env.DB, env.DB_SHARD_1]));
	});
});
