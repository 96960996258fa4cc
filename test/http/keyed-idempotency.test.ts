/**
 * Idempotency-Key on the keyed writes beyond the consent writes: POST /v1/suppressions,
 * POST /v1/unsubscribe-links and DELETE /v1/subjects/{subject}. A replay within 24 h gets the first
 * answer with `Idempotent-Replayed: true`; the same key with another method, path or body is 409;
 * keys are scoped to the caller; a malformed key is 400; no key behaves as before.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { envWithScopedKeys, SENDER_KEY } from "../email/email-fixtures";
import {
	brokenD1,
	brokenKV,
	call,
	callWithEnv,
	countRecords,
	envWith,
	firstCallGate,
	holdingFirstBatch,
	json,
	keyed,
} from "../helpers";

const withKey = (key: string) => ({ headers: { "Idempotency-Key": key } });

const addSuppression = (body: unknown, key: string) =>
	call("/v1/suppressions", keyed({ method: "POST", ...json(body, withKey(key)) }));

const link = (body: unknown, key: string, apiKey?: string, testEnv: Env = env) =>
	callWithEnv(
		testEnv,
		"/v1/unsubscribe-links",
		keyed({ method: "POST", ...json(body, withKey(key)) }, apiKey),
	);

const erase = (subject: string, key: string) =>
	call(`/v1/subjects/${encodeURIComponent(subject)}`, keyed({ method: "DELETE", ...withKey(key) }));

const putConsent = (subject: string) =>
	call("/v1/consent", keyed({ method: "PUT", ...json({ subject, purposes: { ads: false } }) }));

async function errorCode(res: Response): Promise<string> {
	return (await res.json<{ error: { code: string } }>()).error.code;
}

describe("POST /v1/suppressions with Idempotency-Key", () => {
	it("a replay gets the first answer (201, same body) marked as replayed", async () => {
		const first = await addSuppression({ email: "idem.one@example.com", list: "news" }, "s-1");
		expect(first.status).toBe(201);
		const body = await first.text();
		expect(first.headers.get("Idempotent-Replayed")).toBeNull();
		const again = await addSuppression({ email: "idem.one@example.com", list: "news" }, "s-1");
		expect(again.status).toBe(201);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		expect(again.headers.get("Content-Type")).toMatch(/^application\/json/);
		expect(await again.text()).toBe(body);
	});

	it("the same key with a different body is 409 and suppresses nothing", async () => {
		expect((await addSuppression({ email: "idem.two@example.com", list: "news" }, "s-2")).status).toBe(201);
		const other = await addSuppression({ email: "idem.three@example.com", list: "news" }, "s-2");
		expect(other.status).toBe(409);
		expect(await errorCode(other)).toBe("idempotency_conflict");
		const check = await call(
			"/v1/suppressions?email=idem.three%40example.com&list=news",
			keyed({ method: "GET" }),
		);
		expect(await check.json()).toEqual({ suppressed: false });
	});

	it("a malformed key is 400 invalid_idempotency_key and suppresses nothing", async () => {
		const res = await addSuppression({ email: "idem.bad@example.com", list: "news" }, "has space");
		expect(res.status).toBe(400);
		expect(await errorCode(res)).toBe("invalid_idempotency_key");
		const check = await call(
			"/v1/suppressions?email=idem.bad%40example.com&list=news",
			keyed({ method: "GET" }),
		);
		expect(await check.json()).toEqual({ suppressed: false });
	});
});

describe("POST /v1/unsubscribe-links with Idempotency-Key", () => {
	it("a replay gets the first URL, marked as replayed", async () => {
		const first = await link({ email: "idem.link@example.com", list: "news" }, "l-1");
		expect(first.status).toBe(200);
		const body = await first.text();
		// A later call without the key mints a link with a later expiry; the replay keeps the first.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const fresh = await (
			await call(
				"/v1/unsubscribe-links",
				keyed({ method: "POST", ...json({ email: "idem.link@example.com", list: "news" }) }),
			)
		).text();
		expect(fresh).not.toBe(body);
		const again = await link({ email: "idem.link@example.com", list: "news" }, "l-1");
		expect(again.status).toBe(200);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		expect(await again.text()).toBe(body);
	});

	it("the same key with a different body is 409", async () => {
		expect((await link({ email: "idem.l2@example.com", list: "news" }, "l-2")).status).toBe(200);
		const other = await link({ email: "idem.l2@example.com", list: "offers" }, "l-2");
		expect(other.status).toBe(409);
		expect(await errorCode(other)).toBe("idempotency_conflict");
	});

	it("keys are scoped to the caller: a sender's key never meets the admin's", async () => {
		const scoped = envWithScopedKeys();
		expect(
			(await link({ email: "idem.l3@example.com", list: "news" }, "l-3", undefined, scoped)).status,
		).toBe(200);
		const sender = await link({ email: "idem.l3@example.com", list: "offers" }, "l-3", SENDER_KEY, scoped);
		expect(sender.status).toBe(200);
		expect(sender.headers.get("Idempotent-Replayed")).toBeNull();
		expect((await sender.json<{ list: string }>()).list).toBe("offers");
	});

	it("a key used on another route is 409", async () => {
		expect((await addSuppression({ email: "idem.cross@example.com", list: "news" }, "x-1")).status).toBe(201);
		const res = await link({ email: "idem.cross@example.com", list: "news" }, "x-1");
		expect(res.status).toBe(409);
		expect(await errorCode(res)).toBe("idempotency_conflict");
	});
});

describe("DELETE /v1/subjects/{subject} with Idempotency-Key", () => {
	it("a replay gets the first bodiless 204, marked as replayed", async () => {
		expect((await putConsent("user:idem-erase")).status).toBe(200);
		const first = await erase("user:idem-erase", "e-1");
		expect(first.status).toBe(204);
		const again = await erase("user:idem-erase", "e-1");
		expect(again.status).toBe(204);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		expect(await again.text()).toBe("");
	});

	it("the same key for another subject is 409 and erases nothing", async () => {
		expect((await putConsent("user:idem-keep")).status).toBe(200);
		expect((await erase("user:idem-gone", "e-2")).status).toBe(204);
		const other = await erase("user:idem-keep", "e-2");
		expect(other.status).toBe(409);
		expect(await errorCode(other)).toBe("idempotency_conflict");
		expect(await countRecords("user:idem-keep")).toBe(1);
	});

	it("keeps nothing that names the erased subject", async () => {
		expect((await erase("user:idem-private", "e-3")).status).toBe(204);
		const { keys } = await env.CONSENT_KV.list();
		for (const { name } of keys) {
			expect(name).not.toContain("idem-private");
			expect((await env.CONSENT_KV.get(name)) ?? "").not.toContain("idem-private");
		}
		const { results } = await env.DB.prepare("SELECT * FROM idempotency_keys").all();
		expect(results.length).toBeGreaterThan(0);
		expect(JSON.stringify(results)).not.toContain("idem-private");
	});

	it("an answer that failed is not kept: the same key retried once storage is back does the work", async () => {
		expect((await putConsent("user:idem-retry")).status).toBe(200);
		const init = keyed({ method: "DELETE", ...withKey("e-4") });
		const failed = await callWithEnv(envWith({ DB: brokenD1() }), "/v1/subjects/user%3Aidem-retry", init);
		expect(failed.status).toBe(503);
		expect(await countRecords("user:idem-retry")).toBe(1);
		const retried = await erase("user:idem-retry", "e-4");
		expect(retried.status).toBe(204);
		expect(retried.headers.get("Idempotent-Replayed")).toBeNull();
		expect(await countRecords("user:idem-retry")).toBe(0);
	});

	it("without KV the write is still made (never a 5xx)", async () => {
		expect((await putConsent("user:idem-nokv")).status).toBe(200);
		const res = await callWithEnv(
			envWith({ CONSENT_KV: brokenKV() }),
			"/v1/subjects/user%3Aidem-nokv",
			keyed({ method: "DELETE", ...withKey("e-5") }),
		);
		expect(res.status).toBe(204);
		expect(await countRecords("user:idem-nokv")).toBe(0);
	});

	it("a malformed key is 400 and erases nothing", async () => {
		expect((await putConsent("user:idem-badkey")).status).toBe(200);
		const res = await erase("user:idem-badkey", "x".repeat(256));
		expect(res.status).toBe(400);
		expect(await errorCode(res)).toBe("invalid_idempotency_key");
		expect(await countRecords("user:idem-badkey")).toBe(1);
	});
});

describe("one keyed-answer store for every keyed write", () => {
	const putConsentKeyed = (subject: string, key: string) =>
		call(
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject, purposes: { ads: false } }, withKey(key)) }),
		);

	it("a key used for a consent write and then for a suppression is 409, and suppresses nothing", async () => {
		expect((await putConsentKeyed("user:idem-cross-a", "c-1")).status).toBe(200);
		const res = await addSuppression({ email: "idem.cross.a@example.com", list: "news" }, "c-1");
		expect(res.status).toBe(409);
		expect(await errorCode(res)).toBe("idempotency_conflict");
		const check = await call(
			"/v1/suppressions?email=idem.cross.a%40example.com&list=news",
			keyed({ method: "GET" }),
		);
		expect(await check.json()).toEqual({ suppressed: false });
	});

	it("a key used for a suppression and then for a consent write is 409, and writes nothing", async () => {
		expect((await addSuppression({ email: "idem.cross.b@example.com", list: "news" }, "c-2")).status).toBe(
			201,
		);
		const res = await putConsentKeyed("user:idem-cross-b", "c-2");
		expect(res.status).toBe(409);
		expect(await errorCode(res)).toBe("idempotency_conflict");
		expect(await countRecords("user:idem-cross-b")).toBe(0);
	});

	it("a key used for an erasure and then for a consent write is 409, and writes nothing", async () => {
		expect((await erase("user:idem-cross-c", "c-3")).status).toBe(204);
		const res = await putConsentKeyed("user:idem-cross-d", "c-3");
		expect(res.status).toBe(409);
		expect(await errorCode(res)).toBe("idempotency_conflict");
		expect(await countRecords("user:idem-cross-d")).toBe(0);
	});
});

describe("same-key retries racing", () => {
	/**
	 * The test's D1, holding the first suppression insert until released: the moment a first request
	 * is doing its work, made as long as the test needs (an injected delay, nothing else changes).
	 */
	function holdingFirstSuppression(real: D1Database) {
		const gate = firstCallGate();
		const hold = (sql: string) => {
			const statement = real.prepare(sql);
			if (!/^insert into "email_suppressions"/i.test(sql)) return statement;
			return {
				bind: (...values: unknown[]) => {
					const bound = statement.bind(...values);
					return {
						run: async () => {
							await gate.pass();
							return bound.run();
						},
					};
				},
			};
		};
		const db = {
			prepare: hold,
			batch: (statements: D1PreparedStatement[]) => real.batch(statements),
			withSession: (constraint?: string) => real.withSession(constraint),
		} as unknown as D1Database;
		return { db, held: gate.held, release: gate.release };
	}

	/** Sends `first`, and `second` once the first is held in its work; then lets the first go on. */
	async function racing(
		held: { held: Promise<void>; release: () => void },
		first: () => Promise<Response>,
		second: () => Promise<Response>,
	) {
		return Promise.all([
			first(),
			(async () => {
				await held.held;
				try {
					return await second();
				} finally {
					held.release();
				}
			})(),
		]);
	}

	async function expectInProgress(res: Response) {
		expect(res.status).toBe(409);
		expect(res.headers.get("Retry-After")).toBe("1");
		const error = (await res.json<{ error: { code: string; message: string } }>()).error;
		expect(error.code).toBe("idempotency_conflict");
		expect(error.message).toMatch(/still in progress/);
	}

	it("a suppression is added once: the retry is told the first is in progress, and the 201 is kept", async () => {
		const body = { email: "idem.race@example.com", list: "news" };
		const holding = holdingFirstSuppression(env.DB);
		const send = (testEnv: Env) =>
			callWithEnv(testEnv, "/v1/suppressions", keyed({ method: "POST", ...json(body, withKey("r-1")) }));
		const [first, second] = await racing(
			holding,
			() => send(envWith({ DB: holding.db })),
			() => send(env),
		);
		await expectInProgress(second);
		expect(first.status).toBe(201);
		const kept = await addSuppression(body, "r-1");
		expect(kept.status).toBe(201);
		expect(kept.headers.get("Idempotent-Replayed")).toBe("true");
		expect(await kept.text()).toBe(await first.text());
	});

	it("an erasure is made once: one tombstone", async () => {
		expect((await putConsent("user:idem-race")).status).toBe(200);
		const tombstones = async () =>
			(await env.DB.prepare("SELECT COUNT(*) AS n FROM erasures").first<{ n: number }>())?.n ?? 0;
		const before = await tombstones();
		const holding = holdingFirstBatch(env.DB);
		const send = (testEnv: Env) =>
			callWithEnv(testEnv, "/v1/subjects/user%3Aidem-race", keyed({ method: "DELETE", ...withKey("r-2") }));
		const [first, second] = await racing(
			holding,
			() => send(envWith({ DB: holding.db })),
			() => send(env),
		);
		await expectInProgress(second);
		expect(first.status).toBe(204);
		expect((await tombstones()) - before).toBe(1);
		const again = await erase("user:idem-race", "r-2");
		expect(again.status).toBe(204);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
	});

	it("many at once: one is made, every other answer is that one or 409", async () => {
		const body = { email: "idem.many@example.com", list: "news" };
		const answers = await Promise.all(Array.from({ length: 6 }, () => addSuppression(body, "r-3")));
		const made = answers.filter((r) => r.headers.get("Idempotent-Replayed") === null && r.status !== 409);
		expect(made.map((r) => r.status)).toEqual([201]);
		for (const res of answers) expect([201, 409]).toContain(res.status);
	});
});
