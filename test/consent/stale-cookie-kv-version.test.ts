/**
 * A stale `ce_consent` is answered from KV only when KV can stand for it. A GPC opt-out recorded
 * from the cookie's own (older) copy of the choices is signed with the version after the cookie's,
 * which D1 may already have given a write made through another channel: a KV entry still lagging at
 * that write has the cookie's version without the opt-out, and must not bring the opt-out back.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signDecisionCookie, verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import { callWithEnv, json, keyed, SIGNING_KEY, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = {
	subject: string;
	version: number;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
};

/** A browser that keeps its cookies, each call waiting for the worker's background work (the GPC record). */
const browser = () => new Visitor(CA, { waitForBackground: true });
/** The visitor's ce_consent as it is, issued 20 minutes ago: its allowances need a lookup. */
async function ageCookie(visitor: Visitor): Promise<void> {
	const cookie = await verifyDecisionCookie(visitor.cookies.get("ce_consent"), [SIGNING_KEY]);
	if (!cookie) throw new Error("no ce_consent");
	const { raw: _, ...rest } = cookie;
	const aged = await signDecisionCookie({ ...rest, issuedAt: Date.now() - 20 * 60_000 }, SIGNING_KEY);
	visitor.cookies.set("ce_consent", aged);
}

describe("a stale cookie and a lagging KV entry of the same version", () => {
	it("never bring back the visitor's GPC opt-out", async () => {
		const b = browser();
		const { subject } = await (await b.fetch("/v1/consent")).json<Doc>();
		await b.fetch("/v1/consent", { method: "PUT", ...json({ purposes: { personalization: true } }) });
		// Another channel writes version 2 while the browser's cookie still says version 1.
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { analytics: false } }) }),
		);
		const beforeGpc = await env.CONSENT_KV.get(`state:${subject}`);
		// The signal, decided by the fresh cookie: recorded in D1 as version 3, signed as version 2.
		const signalled = await (await b.fetch("/v1/consent", { headers: { "Sec-GPC": "1" } })).json<Doc>();
		expect(signalled.purposes).toMatchObject({ ads: false, sale: false });
		expect((await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json"))?.version).toBe(3);

		// KV at this location still has version 2 (no opt-out), and the cookie has gone stale.
		if (beforeGpc) await env.CONSENT_KV.put(`state:${subject}`, beforeGpc);
		await ageCookie(b);
		const later = await (await b.fetch("/v1/consent")).json<Doc>();
		expect(later.purposes).toMatchObject({ ads: false, sale: false, analytics: false });
		expect(later.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(later.version).toBe(3);
	});

	it("still bring an opt-in given through another channel since (D1 decides)", async () => {
		const b = browser();
		await b.fetch("/v1/consent");
		const { subject } = await (
			await b.fetch("/v1/consent", { method: "PUT", ...json({ purposes: { ads: false } }) })
		).json<Doc>();
		// Another channel opts in again: KV (version 2) contradicts the cookie's denial, D1 decides.
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: true } }) }),
		);
		await ageCookie(b);
		const doc = await (await b.fetch("/v1/consent")).json<Doc>();
		expect(doc.purposes.ads).toBe(true);
		expect(doc.version).toBe(2);
	});
});
