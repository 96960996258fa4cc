/**
 * A deployment that ran earlier migrations upgrades in place: its database is built here step by
 * step as such a deployment would have it (0000-0002, answers stored as the code before 0003 stored
 * them, then 0003-0004 and the worker's own writes: several records per subject, GPC records, an
 * email link and its suppression, an erased subject, a purged history), then 0005 is applied, and
 * every existing subject must keep working through the worker: lookups, writes that continue the
 * chain (the 0005 trigger checks it), records, export, erasure, and idempotent replays.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { purgeExpired } from "../../workers/storage/retention";
import { callWithEnv, envWith, json, keyed } from "../helpers";

const DAY = 86_400_000;
const CA = { country: "US", regionCode: "CA" };
const db = env.DB_UNMIGRATED;
// The worker on the upgraded database (suppressions included: they live in DB too).
const upgraded = envWith({ DB: db });

function migrations(from: string, to: string) {
	return env.TEST_MIGRATIONS.filter((m) => m.name >= from && m.name < to);
}

function put(
	subject: string,
	purposes: Record<string, boolean>,
	extra: Record<string, unknown> = {},
	init = {},
) {
	return callWithEnv(
		upgraded,
		"/v1/consent",
		keyed({ method: "PUT", cf: CA, ...json({ subject, purposes, ...extra }, init) }),
	);
}

async function records(subject: string) {
	const res = await callWithEnv(upgraded, `/v1/subjects/${subject}/records?limit=1000`, keyed());
	expect(res.status).toBe(200);
	return (
		await res.json<{
			records: { version: number; recordId: string; previousRecordId: string | null; source: string }[];
		}>()
	).records;
}

/** A lookup from D1, not from the KV entry the write before it left. */
async function lookup(subject: string, headers: Record<string, string> = {}) {
	await env.CONSENT_KV.delete(`state:${subject}`);
	const res = await callWithEnv(upgraded, `/v1/consent?subject=${subject}`, keyed({ cf: CA, headers }));
	expect(res.status).toBe(200);
	return res.json<{ purposes: Record<string, boolean>; reasons: Record<string, string>; version: number }>();
}

/** The records of a subject form one chain, oldest first: each names the one before it. */
function expectChain(list: { version: number; recordId: string; previousRecordId: string | null }[]) {
	const oldestFirst = [...list].reverse();
	oldestFirst.forEach((record, i) => {
		if (i > 0) expect(record.previousRecordId).toBe(oldestFirst[i - 1]?.recordId);
	});
}

describe("upgrading a database that ran 0000-0004 to 0005", () => {
	beforeAll(async () => {
		await applyD1Migrations(db, migrations("0000", "0003"));
		// An answer stored before 0003 (no subject column), for a subject written below.
		await db
			.prepare(
				"INSERT INTO idempotency_keys (key, request_hash, status, body, created_at) VALUES ('pre-0003', 'h', 200, ?, ?)",
			)
			.bind(JSON.stringify({ subject: "user:up-many", version: 0 }), Date.now())
			.run();
		await applyD1Migrations(db, migrations("0003", "0005"));

		// Several records, an email link, a stored idempotent answer.
		for (const ads of [true, false, true]) expect((await put("user:up-many", { ads })).status).toBe(200);
		expect(
			(
				await put(
					"user:up-many",
					{ email: false },
					{ email: "up@example.com" },
					{ headers: { "Idempotency-Key": "k1" } },
				)
			).status,
		).toBe(200);
		// A GPC record written in the background by a lookup carrying the signal.
		expect((await put("user:up-gpc", { ads: true, analytics: true })).status).toBe(200);
		await lookup("user:up-gpc", { "Sec-GPC": "1" });
		// An unsubscribe of an address with no subject linked.
		const add = await callWithEnv(
			upgraded,
			"/v1/suppressions",
			keyed({ method: "POST", ...json({ email: "other@example.com", list: "news" }) }),
		);
		expect(add.status).toBe(201);
		// An erased subject (its tombstone stays), and one whose old history the purge took.
		expect((await put("user:up-erased", { ads: false })).status).toBe(200);
		expect(
			(await callWithEnv(upgraded, "/v1/subjects/user:up-erased", keyed({ method: "DELETE" }))).status,
		).toBe(204);
		for (const ads of [true, false, true]) expect((await put("user:up-purged", { ads })).status).toBe(200);
		await db
			.prepare("UPDATE consent_records SET created_at = created_at - ? WHERE subject = 'user:up-purged'")
			.bind(800 * DAY)
			.run();
		expect((await purgeExpired(db, Date.now(), 730 * DAY)).recordsDeleted).toBe(2);

		const replayed = await put(
			"user:up-replay",
			{ ads: false },
			{},
			{ headers: { "Idempotency-Key": "before-0005" } },
		);
		expect(replayed.status).toBe(200);

		await applyD1Migrations(db, migrations("0005", "9999"));
		const trigger = await db
			.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
			.all<{ name: string }>();
		expect(trigger.results).toEqual([{ name: "consent_records_continue_chain" }]);
	});

	it("keeps answering lookups with each subject's stored choices, GPC and email opt-outs included", async () => {
		expect((await lookup("user:up-many")).reasons).toMatchObject({ ads: "explicit", email: "explicit" });
		expect((await lookup("user:up-many")).purposes).toMatchObject({ ads: true, email: false });
		expect((await lookup("user:up-gpc")).reasons).toMatchObject({
			ads: "gpc",
			sale: "gpc",
			analytics: "explicit",
		});
		expect((await lookup("user:up-purged")).purposes.ads).toBe(true);
		expect((await lookup("user:up-erased")).reasons.ads).not.toBe("explicit");
	});

	it("continues every existing chain: new writes append the next version after the stored last record", async () => {
		for (const [subject, versionBefore] of [
			["user:up-many", 4],
			["user:up-gpc", 2],
			["user:up-purged", 3],
		] as const) {
			const before = await records(subject);
			expect(before[0]?.version).toBe(versionBefore);
			const res = await put(subject, { personalization: false });
			expect(res.status).toBe(200);
			const after = await records(subject);
			expect(after.map((r) => r.version)).toEqual([versionBefore + 1, ...before.map((r) => r.version)]);
			expect(after[0]?.previousRecordId).toBe(before[0]?.recordId);
			expectChain(after);
		}
		expect((await records("user:up-gpc")).map((r) => r.source)).toEqual(["api", "gpc", "api"]);
	});

	it("exports upgraded subjects, with the answers stored before 0003 and the erasure tombstones", async () => {
		const many = await callWithEnv(upgraded, "/v1/subjects/user:up-many/export", keyed());
		expect(many.status).toBe(200);
		const manyDoc = await many.json<{
			records: unknown[];
			idempotentAnswers: { body: string }[];
			suppressions: unknown[];
		}>();
		expect(manyDoc.records).toHaveLength(5);
		expect(manyDoc.idempotentAnswers.map((a) => JSON.parse(a.body).version)).toEqual([0, 4]);

		const res = await callWithEnv(upgraded, "/v1/subjects/user:up-purged/export", keyed());
		expect(res.status).toBe(200);
		const doc = await res.json<{ state: { version: number }; records: { version: number }[] }>();
		expect(doc.state.version).toBe(4);
		expect(doc.records.map((r) => r.version)).toEqual([3, 4]);

		const erased = await callWithEnv(upgraded, "/v1/subjects/user:up-erased/export", keyed());
		const erasedDoc = await erased.json<{ erasures: { recordCount: number }[]; records: unknown[] }>();
		expect(erasedDoc.erasures).toEqual([expect.objectContaining({ recordCount: 1 })]);
		expect(erasedDoc.records).toEqual([]);
	});

	it("starts a new chain for an erased subject, and erases upgraded subjects whole", async () => {
		expect((await put("user:up-erased", { ads: true })).status).toBe(200);
		const fresh = await records("user:up-erased");
		expect(fresh).toHaveLength(1);
		expect(fresh[0]?.previousRecordId).toBeNull();

		expect(
			(await callWithEnv(upgraded, "/v1/subjects/user:up-many", keyed({ method: "DELETE" }))).status,
		).toBe(204);
		expect(await records("user:up-many")).toEqual([]);
		// The erased email opt-out outlives it as a suppression.
		const check = await callWithEnv(
			upgraded,
			"/v1/suppressions/check",
			keyed({ method: "POST", ...json({ emails: ["up@example.com", "other@example.com"], list: "news" }) }),
		);
		expect(
			(await check.json<{ results: { suppressed: boolean }[] }>()).results.map((r) => r.suppressed),
		).toEqual([true, true]);
		expect((await put("user:up-many", { ads: false })).status).toBe(200);
		expect((await records("user:up-many")).map((r) => r.version)).toEqual([1]);
	});

	it("replays an answer stored before the upgrade instead of writing again", async () => {
		const again = await put(
			"user:up-replay",
			{ ads: false },
			{},
			{ headers: { "Idempotency-Key": "before-0005" } },
		);
		expect(again.status).toBe(200);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		expect(await records("user:up-replay")).toHaveLength(1);
	});
});
