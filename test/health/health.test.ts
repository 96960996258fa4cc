/**
 * GET /v1/health: 200 while the worker can decide and write, a 503 `degraded` with Retry-After
 * while it cannot (D1, a migration not applied, a required secret, a changed EMAIL_HASH_KEY), KV
 * alone failing named but still 200; the admin key adds each check's details. A hung binding
 * answers within the timeout.
 */
import { applyD1Migrations, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { NEWEST_MIGRATION } from "../../workers/storage/consent-repository";
import { emailHashKeyFingerprint, writeKeyFingerprint } from "../../workers/storage/key-fingerprint";
import { parkWrite } from "../../workers/storage/parked-writes";
import { ADMIN_KEY, brokenD1, brokenKV, callWithEnv, envWith, keyed, SIGNING_KEY } from "../helpers";

const HEALTH = "/v1/health";

/** The keyless 503's body: the failing checks, and the contract's error shape. */
function degraded(failing: string[]) {
	const message = `Some requests are refused: ${failing.join(", ")} failing.`;
	return { status: "degraded", failing, error: { code: "degraded", message } };
}

interface Health {
	status: string;
	failing?: string[];
	checks?: Record<string, { ok: boolean; ms?: number; missing?: string[] }>;
	guard?: boolean;
	debugGeo?: boolean;
	d1Databases?: number;
	parkedWrites?: number | string | null;
}

/** A fresh env object (settings are parsed once per env) with `name` absent. */
function envWithout(name: string): Env {
	const changed = { ...env } as Record<string, unknown>;
	delete changed[name];
	return changed as unknown as Env;
}

/** A D1 binding whose statements never answer, as a hung database; `asked` is told of each query. */
function hungD1(asked = () => {}): D1Database {
	const hung = new Promise<never>(() => undefined);
	const never = () => {
		asked();
		return hung;
	};
	const statement = { bind: () => statement, first: never, all: never, run: never };
	const session = { prepare: () => statement, batch: never, getBookmark: () => null };
	return {
		prepare: () => statement,
		batch: never,
		withSession: () => session,
	} as unknown as D1Database;
}

async function parkedKeys(): Promise<string[]> {
	const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:" });
	return keys.map((k) => k.name);
}

// The backlog case parks 1001 writes: deleted 100 at a time, one list page after another (one by
// one, they took over the hook's 10 s on a loaded machine, and the 1001st outlived one list page).
afterEach(async () => {
	vi.useRealTimers();
	vi.restoreAllMocks();
	for (let keys = await parkedKeys(); keys.length > 0; keys = await parkedKeys()) {
		for (let start = 0; start < keys.length; start += 100)
			await Promise.all(keys.slice(start, start + 100).map((key) => env.CONSENT_KV.delete(key)));
	}
}, 60_000);

describe("GET /v1/health without a key (a monitor)", () => {
	it("is 200 {status: ok}, never stored, when D1, KV and the secrets are fine; HEAD too", async () => {
		const res = await callWithEnv(envWith({}), HEALTH);
		expect(res.status).toBe(200);
		expect(res.headers.get("Cache-Control")).toMatch(/\bno-store\b/);
		expect(res.headers.get("Retry-After")).toBeNull();
		expect(await res.json()).toEqual({ status: "ok" });
		const head = await callWithEnv(envWith({}), HEALTH, { method: "HEAD" });
		expect(head.status).toBe(200);
	});

	it("reuses its checks for a few seconds, so a flood of probes costs a few storage reads", async () => {
		let statements = 0;
		const counting = new Proxy(env.DB, {
			get(target, name) {
				if (name === "withSession" || name === "prepare") statements++;
				const value = Reflect.get(target, name);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		const probed = envWith({ DB: counting });
		for (let i = 0; i < 20; i++) expect((await callWithEnv(probed, HEALTH)).status).toBe(200);
		expect(statements).toBe(1);
		// The admin view checks afresh.
		expect((await callWithEnv(probed, HEALTH, keyed())).status).toBe(200);
		expect(statements).toBe(2);
	});

	it("is 503 degraded with Retry-After when D1 is unreachable, naming the check only", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const res = await callWithEnv(envWith({ DB: brokenD1() }), HEALTH);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect(res.headers.get("Cache-Control")).toMatch(/\bno-store\b/);
		expect(await res.json()).toEqual(degraded(["d1"]));
	});

	it("stays 200 when only KV fails (decisions and writes go on from D1), naming kv", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const res = await callWithEnv(envWith({ CONSENT_KV: brokenKV() }), HEALTH);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: "ok", failing: ["kv"] });
	});

	it("is 503 when a required secret is missing, without naming the secret", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		for (const name of ["SIGNING_KEY", "ADMIN_API_KEY", "EMAIL_HASH_KEY"]) {
			const res = await callWithEnv(envWithout(name), HEALTH);
			expect(res.status, name).toBe(503);
			const text = await res.text();
			expect(JSON.parse(text), name).toEqual(degraded(["secrets"]));
			expect(text).not.toContain(name);
		}
	});

	it("is 503 when EMAIL_HASH_KEY is not the key KV's fingerprint was made with", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		await writeKeyFingerprint(env.CONSENT_KV, await emailHashKeyFingerprint(env.EMAIL_HASH_KEY));
		const same = await callWithEnv(envWith({}), HEALTH);
		expect(same.status).toBe(200);
		const changed = await callWithEnv(
			envWith({ EMAIL_HASH_KEY: "another-email-hash-key-0123456789abcdef" }),
			HEALTH,
		);
		expect(changed.status).toBe(503);
		expect(await changed.json()).toEqual(degraded(["emailHashKey"]));
	});

	it("checks every D1 shard: one unreachable is 503", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const shards = { D1_SHARDS: "DB,DB_SHARD_1" } as Partial<Env>;
		expect((await callWithEnv(envWith(shards), HEALTH)).status).toBe(200);
		const res = await callWithEnv(envWith({ ...shards, DB_SHARD_1: brokenD1() } as Partial<Env>), HEALTH);
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual(degraded(["d1"]));
	});

	it("D1_SHARDS naming a database that is not bound is a config finding naming both, not d1: 503", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const misbound = envWith({ D1_SHARDS: "DB,DB_SHARD_1,DB_SHARD_9" } as Partial<Env>);
		const res = await callWithEnv(misbound, HEALTH);
		// Subjects on that shard are refused (writes 503, lookups fail closed), as for a malformed ORIGIN.
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual(degraded(["config"]));
		const admin = await (await callWithEnv(misbound, HEALTH, keyed())).json<Health>();
		expect(admin.checks?.d1?.ok).toBe(true);
		// The databases in use, as `d1` reads them: the unbound name is config's finding, not a database.
		expect(admin.d1Databases).toBe(2);
		expect(admin.checks?.config).toMatchObject({
			ok: false,
			invalid: ["D1_SHARDS"],
			unboundShards: ["DB_SHARD_9"],
		});
		const logged = errors.mock.calls.map((args) => String(args[0])).filter((l) => l.includes("D1_SHARDS"));
		expect(logged).toHaveLength(1);
		expect(logged[0]).toContain("DB_SHARD_9");
	});

	it("is 503 naming schema, not d1, for a database that answers but was never migrated", async () => {
		// Runs before the next test migrates DB_UNMIGRATED (storage is per file).
		const res = await callWithEnv(envWith({ DB: env.DB_UNMIGRATED }), HEALTH);
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual(degraded(["schema"]));
	});

	it("is 503 naming schema while a database lacks the newest migration (npm run deploy applies none)", async () => {
		expect(NEWEST_MIGRATION).toBe(env.TEST_MIGRATIONS.at(-1)?.name);
		// An upgrade deployed before its migrations: this code on a database one migration behind.
		const behind = env.DB_UNMIGRATED;
		await applyD1Migrations(behind, env.TEST_MIGRATIONS.slice(0, -1));
		const res = await callWithEnv(envWith({ DB: behind }), HEALTH);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect(await res.json()).toEqual(degraded(["schema"]));
		// A shard behind counts as much as DB.
		const shards = { D1_SHARDS: "DB,DB_SHARD_1", DB_SHARD_1: behind } as Partial<Env>;
		expect(await (await callWithEnv(envWith(shards), HEALTH)).json()).toEqual(degraded(["schema"]));
		await applyD1Migrations(behind, env.TEST_MIGRATIONS);
		expect((await callWithEnv(envWith({ DB: behind }), HEALTH)).status).toBe(200);
		expect((await callWithEnv(envWith(shards), HEALTH)).status).toBe(200);
	});

	it("answers within its timeout when D1 hangs", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		let asked = () => {};
		const d1Asked = new Promise<void>((resolve) => {
			asked = resolve;
		});
		// On a fake clock: the check is given the time it is meant to have, whatever else the machine is doing.
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
		let answered = false;
		const answer = callWithEnv(envWith({ DB: hungD1(asked) }), HEALTH, keyed()).finally(() => {
			answered = true;
		});
		await d1Asked;
		// Once KV has answered (on the real clock), only the hung check's deadline is left.
		while (vi.getTimerCount() > 1) await scheduler.wait(1);
		await vi.advanceTimersByTimeAsync(1999);
		expect(answered).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		vi.useRealTimers();
		const res = await answer;
		expect(res.status).toBe(503);
		const body = await res.json<Health>();
		expect(body.failing).toEqual(["d1"]);
		expect(body.checks?.d1).toEqual({ ok: false, ms: 2000 });
	});

	it("is never limited without a key, even by limiters that refuse everything", async () => {
		const refusing = { limit: async () => ({ success: false }) } as unknown as RateLimit;
		const limited = envWith({ KEYED_LIMITER: refusing, WRITE_LIMITER: refusing } as Partial<Env>);
		for (let i = 0; i < 10; i++) expect((await callWithEnv(limited, HEALTH)).status).toBe(200);
		// With a key it is a keyed call: KEYED_LIMITER's 600 per minute per key and client.
		expect((await callWithEnv(limited, HEALTH, keyed())).status).toBe(429);
	});
});

describe("GET /v1/health with a key (an operator)", () => {
	it("gives every check, the configuration's shape and the parked writes, never a secret", async () => {
		const res = await callWithEnv(envWith({}), HEALTH, keyed());
		expect(res.status).toBe(200);
		const text = await res.text();
		const body = JSON.parse(text) as Health;
		expect(body).toMatchObject({
			status: "ok",
			failing: [],
			guard: false,
			debugGeo: true,
			d1Databases: 1,
			parkedWrites: 0,
		});
		for (const name of ["d1", "schema", "kv", "secrets", "emailHashKey"])
			expect(body.checks?.[name]?.ok, name).toBe(true);
		expect(body.checks?.d1?.ms).toBeGreaterThanOrEqual(0);
		expect(body.checks?.kv?.ms).toBeGreaterThanOrEqual(0);
		const fingerprint = await emailHashKeyFingerprint(env.EMAIL_HASH_KEY);
		for (const secret of [ADMIN_KEY, SIGNING_KEY, env.EMAIL_HASH_KEY, fingerprint])
			expect(text).not.toContain(secret);
	});

	it("names the failing check and the missing secret", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		const d1 = await callWithEnv(envWith({ DB: brokenD1() }), HEALTH, keyed());
		expect(d1.status).toBe(503);
		const d1Body = await d1.json<Health>();
		expect(d1Body.failing).toEqual(["d1"]);
		expect(d1Body.checks?.d1?.ok).toBe(false);

		const kv = await callWithEnv(envWith({ CONSENT_KV: brokenKV() }), HEALTH, keyed());
		expect(kv.status).toBe(200);
		expect(await kv.json<Health>()).toMatchObject({ status: "ok", failing: ["kv"], parkedWrites: null });

		const noSigningKey = await callWithEnv(envWithout("SIGNING_KEY"), HEALTH, keyed());
		expect(noSigningKey.status).toBe(503);
		expect((await noSigningKey.json<Health>()).checks?.secrets).toEqual({
			ok: false,
			missing: ["SIGNING_KEY"],
		});
	});

	it("counts the writes parked in KV", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		const body: DeferredWrite = {
			type: "consent-change",
			subject: "user:parked-health",
			change: { changes: { ads: false }, source: "gpc", jurisdiction: "US-CA", gpc: true, now: Date.now() },
		};
		// Parked the way it happens: dead-lettered, then refused by D1 once more.
		const batch = createMessageBatch<DeferredWrite>(DEAD_LETTER_QUEUE, [
			{ id: "health-1", timestamp: new Date(), attempts: 1, body },
			{ id: "health-2", timestamp: new Date(), attempts: 1, body },
		]);
		await worker.queue(batch, envWith({ DB: brokenD1() }));
		expect(await parkedKeys()).toHaveLength(2);
		const res = await callWithEnv(envWith({}), HEALTH, keyed());
		expect((await res.json<Health>()).parkedWrites).toBe(2);
	});

	it("reports more parked writes than one KV list page as 1000+", async () => {
		const body = { type: "consent-change", subject: "user:parked-backlog" };
		for (let start = 0; start < 1001; start += 100) {
			const ids = Array.from({ length: Math.min(100, 1001 - start) }, (_, i) => `backlog-${start + i}`);
			await Promise.all(ids.map((id) => parkWrite(env.CONSENT_KV, { id, timestamp: new Date(), body })));
		}
		const res = await callWithEnv(envWith({}), HEALTH, keyed());
		expect((await res.json<Health>()).parkedWrites).toBe("1000+");
	}, 60_000);

	it("reports guard mode, and is the worker's own path there", async () => {
		const res = await callWithEnv(envWith({ ORIGIN: "https://site.invalid" }), HEALTH, keyed());
		expect(res.status).toBe(200);
		expect((await res.json<Health>()).guard).toBe(true);
	});

	it("refuses a wrong key (401) and a key of another scope (403)", async () => {
		const wrong = await callWithEnv(envWith({}), HEALTH, keyed({}, "not-the-key"));
		expect(wrong.status).toBe(401);
		expect((await wrong.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
		const reader = await callWithEnv(
			envWith({ READER_API_KEY: "health-reader-key" } as Partial<Env>),
			HEALTH,
			keyed({}, "health-reader-key"),
		);
		expect(reader.status).toBe(403);
		expect((await reader.json<{ error: { code: string } }>()).error.code).toBe("forbidden");
	});
});
