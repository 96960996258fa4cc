/**
 * A write the worker is still working on (its D1 batch stalled) when a newer write for the same
 * subject arrives and is stored: the older one, once it lands, keeps the newer write's choices and
 * applies only the purposes the newer one did not name. The SDK gives up on a write after 10 s and
 * may then send a newer choice (README, "A write the worker cannot store"); the stalled one must not
 * be stored over it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, envWith, holdingFirstBatch, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

const putKeyed = (subject: string, purposes: Record<string, boolean>, db?: D1Database) =>
	(db ? (path: string, init: object) => callWithEnv(envWith({ DB: db }), path, init) : call)(
		"/v1/consent",
		keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) }),
	);

const storedPurposes = async (subject: string) => {
	const row = await env.DB.prepare("SELECT purposes FROM consent_subjects WHERE subject = ?")
		.bind(subject)
		.first<{ purposes: string }>();
	return JSON.parse(row?.purposes ?? "{}");
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a write overtaken while it is stalled", () => {
	it("lands without undoing the newer write's choices, and keeps its own for the rest", async () => {
		const subject = "user:overtaken";
		await putKeyed(subject, { analytics: false });
		const d1 = holdingFirstBatch(env.DB);
		const older = putKeyed(subject, { ads: true, personalization: true }, d1.db);
		await d1.held;
		await sleep(5);
		const newer = await putKeyed(subject, { ads: false });
		expect(newer.status).toBe(200);
		d1.release();
		const landed = await older;
		expect(landed.status).toBe(200);
		// Its answer says what is stored: the newer write's ads, its own personalization.
		const doc = await landed.json<{ purposes: Record<string, boolean> }>();
		expect(doc.purposes).toMatchObject({ ads: false, personalization: true, analytics: false });
		expect(await storedPurposes(subject)).toEqual({ analytics: false, ads: false, personalization: true });
	});

	it("an opt-out overtaken by a visitor's newer allowance does not undo it", async () => {
		const visitor = new Visitor(CA);
		await visitor.fetch("/v1/consent");
		const d1 = holdingFirstBatch(env.DB);
		const cookie = visitor.cookieHeader();
		const older = callWithEnv(envWith({ DB: d1.db }), "/v1/opt-out", {
			method: "POST",
			cf: CA,
			...json({}, { headers: { Cookie: cookie } }),
		});
		await d1.held;
		await sleep(5);
		expect((await visitor.put({ analytics: true })).status).toBe(200);
		d1.release();
		const landed = await older;
		expect(landed.status).toBe(200);
		// Its answer and D1 say the same: the newer allowance, the opt-out for everything else.
		const doc = await landed.json<{ subject: string; purposes: Record<string, boolean> }>();
		const denied = { analytics: true, ads: false, sale: false, personalization: false, email: false };
		expect(doc.purposes).toMatchObject(denied);
		expect(await storedPurposes(doc.subject)).toEqual(denied);
	});
});
