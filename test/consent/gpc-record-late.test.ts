/**
 * A GPC opt-out is recorded in the background, after the answer. A choice made in between (an
 * opt-in through the API, the visitor's own write) is the later one and stands; the signal's record
 * keeps only the purposes nobody chose since, as a queued one does (deferred-writes.ts).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { BASE, callWithEnv, envWith, holdingFirstBatch, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = { purposes: Record<string, boolean>; reasons: Record<string, string> };

const putKeyed = (subject: string, purposes: Record<string, boolean>) =>
	callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) }));

describe("a GPC record landing after a later choice", () => {
	it("keeps that choice and records only what nobody chose since", async () => {
		const subject = "user:gpc-late";
		await putKeyed(subject, { analytics: true });
		// The lookup with the signal answers at once; its record's batch is held back.
		const d1 = holdingFirstBatch(env.DB);
		const ctx = createExecutionContext();
		const signalled = await worker.fetch(
			new Request(
				new URL(`/v1/consent?subject=${subject}`, BASE),
				keyed({ cf: CA, headers: { "Sec-GPC": "1" } }) as RequestInit,
			) as never,
			envWith({ DB: d1.db }),
			ctx,
		);
		expect((await signalled.json<Doc>()).reasons.ads).toBe("gpc");
		await d1.held;
		// Then an explicit opt-in to ads, committed before the signal's record.
		expect((await putKeyed(subject, { ads: true })).status).toBe(200);
		d1.release();
		await waitOnExecutionContext(ctx);

		const doc = await (
			await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }))
		).json<Doc>();
		expect(doc.purposes).toMatchObject({ ads: true, sale: false, analytics: true });
		expect(doc.reasons).toMatchObject({ ads: "explicit", sale: "gpc" });
		const { records } = await (await callWithEnv(env, `/v1/subjects/${subject}/records`, keyed())).json<{
			records: { source: string; changes: Record<string, boolean> }[];
		}>();
		expect(records.map((r) => [r.source, r.changes])).toEqual([
			["gpc", { sale: false }],
			["api", { ads: true }],
			["api", { analytics: true }],
		]);
	});
});
