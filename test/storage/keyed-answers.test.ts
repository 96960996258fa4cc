/**
 * The keyed-answer store's claims, on the real local D1: one claimer per key, an unanswered claim
 * taken over only by the same request once its lease ends, an answer replaced only once expired,
 * and a released claim free for a retry.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_TTL_MS } from "../../workers/storage/consent-repository";
import { CLAIM_LEASE_MS, claimKey, releaseKey, saveKeyedAnswer } from "../../workers/storage/keyed-answers";

const T0 = Date.UTC(2026, 0, 1);

describe("claimKey", () => {
	it("lets one request in; the same request later is told it is in progress until answered", async () => {
		expect(await claimKey(env.DB, "ka-1", "h", T0)).toEqual({ kind: "claimed", claimedAt: T0 });
		expect(await claimKey(env.DB, "ka-1", "h", T0 + 1000)).toEqual({ kind: "in-progress", requestHash: "h" });
		await saveKeyedAnswer(env.DB, "ka-1", T0, { status: 201, body: "{}" });
		expect(await claimKey(env.DB, "ka-1", "h", T0 + 2000)).toEqual({
			kind: "answered",
			answer: { requestHash: "h", status: 201, body: "{}" },
		});
	});

	it("an unanswered claim past its lease is taken over by the same request, not by another", async () => {
		await claimKey(env.DB, "ka-2", "h", T0);
		const late = T0 + CLAIM_LEASE_MS + 1;
		expect(await claimKey(env.DB, "ka-2", "other", late)).toEqual({ kind: "in-progress", requestHash: "h" });
		expect(await claimKey(env.DB, "ka-2", "h", late)).toEqual({ kind: "claimed", claimedAt: late });
		// The first claimer's answer, arriving after all, no longer lands on the new claim.
		await saveKeyedAnswer(env.DB, "ka-2", T0, { status: 200, body: "first" });
		expect((await claimKey(env.DB, "ka-2", "h", late + 1)).kind).toBe("in-progress");
	});

	it("an answer past its 24 h is replaced by a new claim, whatever the request", async () => {
		await claimKey(env.DB, "ka-3", "h", T0);
		await saveKeyedAnswer(env.DB, "ka-3", T0, { status: 204, body: "" });
		const later = T0 + IDEMPOTENCY_TTL_MS + 1;
		expect(await claimKey(env.DB, "ka-3", "other", later)).toEqual({ kind: "claimed", claimedAt: later });
	});

	it("a released claim leaves the key free", async () => {
		await claimKey(env.DB, "ka-4", "h", T0);
		await releaseKey(env.DB, "ka-4", T0);
		expect(await claimKey(env.DB, "ka-4", "other", T0 + 1)).toEqual({ kind: "claimed", claimedAt: T0 + 1 });
	});
});
