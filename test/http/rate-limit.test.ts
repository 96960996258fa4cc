import { describe, expect, it } from "vitest";
import { call, json, keyed } from "../helpers";

const client = (ip: string) => ({ "CF-Connecting-IP": ip });

describe("rate limits", { timeout: 60_000 }, () => {
	it("admit at least 500 keyed requests per 60 s per key and client, then answer 429 with Retry-After", async () => {
		const statuses: number[] = [];
		// Until the first 429; 1,240 requests exceed 2 x 600 even when the run straddles a window.
		for (let i = 0; i < 1240 && !statuses.includes(429); i += 40) {
			const batch = await Promise.all(
				Array.from({ length: 40 }, () =>
					call("/v1/consent?subject=user:rl", keyed({ headers: client("203.0.113.7") })),
				),
			);
			statuses.push(...batch.map((r) => r.status));
		}
		expect(statuses.slice(0, 500).every((s) => s === 200)).toBe(true);
		const limited = statuses.filter((s) => s === 429).length;
		expect(limited).toBeGreaterThan(0);
		const res = await call("/v1/consent?subject=user:rl", keyed({ headers: client("203.0.113.7") }));
		expect(res.status).toBe(429);
		expect(res.headers.get("Retry-After")).toBe("60");
		expect(await res.json()).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
		// Another client with the same key is not affected.
		expect(
			(await call("/v1/consent?subject=user:rl", keyed({ headers: client("203.0.113.8") }))).status,
		).toBe(200);
	});

	it("limit visitor writes per client address but never visitor lookups", async () => {
		const ip = client("203.0.113.20");
		const statuses: number[] = [];
		// 300 writes cross at least one limit of 120 per 60 s, even when the run straddles a window.
		for (let i = 0; i < 300; i += 30) {
			const batch = await Promise.all(
				Array.from({ length: 30 }, () =>
					call("/v1/consent", { method: "PUT", ...json({ purposes: { ads: false } }, { headers: ip }) }),
				),
			);
			statuses.push(...batch.map((r) => r.status));
		}
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(100);
		const lookup = await call("/v1/consent", { headers: ip });
		expect(lookup.status).toBe(200);
		const check = await call("/v1/check?purpose=ads", { headers: ip });
		expect(check.status).toBe(200);
	});
});
