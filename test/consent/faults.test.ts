import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	brokenD1,
	brokenKV,
	callWithEnv,
	countRecords,
	d1FailingBatches,
	envWith,
	json,
	keyed,
} from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = { purposes: Record<string, boolean>; reasons: Record<string, string>; version: number };

async function seed(subject: string, purposes: Record<string, boolean>) {
	const res = await callWithEnv(
		env,
		"/v1/consent",
		keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) }),
	);
	expect(res.status).toBe(200);
}

const lookup = (testEnv: Env, subject: string, headers: Record<string, string> = {}) =>
	callWithEnv(testEnv, `/v1/consent?subject=${subject}`, keyed({ cf: CA, headers }));

describe("lookups under storage faults", () => {
	it("D1 down, KV warm: answered from KV", async () => {
		await seed("user:kvwarm", { analytics: false });
		await lookup(env, "user:kvwarm");
		const res = await lookup(envWith({ DB: brokenD1() }), "user:kvwarm");
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc.reasons.analytics).toBe("explicit");
		expect(doc.purposes.analytics).toBe(false);
	});

	it("KV down: answered from D1", async () => {
		await seed("user:kvdown", { analytics: false });
		const res = await lookup(envWith({ CONSENT_KV: brokenKV() }), "user:kvdown");
		expect(res.status).toBe(200);
		expect((await res.json<Doc>()).reasons.analytics).toBe("explicit");
	});

	it("both down: every non-essential purpose false with reason degraded, still 200", async () => {
		const res = await lookup(envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() }), "user:nothing");
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc.purposes).toEqual({
			essential: true,
			analytics: false,
			personalization: false,
			ads: false,
			sale: false,
			email: false,
		});
		expect(doc.reasons).toMatchObject({ analytics: "degraded", ads: "degraded", essential: "essential" });
	});

	it("both down: GPC still decides its purposes and /v1/check never fails", async () => {
		const broken = envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });
		const doc = await (await lookup(broken, "user:nothing", { "Sec-GPC": "1" })).json<Doc>();
		expect(doc.reasons).toMatchObject({ ads: "gpc", analytics: "degraded" });
		const check = await callWithEnv(broken, "/v1/check?purpose=analytics", {
			cf: CA,
			headers: { Cookie: "ce_vid=AAAAAAAAAAAAAAAAAAAAAAAA" },
		});
		expect(check.status).toBe(200);
		expect(await check.json()).toEqual({ purpose: "analytics", allowed: false, reason: "degraded" });
	});

	it("an unknown visitor needs no storage at all", async () => {
		const res = await callWithEnv(envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() }), "/v1/consent", {
			cf: CA,
		});
		expect(res.status).toBe(200);
		expect((await res.json<Doc>()).reasons.analytics).toBe("default");
	});
});

describe("writes under storage faults", () => {
	it("D1 down: 503 with Retry-After, nothing written", async () => {
		const res = await callWithEnv(
			envWith({ DB: brokenD1() }),
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject: "user:w503", purposes: { ads: false } }) }),
		);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
		const body = await res.json<{ error: { code: string; message: string } }>();
		expect(body.error.code).toBe("storage_unavailable");
		expect(body.error.message).not.toMatch(/injected|D1|SQL/);
		expect(await countRecords("user:w503")).toBe(0);
	});

	it("a failure mid-write leaves nothing half-written, and the retry succeeds without manual steps", async () => {
		const res = await callWithEnv(
			envWith({ DB: d1FailingBatches() }),
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json(
					{ subject: "user:mid", purposes: { ads: false } },
					{ headers: { "Idempotency-Key": "mid-1" } },
				),
			}),
		);
		expect(res.status).toBe(503);
		expect(await countRecords("user:mid")).toBe(0);
		const state = await env.DB.prepare("SELECT count(*) AS n FROM consent_subjects WHERE subject = ?")
			.bind("user:mid")
			.first<{ n: number }>();
		expect(state?.n).toBe(0);
		const retry = await callWithEnv(
			env,
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json(
					{ subject: "user:mid", purposes: { ads: false } },
					{ headers: { "Idempotency-Key": "mid-1" } },
				),
			}),
		);
		expect(retry.status).toBe(200);
		expect(await countRecords("user:mid")).toBe(1);
	});

	it("KV down on a write: the write still succeeds (D1 is the truth)", async () => {
		const res = await callWithEnv(
			envWith({ CONSENT_KV: brokenKV() }),
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject: "user:kvw", purposes: { ads: false } }) }),
		);
		expect(res.status).toBe(200);
		expect(await countRecords("user:kvw")).toBe(1);
	});

	it("a storage failure on the records endpoint is a 503, never a leak", async () => {
		const res = await callWithEnv(envWith({ DB: brokenD1() }), "/v1/subjects/user:1/records", keyed());
		expect(res.status).toBe(503);
		expect(await res.text()).not.toMatch(/injected|stack|at /);
	});
});
