/**
 * Keys that match none are limited per client address (KEYED_LIMITER, as one more key): a client
 * cycling made-up keys got a fresh limit with every key, and each cost hashing. A correct key sent
 * from the same address keeps its own limit.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN_KEY, call, callWithEnv, envWith, keyed } from "../helpers";

const client = (ip: string) => ({ "CF-Connecting-IP": ip });
const made = (n: number) => `made-up-key-${n}-0123456789abcdef0123456789`;

/** A KEYED_LIMITER that records the keys it is asked about and gives the answer `success`. */
function recordingEnv(success: boolean, vars: Record<string, string> = {}) {
	const keys: string[] = [];
	const binding = {
		limit: async ({ key }: { key: string }) => {
			keys.push(key);
			return { success };
		},
	};
	return { keys, env: envWith({ ...vars, KEYED_LIMITER: binding as unknown as RateLimit } as Partial<Env>) };
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("keys that match none", { timeout: 120_000 }, () => {
	it("are limited per client address, however many keys are made up: 429 with Retry-After", async () => {
		const statuses: number[] = [];
		// 1,240 made-up keys exceed 2 x 600 even when the run straddles a window.
		for (let i = 0; i < 1240 && !statuses.includes(429); i += 40) {
			const batch = await Promise.all(
				Array.from({ length: 40 }, (_, j) =>
					call("/v1/consent?subject=user:wk", keyed({ headers: client("203.0.113.61") }, made(i + j))),
				),
			);
			statuses.push(...batch.map((r) => r.status));
		}
		expect(statuses.slice(0, 500).every((s) => s === 401)).toBe(true);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		const res = await call(
			"/v1/consent?subject=user:wk",
			keyed({ headers: client("203.0.113.61") }, made(-1)),
		);
		expect(res.status).toBe(429);
		expect(res.headers.get("Retry-After")).toBe("60");
		expect(await res.json()).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
		// The correct key from the same address is not refused, nor a made-up one from another address.
		const own = await call("/v1/consent?subject=user:wk", keyed({ headers: client("203.0.113.61") }));
		expect(own.status).toBe(200);
		const other = await call(
			"/v1/consent?subject=user:wk",
			keyed({ headers: client("203.0.113.62") }, made(0)),
		);
		expect(other.status).toBe(401);
	});

	it("count under one key per address, apart from every correct key's", async () => {
		const recording = recordingEnv(true);
		const ip = client("203.0.113.63");
		for (const n of [1, 2, 3])
			expect(
				(await callWithEnv(recording.env, "/v1/consent?subject=user:wk", keyed({ headers: ip }, made(n))))
					.status,
			).toBe(401);
		// A header that presents no bearer token matches no key either.
		const basic = await callWithEnv(recording.env, "/v1/consent?subject=user:wk", {
			headers: { ...ip, Authorization: "Basic dXNlcjpwYXNz" },
		});
		expect(basic.status).toBe(401);
		expect(
			(await callWithEnv(recording.env, "/v1/consent?subject=user:wk", keyed({ headers: ip }))).status,
		).toBe(200);
		expect(new Set(recording.keys.slice(0, 4)).size).toBe(1);
		expect(recording.keys[0]).toContain("203.0.113.63");
		expect(recording.keys[4]).toContain("203.0.113.63");
		expect(recording.keys[4]).not.toBe(recording.keys[0]);
	});

	it("never take a correct key's limit: a refused wrong key leaves the right one admitted", async () => {
		// A limiter that refuses the wrong keys' bucket and admits every other.
		const keys: string[] = [];
		let wrongBucket: string | undefined;
		const binding = {
			limit: async ({ key }: { key: string }) => {
				keys.push(key);
				wrongBucket ??= key;
				return { success: key !== wrongBucket };
			},
		};
		const limited = envWith({ KEYED_LIMITER: binding as unknown as RateLimit } as Partial<Env>);
		const ip = client("203.0.113.64");
		const wrong = await callWithEnv(limited, "/v1/consent?subject=user:wk", keyed({ headers: ip }, made(9)));
		expect(wrong.status).toBe(429);
		const right = await callWithEnv(
			limited,
			"/v1/consent?subject=user:wk",
			keyed({ headers: ip }, ADMIN_KEY),
		);
		expect(right.status).toBe(200);
	});

	it("cost one SHA-256 each, however many keys are configured, even when refused", async () => {
		const vars = {
			ADMIN_API_KEY_PREVIOUS: "previous-admin-key-0123456789abcdef0123",
			READER_API_KEY: "reader-key-0123456789abcdef0123456789",
			SENDER_API_KEY: "sender-key-0123456789abcdef0123456789",
		};
		for (const success of [true, false]) {
			const recording = recordingEnv(success, vars);
			// Configured keys hashed once per isolate are not this request's cost.
			await callWithEnv(recording.env, "/v1/consent?subject=user:wk", keyed({}, made(100)));
			const digest = vi.spyOn(crypto.subtle, "digest");
			const res = await callWithEnv(recording.env, "/v1/consent?subject=user:wk", keyed({}, made(101)));
			expect(res.status).toBe(success ? 401 : 429);
			expect(digest).toHaveBeenCalledTimes(1);
			vi.restoreAllMocks();
		}
	});
});
