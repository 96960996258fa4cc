/**
 * EMAIL_HASH_KEY must never change (README): under another key every suppression check answered
 * "not suppressed". The worker records a fingerprint of the key (an HMAC of a fixed label, never the
 * key) the first time it hashes, and refuses with 503 `not_configured` under a different one.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emailHashKeyFingerprint, FINGERPRINT_KEY } from "../../workers/storage/key-fingerprint";
import { brokenKV, callWithEnv, json, keyed } from "../helpers";

const OTHER_KEY = "a-different-email-hash-key-0123456789";

/** A fresh env object (the key's check is made once per env) with `extra` set. */
const envWith = (extra: Record<string, unknown> = {}) => ({ ...env, ...extra }) as unknown as Env;

function lookup(testEnv: Env, email: string): Promise<Response> {
	return callWithEnv(testEnv, `/v1/suppressions?${new URLSearchParams({ email, list: "news" })}`, keyed());
}

afterEach(() => {
	vi.restoreAllMocks();
	vi.useRealTimers();
});

describe("a changed EMAIL_HASH_KEY", () => {
	it("is refused, by name, where addresses are hashed, and logged once; the old key put back works again", async () => {
		const added = await callWithEnv(
			envWith(),
			"/v1/suppressions",
			keyed({ method: "POST", ...json({ email: "changed-key@example.com", list: "news" }) }),
		);
		expect(added.status).toBe(201);

		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const changed = envWith({ EMAIL_HASH_KEY: OTHER_KEY });
		for (const [path, init] of [
			["/v1/suppressions?email=changed-key@example.com&list=news", {}],
			["/v1/suppressions", { method: "POST", ...json({ email: "other@example.com", list: "news" }) }],
			[
				"/v1/suppressions/check",
				{ method: "POST", ...json({ emails: ["changed-key@example.com"], list: "news" }) },
			],
			[
				"/v1/unsubscribe-links",
				{ method: "POST", ...json({ email: "changed-key@example.com", list: "news" }) },
			],
			[
				"/v1/consent",
				{ method: "PUT", ...json({ subject: "user:changed", purposes: {}, email: "c@example.com" }) },
			],
		] as const) {
			const res = await callWithEnv(changed, path, keyed(init as never));
			expect(res.status, path).toBe(503);
			expect(res.headers.get("Retry-After"), path).toMatch(/^\d+$/);
			const body = await res.json<{ error: { code: string; message: string } }>();
			expect(body.error.code).toBe("not_configured");
			expect(body.error.message).toContain(
				"EMAIL_HASH_KEY differs from the one the stored hashes were made with",
			);
			expect(body.error.message).not.toContain(OTHER_KEY);
		}
		const naming = errors.mock.calls.filter((args) => args.join(" ").includes("EMAIL_HASH_KEY"));
		expect(naming).toHaveLength(1);
		expect(errors.mock.calls.join(" ")).not.toContain(OTHER_KEY);

		const back = await lookup(envWith(), "changed-key@example.com");
		expect(back.status).toBe(200);
		expect(await back.json()).toMatchObject({ suppressed: true });
	});

	it("the fingerprint kept is not the key", async () => {
		expect((await lookup(envWith(), "fingerprint@example.com")).status).toBe(200);
		const { keys } = await env.CONSENT_KV.list({ prefix: "config:" });
		expect(keys.length).toBeGreaterThan(0);
		for (const { name } of keys) {
			const value = (await env.CONSENT_KV.get(name)) ?? "";
			expect(value).not.toContain(env.EMAIL_HASH_KEY);
			expect(value.length).toBeGreaterThan(0);
		}
	});

	it("starting over: once the fingerprint is deleted, the new key is taken within a minute, with no restart", async () => {
		expect((await lookup(envWith(), "before-restart@example.com")).status).toBe(200);
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		vi.useFakeTimers({ toFake: ["Date"] });
		const changed = envWith({ EMAIL_HASH_KEY: OTHER_KEY });
		expect((await lookup(changed, "before-restart@example.com")).status).toBe(503);

		// README's step for starting over with an empty database, taken while the worker runs.
		await env.CONSENT_KV.delete(FINGERPRINT_KEY);
		// A refusal is remembered for a while (no KV read per request while the key is wrong) ...
		expect((await lookup(changed, "before-restart@example.com")).status).toBe(503);
		// ... not for the isolate's life: it kept refusing until the worker was restarted.
		vi.setSystemTime(Date.now() + 61_000);
		const taken = await lookup(changed, "before-restart@example.com");
		expect(taken.status).toBe(200);
		expect(await env.CONSENT_KV.get(FINGERPRINT_KEY)).toBe(await emailHashKeyFingerprint(OTHER_KEY));
		await env.CONSENT_KV.delete(FINGERPRINT_KEY);
	});

	it("a refusal rechecked while KV is down stays a refusal", async () => {
		expect((await lookup(envWith(), "kv-recheck@example.com")).status).toBe(200);
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		vi.useFakeTimers({ toFake: ["Date"] });
		const changed = envWith({ EMAIL_HASH_KEY: OTHER_KEY });
		expect((await lookup(changed, "kv-recheck@example.com")).status).toBe(503);
		(changed as { CONSENT_KV: KVNamespace }).CONSENT_KV = brokenKV();
		for (let minute = 1; minute <= 3; minute++) {
			vi.setSystemTime(Date.now() + 61_000);
			expect((await lookup(changed, "kv-recheck@example.com")).status, `minute ${minute}`).toBe(503);
		}
	});

	it("a KV outage does not stop suppression checks (D1 holds them)", async () => {
		const res = await lookup(envWith({ CONSENT_KV: brokenKV() }), "kv-down@example.com");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ suppressed: false });
	});
});
