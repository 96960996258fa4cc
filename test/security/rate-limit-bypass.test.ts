/**
 * Rate limits cannot be escaped by how the Authorization header is written (docs/SECURITY.md, "A flood
 * of requests"): a page that ignores the header still counts the post as a visitor write, and one key
 * spelled many ways is still one key. Nor by the client's address within its IPv6 /64: one subscriber
 * holds 2^64 of them, and a fresh address per request bought a fresh limit every time.
 */
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, call } from "../helpers";

const FORM = "application/x-www-form-urlencoded";

async function inBatches(total: number, size: number, make: (n: number) => Promise<Response>) {
	const statuses: number[] = [];
	for (let i = 0; i < total; i += size) {
		const batch = await Promise.all(Array.from({ length: size }, (_, j) => make(i + j)));
		statuses.push(...batch.map((r) => r.status));
	}
	return statuses;
}

describe("rate limits and the Authorization header", { timeout: 90_000 }, () => {
	it("count preference-centre posts as visitor writes even with an ignored Authorization header", async () => {
		// 300 posts cross at least one limit of 120 per 60 s, even when the run straddles a window.
		const statuses = await inBatches(300, 30, (n) =>
			call("/preferences", {
				method: "POST",
				headers: {
					"CF-Connecting-IP": "198.51.100.41",
					"Content-Type": FORM,
					// A different (ignored) header on every post: it must not buy a fresh limit.
					Authorization: `Bearer not-a-key-${n}`,
				},
				body: "ads=on",
			}),
		);
		expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(100);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
	});

	it("limit one key per client however its Authorization header is spelled", async () => {
		// 1,240 requests exceed 2 x 600 even when the run straddles a window.
		const statuses = await inBatches(1240, 40, (n) =>
			call("/v1/consent?subject=user:spelled", {
				headers: {
					"CF-Connecting-IP": "198.51.100.42",
					// Accepted spellings of the same key: scheme case and the whitespace around the token.
					Authorization: `${n % 2 ? "Bearer" : "bearer"}${" ".repeat(1 + (n >> 1))}${ADMIN_KEY}`,
				},
			}),
		);
		expect(statuses.slice(0, 500).every((s) => s === 200)).toBe(true);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
	});
});

describe("rate limits and IPv6 addresses", { timeout: 90_000 }, () => {
	// A different address of 2001:db8:41:7::/64 on every request, spelled as Cloudflare may (compressed or not).
	const inPrefix = (n: number) =>
		n % 2 ? `2001:db8:41:7:${n.toString(16)}::1` : `2001:0db8:0041:0007:0:0:${n.toString(16)}:2`;

	it("count a client's visitor writes by its /64, whatever address of it each comes from", async () => {
		// 300 posts cross at least one limit of 120 per 60 s, even when the run straddles a window.
		const statuses = await inBatches(300, 30, (n) =>
			call("/preferences", {
				method: "POST",
				headers: { "CF-Connecting-IP": inPrefix(n), "Content-Type": FORM },
				body: "ads=on",
			}),
		);
		expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(100);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		// Another /64 (the next subscriber's) is not held back, nor is an IPv4 client.
		for (const other of ["2001:db8:41:8::1", "198.51.100.43"]) {
			const res = await call("/preferences", {
				method: "POST",
				headers: { "CF-Connecting-IP": other, "Content-Type": FORM },
				body: "ads=on",
			});
			expect(res.status, other).toBe(303);
		}
	});

	it("count invalid unsubscribe tokens by the /64 too", async () => {
		// CONTRACT.md, Limits: a burst of 150 invalid-token posts from one client meets 429s.
		const statuses = await inBatches(150, 30, (n) =>
			call("/unsubscribe?t=garbage", {
				method: "POST",
				headers: { "CF-Connecting-IP": inPrefix(1000 + n), "Content-Type": FORM },
				body: "List-Unsubscribe=One-Click",
			}),
		);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
	});
});
