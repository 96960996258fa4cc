/**
 * Erasure empties a subject's idempotency answers: after `DELETE /v1/subjects/{subject}` no stored
 * answer names the subject or holds its state, and a replay of an earlier key is refused (409), never
 * answered from the erased state nor made again after what followed it. Until then export lists the
 * answers stored for the subject.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Base64Url } from "../../workers/crypto/hmac";
import { BASE, call, callWithEnv, countRecords, envWith, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

interface Doc {
	subject: string;
	version: number;
	purposes: Record<string, boolean>;
}

const put = (subject: string, purposes: Record<string, boolean>, key: string) =>
	call(
		"/v1/consent",
		keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }, { headers: { "Idempotency-Key": key } }) }),
	);

const erase = (subject: string) =>
	call(`/v1/subjects/${encodeURIComponent(subject)}`, keyed({ method: "DELETE" }));

/** Stored answers kept for the subject (by its column). */
async function answersOf(subject: string, db: D1Database = env.DB): Promise<number> {
	const row = await db
		.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

/** Stored answers whose decision document names the subject. */
async function answersNaming(subject: string, db: D1Database = env.DB): Promise<number> {
	const row = await db
		.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE body LIKE ?")
		.bind(`%"subject":${JSON.stringify(subject)}%`)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("erasure and Idempotency-Key", () => {
	it("a keyed replay after erasure is refused, not answered from before nor written again", async () => {
		const subject = "user:erase-idem";
		const first = await put(subject, { ads: false }, "erase-k1");
		expect((await first.json<Doc>()).version).toBe(1);
		expect(await answersNaming(subject)).toBe(1);

		expect((await erase(subject)).status).toBe(204);
		expect(await answersNaming(subject)).toBe(0);
		expect(await answersOf(subject)).toBe(0);

		const again = await put(subject, { ads: false }, "erase-k1");
		expect(again.status).toBe(409);
		expect(((await again.json()) as { error: { code: string } }).error.code).toBe("idempotency_conflict");
		expect(await countRecords(subject)).toBe(0);
		// A new key makes the request again.
		const fresh = await put(subject, { ads: false }, "erase-k1b");
		expect(fresh.status).toBe(200);
		expect((await fresh.json<Doc>()).version).toBe(1);
		expect(await countRecords(subject)).toBe(1);
	});

	it("keeps nothing of the erased request a guessed body or address could be checked against", async () => {
		const subject = "user:erase-hash";
		const body = JSON.stringify({ subject, email: "secret.person@example.com", purposes: { email: true } });
		const first = await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				body,
				headers: { "Content-Type": "application/json", "Idempotency-Key": "erase-hash-k" },
			}),
		);
		expect(first.status).toBe(200);
		const guess = await sha256Base64Url(`PUT /v1/consent\n${subject}\n${body}`);
		const kept = () =>
			env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE request_hash = ?")
				.bind(guess)
				.first<{ n: number }>();
		// The hash is what a replay is checked against (and exactly this digest), until the erasure.
		expect((await kept())?.n).toBe(1);
		expect((await erase(subject)).status).toBe(204);
		expect((await kept())?.n).toBe(0);
	});

	it("a retried opt-in from before the erasure cannot undo a later opt-out", async () => {
		const subject = "user:erase-order";
		expect((await put(subject, { ads: true }, "order-k1")).status).toBe(200);
		expect((await erase(subject)).status).toBe(204);
		expect((await put(subject, { ads: false }, "order-k2")).status).toBe(200);
		// The client's retry of its first request arrives late.
		expect((await put(subject, { ads: true }, "order-k1")).status).toBe(409);
		const now = await (await call(`/v1/consent?subject=${subject}`, keyed({ cf: CA }))).json<Doc>();
		expect(now.purposes.ads).toBe(false);
		expect(await countRecords(subject)).toBe(1);
	});

	it("erases the answers of a write that stored no record", async () => {
		const subject = "user:erase-empty";
		await put(subject, {}, "erase-k2");
		expect(await answersNaming(subject)).toBe(1);
		expect((await erase(subject)).status).toBe(204);
		expect(await answersNaming(subject)).toBe(0);
		expect(await put(subject, {}, "erase-k2").then((r) => r.status)).toBe(409);
	});

	it("leaves other subjects' answers alone", async () => {
		await put("user:erase-keep", { analytics: true }, "erase-k3");
		await put("user:erase-gone", { analytics: true }, "erase-k4");
		await erase("user:erase-gone");
		expect(await answersNaming("user:erase-keep")).toBe(1);
		const replay = await put("user:erase-keep", { analytics: true }, "erase-k3");
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
	});

	it("a visitor's form post replayed after erasure is refused with a page", async () => {
		const visitor = new Visitor(CA);
		const post = () =>
			visitor.fetch("/preferences", {
				method: "POST",
				headers: {
					"Content-Type": "application/x-www-form-urlencoded",
					Origin: BASE,
					"Idempotency-Key": "erase-form",
				},
				body: "analytics=on",
			});
		expect((await post()).status).toBe(303);
		const subject = (await (await visitor.fetch("/v1/consent")).json<Doc>()).subject;
		expect((await erase(subject)).status).toBe(204);
		const again = await post();
		expect(again.status).toBe(409);
		expect(again.headers.get("Content-Type")).toContain("text/html");
		expect(await countRecords(subject)).toBe(0);
	});

	it("erases the answers on the subject's own shard", async () => {
		const sharded = envWith({ D1_SHARDS: "DB,DB_SHARD_1" } as Partial<Env>);
		const subjects = Array.from({ length: 6 }, (_, i) => `user:erase-shard-${i}`);
		for (const subject of subjects) {
			const res = await callWithEnv(
				sharded,
				"/v1/consent",
				keyed({
					method: "PUT",
					...json({ subject, purposes: { ads: false } }, { headers: { "Idempotency-Key": subject } }),
				}),
			);
			expect(res.status).toBe(200);
			expect(
				(await callWithEnv(sharded, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status,
			).toBe(204);
			expect((await answersNaming(subject, env.DB)) + (await answersNaming(subject, env.DB_SHARD_1))).toBe(0);
			expect((await answersOf(subject, env.DB)) + (await answersOf(subject, env.DB_SHARD_1))).toBe(0);
		}
	});
});

describe("export", () => {
	it("lists the idempotency answers stored for the subject", async () => {
		const subject = "user:export-idem";
		const first = await put(subject, { email: false }, "export-k1");
		const body = await first.text();
		await put("user:export-other", { email: false }, "export-k2");
		const exported = await (await call(`/v1/subjects/${subject}/export`, keyed())).json<{
			idempotentAnswers: { status: number; body: string; createdAt: string }[];
		}>();
		expect(exported.idempotentAnswers).toHaveLength(1);
		expect(exported.idempotentAnswers[0]).toMatchObject({ status: 200, body });
		expect(Number.isNaN(Date.parse(exported.idempotentAnswers[0]?.createdAt ?? ""))).toBe(false);
		expect(JSON.stringify(exported)).not.toContain("user:export-other");
	});
});
