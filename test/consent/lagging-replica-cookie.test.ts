/**
 * A visitor's stale `ce_consent` sends their lookup to storage. A D1 read replica (the Sessions API's
 * "first-unconstrained") may lag the primary: when it answers with an older version than the cookie
 * carries, the cookie proves a newer write exists, and that read must not decide (nor fill KV).
 * The replica here is a second local database holding the subject's earlier state, the primary `DB`
 * the current one: reads a session may send to a replica go to the first, everything else to `DB`.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { requestContext } from "../../workers/consent/request-context";
import { guardDecision } from "../../workers/guard/guard-decision";
import { callWithEnv, envWith, json, keyed, signedVisitorCookie } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = { version: number; purposes: Record<string, boolean>; reasons: Record<string, string> };
const replicaDb = (env as unknown as { DB_SHARD_1: D1Database }).DB_SHARD_1;

/** `DB`, whose unconstrained sessions read from a replica still at an earlier state. */
function lagging(primary: D1Database, replica: D1Database): D1Database {
	return {
		prepare: (sql: string) => primary.prepare(sql),
		batch: (statements: D1PreparedStatement[]) => primary.batch(statements),
		withSession: (constraint?: string) =>
			constraint === "first-unconstrained"
				? replica.withSession(constraint)
				: primary.withSession(constraint),
	} as unknown as D1Database;
}

const putAt = (testEnv: Env, subject: string, purposes: Record<string, boolean>) =>
	callWithEnv(testEnv, "/v1/consent", keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) }));

/** A visitor who allowed ads (version 1) then denied them (version 2); the replica has only version 1. */
async function optedOutBehindReplica(
	vid: string,
): Promise<{ subject: string; cookie: string; testEnv: Env }> {
	const subject = await visitorSubject(vid);
	await putAt(envWith({ DB: replicaDb }), subject, { ads: true });
	await putAt(env, subject, { ads: true });
	expect((await (await putAt(env, subject, { ads: false })).json<Doc>()).version).toBe(2);
	// This location's KV has no entry (expired, or never filled here).
	await env.CONSENT_KV.delete(`state:${subject}`);
	const stale = await signedVisitorCookie(
		vid,
		{ ads: false },
		{ version: 2, issuedAt: Date.now() - 20 * 60_000 },
	);
	return {
		subject,
		cookie: `ce_vid=${vid}; ce_consent=${stale}`,
		testEnv: envWith({ DB: lagging(env.DB, replicaDb) }),
	};
}

describe("a stale cookie newer than a lagging D1 replica", () => {
	it("is answered from the primary: the opt-out holds, for the decision and for an ad tag's check", async () => {
		const { cookie, testEnv } = await optedOutBehindReplica("replicaLagVisitor_0123456");
		const res = await callWithEnv(testEnv, "/v1/consent", { cf: CA, headers: { Cookie: cookie } });
		const doc = await res.json<Doc>();
		expect(doc.purposes.ads).toBe(false);
		expect(doc.version).toBe(2);
		const check = await callWithEnv(testEnv, "/v1/check?purpose=ads", {
			cf: CA,
			headers: { Cookie: cookie },
		});
		expect(await check.json()).toEqual({ purpose: "ads", allowed: false, reason: "explicit" });
	});

	it("keeps the guard guarding them (their ads trackers stay blocked)", async () => {
		const { cookie, testEnv } = await optedOutBehindReplica("replicaLagGuard_012345678");
		const ctx = createExecutionContext();
		const request = new Request("https://shop.example/products/1.png", {
			headers: { Cookie: cookie, "X-Debug-Geo": "US-CA" },
		});
		const verdict = await guardDecision(requestContext(request, testEnv, ctx), () => false);
		await waitOnExecutionContext(ctx);
		expect(verdict.guarded).toBe(true);
		expect([...verdict.denied]).toEqual(["ads"]);
	});

	it("never fills KV with the replica's older allowance", async () => {
		const { subject, cookie, testEnv } = await optedOutBehindReplica("replicaLagFill_0123456789");
		await callWithEnv(testEnv, "/v1/check?purpose=ads", { cf: CA, headers: { Cookie: cookie } });
		const cached = await env.CONSENT_KV.get<{ version: number; purposes: Record<string, boolean> }>(
			`state:${subject}`,
			"json",
		);
		expect(cached?.purposes.ads).not.toBe(true);
	});

	it("still reads the replica when it is as new as the cookie (no extra primary read)", async () => {
		const vid = "replicaCurrent_0123456789ab";
		const subject = await visitorSubject(vid);
		await putAt(env, subject, { ads: false });
		const constraints: (string | undefined)[] = [];
		const recording = {
			prepare: (sql: string) => env.DB.prepare(sql),
			batch: (statements: D1PreparedStatement[]) => env.DB.batch(statements),
			withSession: (constraint?: string) => {
				constraints.push(constraint);
				return env.DB.withSession(constraint);
			},
		} as unknown as D1Database;
		await env.CONSENT_KV.delete(`state:${subject}`);
		const stale = await signedVisitorCookie(
			vid,
			{ ads: false },
			{ version: 1, issuedAt: Date.now() - 20 * 60_000 },
		);
		const res = await callWithEnv(envWith({ DB: recording }), "/v1/check?purpose=ads", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ce_consent=${stale}` },
		});
		expect(await res.json()).toEqual({ purpose: "ads", allowed: false, reason: "explicit" });
		expect(constraints).toEqual(["first-unconstrained"]);
	});
});
