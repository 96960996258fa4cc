/**
 * A replayed visitor write (Idempotency-Key) hands the visitor a fresh `ce_consent` made from the
 * current state: the write it replays is in D1, so the cookie must carry it even where KV still holds
 * the state from before it (a lagging location, or a cache put KV refused).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = { subject: string; version: number; purposes: Record<string, boolean> };

describe("a replayed visitor write's cookie", () => {
	it("carries the write it replays, even when KV still has the state before it", async () => {
		const v = new Visitor(CA);
		const { subject } = await (await v.put({ ads: true })).json<Doc>();
		const cached = () => env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json");
		await vi.waitFor(async () => expect((await cached())?.version).toBe(1));
		const before = await env.CONSENT_KV.get(`state:${subject}`);
		const optOut = { headers: { "Idempotency-Key": "opt-out-1" } };
		expect((await (await v.put({ ads: false }, optOut)).json<Doc>()).purposes.ads).toBe(false);
		await vi.waitFor(async () => expect((await cached())?.version).toBe(2));
		// KV lags: it still holds version 1 (ads allowed), as at another location or after a refused put.
		if (before) await env.CONSENT_KV.put(`state:${subject}`, before);

		// The client did not see that answer (a timeout) and sends the request again.
		const replay = await v.put({ ads: false }, optOut);
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
		const doc = await (await v.fetch("/v1/consent")).json<Doc>();
		expect(doc.purposes.ads).toBe(false);
		expect(doc.version).toBe(2);
	});
});
