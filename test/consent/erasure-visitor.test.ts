/**
 * A visitor erased by the keyed API still holds their signed `ce_consent`. What it then decides is
 * the contract's: while fresh (10 minutes) it decides alone, its allowances too; once stale, storage
 * decides, and an erased subject falls back to the defaults. Whatever the old cookie says, it never
 * writes the erased choices back into D1 or KV.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signDecisionCookie } from "../../workers/consent/decision-cookie";
import { BASE, call, callWithEnv, keyed, SIGNING_KEY, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

interface Doc {
	subject: string;
	version: number;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
}

async function stored(subject: string) {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM consent_subjects WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	const records = await env.DB.prepare("SELECT count(*) AS n FROM consent_records WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	return { rows: row?.n, records: records?.n, kv: await env.CONSENT_KV.get(`state:${subject}`) };
}

describe("a visitor's old cookie after their erasure", () => {
	it("decides as the contract says and writes nothing back", async () => {
		const v = new Visitor(CA);
		await v.fetch("/v1/consent");
		await v.put({ ads: false, analytics: true });
		const { subject } = await (await v.fetch("/v1/consent")).json<Doc>();
		expect((await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status).toBe(204);

		// Fresh: the cookie alone decides, as for any choice made through another channel.
		const fresh = await (await v.fetch("/v1/consent")).json<Doc>();
		expect(fresh.reasons).toMatchObject({ ads: "explicit", analytics: "explicit" });
		await v.fetch("/preferences");
		await callWithEnv(env, "/v1/check?purpose=ads", { cf: CA, headers: { Cookie: v.cookieHeader() } });
		expect(await stored(subject)).toEqual({ rows: 0, records: 0, kv: null });

		// Stale: storage decides, and the erased subject has the defaults.
		const stale = await signDecisionCookie(
			{
				subject,
				state: {
					version: 1,
					purposes: { ads: false, analytics: true },
					sources: {},
					policyVersion: null,
					updatedAt: 1,
				},
				issuedAt: Date.now() - 20 * 60_000,
				decision: {},
				jurisdiction: "US-CA",
				prompt: false,
			},
			SIGNING_KEY,
		);
		v.cookies.set("ce_consent", stale);
		const res = await callWithEnv(env, "/v1/consent", { cf: CA, headers: { Cookie: v.cookieHeader() } });
		const doc = await res.json<Doc>();
		expect(doc.reasons).toMatchObject({ ads: "default", analytics: "default" });
		expect(doc.version).toBe(0);
		await callWithEnv(env, "/preferences", { cf: CA, headers: { Cookie: v.cookieHeader() } });
		await callWithEnv(env, `${BASE}/v1/check?purpose=ads`, { cf: CA, headers: { Cookie: v.cookieHeader() } });
		expect((await stored(subject)).rows).toBe(0);
		expect((await stored(subject)).records).toBe(0);
		const cached = await env.CONSENT_KV.get<{ version: number; purposes: object }>(
			`state:${subject}`,
			"json",
		);
		expect(cached === null || (cached.version === 0 && Object.keys(cached.purposes).length === 0)).toBe(true);
		expect(await call(`/v1/subjects/${subject}/records`, keyed()).then((r) => r.json())).toEqual({
			records: [],
		});
	});
});
