/**
 * A decision made while storage cannot be read (D1 down, KV down or missing the subject) is
 * `degraded`: fail closed. The `ce_consent` on that answer must not undo it. Signed from nothing read,
 * it said "no choice stored", fresh for ten minutes, so the visitor's next requests were decided by it
 * as someone who never chose (the defaults: tracking back on in opt-out regions), and a stale cookie's
 * denials were replaced, leaving a lagging KV entry to answer over them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import {
	brokenD1,
	brokenKV,
	callWithEnv,
	envWith,
	json,
	keyed,
	setCookieNamed,
	signedVisitorCookie,
} from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = { purposes: Record<string, boolean>; reasons: Record<string, string> };

/** The value of the `ce_consent` an answer sets, or undefined. */
const consentCookieOf = (res: Response) => setCookieNamed(res, "ce_consent")?.split(";")[0]?.slice(11);

const visit = (testEnv: Env, path: string, cookie: string) =>
	callWithEnv(testEnv, path, { cf: CA, headers: { Cookie: cookie } });

describe("a visitor's answer while storage cannot be read", () => {
	it("hands out no cookie that later decides as if they never chose (they opted out, D1 and KV down)", async () => {
		const vid = "outageVisitor_0123456789ab";
		await callWithEnv(
			env,
			"/v1/opt-out",
			keyed({ method: "POST", cf: CA, ...json({ subject: await visitorSubject(vid) }) }),
		);
		const down = envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });
		let cookie = `ce_vid=${vid}`;
		for (let i = 0; i < 3; i++) {
			const res = await visit(down, "/v1/consent", cookie);
			expect(res.status).toBe(200);
			const doc = await res.json<Doc>();
			expect(doc.purposes).toMatchObject({ ads: false, sale: false, analytics: false });
			expect(doc.reasons.ads).toBe("degraded");
			const sent = consentCookieOf(res);
			if (sent) cookie = `ce_vid=${vid}; ce_consent=${sent}`;
			const check = await visit(down, "/v1/check?purpose=ads", cookie);
			expect(await check.json()).toEqual({ purpose: "ads", allowed: false, reason: "degraded" });
		}
	});

	it("keeps a stale cookie's denials, so a lagging KV entry cannot answer over them (D1 down)", async () => {
		const vid = "outageStale_0123456789abcd";
		const subject = await visitorSubject(vid);
		const stale = await signedVisitorCookie(
			vid,
			{ ads: false, analytics: true },
			{ version: 2, issuedAt: Date.now() - 20 * 60_000 },
		);
		// This location's KV still holds version 1, from before the opt-out.
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
		const d1Down = envWith({ DB: brokenD1() });
		let cookie = `ce_vid=${vid}; ce_consent=${stale}`;
		for (let i = 0; i < 3; i++) {
			const res = await visit(d1Down, "/v1/consent", cookie);
			const doc = await res.json<Doc>();
			expect(doc.purposes.ads).toBe(false);
			expect(doc.reasons.ads).toBe("explicit");
			const sent = consentCookieOf(res);
			if (sent) cookie = `ce_vid=${vid}; ce_consent=${sent}`;
			const check = await visit(d1Down, "/v1/check?purpose=ads", cookie);
			expect(await check.json()).toEqual({ purpose: "ads", allowed: false, reason: "explicit" });
		}
	});
});
