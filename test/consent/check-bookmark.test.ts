/**
 * Read-your-writes for an ad server's keyed `/v1/check`: a server-to-server caller that sends back a
 * write's `X-D1-Bookmark` reads at least as new as that write (README, D1 read replication), whatever
 * this location's KV still holds from before it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callWithEnv, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

describe("a keyed /v1/check with the bookmark of the caller's write", () => {
	it("sees the write, not a lagging KV entry from before it", async () => {
		const subject = "user:check-bookmark";
		const put = (purposes: Record<string, boolean>) =>
			callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) }));
		const allowed = await (await put({ ads: true })).text();
		const written = await put({ ads: false });
		const bookmark = written.headers.get("X-D1-Bookmark") ?? "";
		expect(bookmark).not.toBe("");
		// This location's KV still holds version 1 (ads allowed): the opt-out's put has not reached it.
		const before = JSON.parse(allowed) as { version: number };
		expect(before.version).toBe(1);
		await env.CONSENT_KV.put(
			`state:${subject}`,
			JSON.stringify({
				version: 1,
				purposes: { ads: true },
				sources: {},
				policyVersion: "2026-11",
				updatedAt: 1,
			}),
		);
		const check = await callWithEnv(
			env,
			`/v1/check?purpose=ads&subject=${subject}`,
			keyed({ cf: CA, headers: { "X-D1-Bookmark": bookmark } }),
		);
		expect(check.status).toBe(200);
		expect(await check.json()).toEqual({ purpose: "ads", allowed: false, reason: "explicit" });
		expect(check.headers.get("X-D1-Bookmark")).toBeTruthy();
	});

	it("a malformed or foreign bookmark is ignored, never a 5xx", async () => {
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject: "user:check-bm-bad", purposes: { ads: false } }) }),
		);
		for (const bookmark of [
			"garbage",
			"00000000-00000000-00000000-zzzz",
			"x".repeat(500),
			"00000000-ffffffff-00000000-00000000000000000000000000000000",
		]) {
			const check = await callWithEnv(
				env,
				"/v1/check?purpose=ads&subject=user:check-bm-bad",
				keyed({ cf: CA, headers: { "X-D1-Bookmark": bookmark } }),
			);
			expect(check.status, bookmark).toBe(200);
			expect(await check.json(), bookmark).toEqual({ purpose: "ads", allowed: false, reason: "explicit" });
		}
	});
});
