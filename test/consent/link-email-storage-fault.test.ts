/**
 * A keyed PUT that links an address reads the subject's linked address and the address's
 * suppressions before writing: D1 failing there is a storage outage on a write, so 503 with
 * Retry-After (contract), never a 500.
 */
import { describe, expect, it } from "vitest";
import { brokenD1, callWithEnv, envWith, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

describe("PUT /v1/consent linking an address while D1 is down", () => {
	it("is a 503 storage_unavailable with Retry-After", async () => {
		const res = await callWithEnv(
			envWith({ DB: brokenD1() }),
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json({ subject: "user:link-down", email: "down@example.com", purposes: { ads: false } }),
			}),
		);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("storage_unavailable");
	});
});
