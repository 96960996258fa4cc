/**
 * COOKIE_DOMAIN changed under visitors who already hold cookies: a browser keeps a host-only and a
 * Domain cookie of the same name side by side and sends both, the older first. The newest
 * `ce_consent` must decide (the older one is stale and may allow what the visitor has since denied),
 * and the worker moves the visitor to the configured Domain.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { writeCachedState } from "../../workers/storage/state-cache";
import { brokenD1, brokenKV, callWithEnv, envWith, signedVisitorCookie } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const MINUTE = 60_000;

const decisionCookie = (vid: string, purposes: Record<string, boolean>, version: number, issuedAt: number) =>
	signedVisitorCookie(vid, purposes, { version, issuedAt });

type Doc = { purposes: Record<string, boolean>; reasons: Record<string, string>; version: number };

describe("two ce_consent cookies after a COOKIE_DOMAIN change", () => {
	it("the newest decides, not the first sent: a lagging KV's allowance does not come back", async () => {
		const vid = "twoDecisionCookies_0123456";
		const subject = await visitorSubject(vid);
		// The host-only cookie from before the change (allowed ads, long stale), then the Domain one the
		// visitor's opt-out just set. KV at this location still holds the allowance (propagation lag).
		const hostOnly = await decisionCookie(vid, { ads: true }, 1, Date.now() - 2 * 86_400_000);
		const domain = await decisionCookie(vid, { ads: false }, 2, Date.now());
		await writeCachedState(env.CONSENT_KV, subject, {
			version: 1,
			purposes: { ads: true },
			sources: { ads: "ui" },
			policyVersion: "2026-11",
			updatedAt: Date.now() - 2 * 86_400_000,
		});
		const res = await callWithEnv(env, "/v1/consent", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ce_consent=${hostOnly}; ce_consent=${domain}` },
		});
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc.purposes.ads).toBe(false);
		expect(doc.version).toBe(2);
		const check = await callWithEnv(env, "/v1/check?purpose=ads", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ce_consent=${hostOnly}; ce_consent=${domain}` },
		});
		expect(await check.json()).toMatchObject({ allowed: false });
	});

	it("with storage down, the newest fresh cookie still answers instead of the stale one's degraded view", async () => {
		const vid = "twoDecisionCookiesDown_0123";
		const hostOnly = await decisionCookie(vid, { analytics: false }, 1, Date.now() - 30 * MINUTE);
		const domain = await decisionCookie(vid, { analytics: false, personalization: true }, 2, Date.now());
		const res = await callWithEnv(envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() }), "/v1/consent", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ce_consent=${hostOnly}; ce_consent=${domain}` },
		});
		const doc = await res.json<Doc>();
		expect(doc.reasons).toMatchObject({ analytics: "explicit", personalization: "explicit" });
		expect(doc.purposes.personalization).toBe(true);
	});

	it("of two visitors' cookies (two ids), the one answered for decides: its denial holds over a lagging KV", async () => {
		// The host-only id (sent first, the one answered for) opted out of ads five minutes ago; a Domain
		// id set since on another subdomain carries a newer cookie of its own subject. KV here lags.
		const vid = "firstIdentityOptedOut_0123";
		const other = "laterDomainIdentity_012345";
		const subject = await visitorSubject(vid);
		const own = await decisionCookie(vid, { ads: false }, 2, Date.now() - 5 * MINUTE);
		const others = await decisionCookie(other, { ads: true }, 1, Date.now());
		await writeCachedState(env.CONSENT_KV, subject, {
			version: 1,
			purposes: { ads: true },
			sources: { ads: "ui" },
			policyVersion: "2026-11",
			updatedAt: Date.now() - 2 * 86_400_000,
		});
		const cookie = `ce_vid=${vid}; ce_consent=${own}; ce_vid=${other}; ce_consent=${others}`;
		const res = await callWithEnv(env, "/v1/consent", { cf: CA, headers: { Cookie: cookie } });
		const doc = await res.json<Doc & { subject: string }>();
		expect(doc.subject).toBe(subject);
		expect(doc.purposes.ads).toBe(false);
		expect(doc.version).toBe(2);
		const check = await callWithEnv(env, "/v1/check?purpose=ads", { cf: CA, headers: { Cookie: cookie } });
		expect(await check.json()).toMatchObject({ allowed: false });
	});

	it("with COOKIE_DOMAIN set, the answer expires the host-only copies and keeps the visitor's id", async () => {
		const vid = "movedToDomain_0123456789ab";
		const hostOnly = await decisionCookie(vid, { ads: false }, 1, Date.now() - 30 * MINUTE);
		const domain = await decisionCookie(vid, { ads: false }, 1, Date.now() - 20 * MINUTE);
		const res = await callWithEnv(
			envWith({ COOKIE_DOMAIN: "consent.example" } as Partial<Env>),
			"/v1/consent",
			{
				cf: CA,
				headers: { Cookie: `ce_vid=${vid}; ce_consent=${hostOnly}; ce_vid=${vid}; ce_consent=${domain}` },
			},
		);
		expect(res.status).toBe(200);
		const lines = res.headers.getSetCookie();
		const expired = lines.filter((l) => /Max-Age=0/.test(l));
		expect(expired.map((l) => l.split("=")[0]).sort()).toEqual(["ce_consent", "ce_vid"]);
		for (const line of expired) expect(line).not.toMatch(/Domain=/i);
		const kept = lines.filter((l) => !/Max-Age=0/.test(l));
		expect(kept.find((l) => l.startsWith("ce_vid="))).toMatch(
			new RegExp(`^ce_vid=${vid};.*Domain=consent\\.example`),
		);
		expect(kept.find((l) => l.startsWith("ce_consent="))).toMatch(/Domain=consent\.example/);
	});

	it("a visitor who sends only ce_consent twice (no write since the change) is moved in one answer", async () => {
		const vid = "movedBeforeAnyWrite_0123456";
		const hostOnly = await decisionCookie(vid, { ads: false }, 1, Date.now() - 30 * MINUTE);
		const domain = await decisionCookie(vid, { ads: false }, 1, Date.now() - 20 * MINUTE);
		const res = await callWithEnv(
			envWith({ COOKIE_DOMAIN: "consent.example" } as Partial<Env>),
			"/v1/consent",
			{
				cf: CA,
				headers: { Cookie: `ce_vid=${vid}; ce_consent=${hostOnly}; ce_consent=${domain}` },
			},
		);
		const lines = res.headers.getSetCookie();
		const expired = lines.filter((l) => /Max-Age=0/.test(l));
		expect(expired.map((l) => l.split("=")[0]).sort()).toEqual(["ce_consent", "ce_vid"]);
		const kept = lines.filter((l) => !/Max-Age=0/.test(l));
		expect(kept.find((l) => l.startsWith("ce_vid="))).toMatch(
			new RegExp(`^ce_vid=${vid};.*Domain=consent\\.example`),
		);
	});

	it("one cookie of each name, or host-only cookies, expire nothing", async () => {
		const vid = "singleCookies_0123456789ab";
		const one = await decisionCookie(vid, { ads: false }, 1, Date.now() - 30 * MINUTE);
		const domainEnv = envWith({ COOKIE_DOMAIN: "consent.example" } as Partial<Env>);
		const res = await callWithEnv(domainEnv, "/v1/consent", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ce_consent=${one}` },
		});
		expect(res.headers.getSetCookie().filter((l) => /Max-Age=0/.test(l))).toEqual([]);
		const hostOnlyEnv = await callWithEnv(env, "/v1/consent", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ce_consent=${one}; ce_consent=${one}` },
		});
		expect(hostOnlyEnv.headers.getSetCookie().filter((l) => /Max-Age=0/.test(l))).toEqual([]);
	});
});

describe("a COOKIE_DOMAIN the request's host is not within", () => {
	it("is left off, so the browser keeps the cookies (it refuses a Domain its host is not within)", async () => {
		const elsewhere = envWith({ COOKIE_DOMAIN: "example.org" } as Partial<Env>);
		const res = await callWithEnv(elsewhere, "https://consent.example/v1/consent", { cf: CA });
		const lines = res.headers.getSetCookie();
		expect(lines.length).toBe(2);
		for (const line of lines) expect(line).not.toMatch(/Domain=/i);
	});

	it("is kept for the domain itself and its subdomains, a leading dot or capitals included", async () => {
		for (const [domain, url] of [
			["consent.example", "https://consent.example/v1/consent"],
			[".Consent.Example", "https://consent.example/v1/consent"],
			["consent.example", "https://www.consent.example/v1/consent"],
		] as const) {
			const res = await callWithEnv(envWith({ COOKIE_DOMAIN: domain } as Partial<Env>), url, { cf: CA });
			for (const line of res.headers.getSetCookie()) expect(line, domain).toContain(`; Domain=${domain}`);
		}
	});
});

describe("a COOKIE_DOMAIN that is a public suffix", () => {
	it("is left off, so the browser keeps the cookies (it refuses a Domain that is a public suffix)", async () => {
		for (const [domain, url] of [
			["github.io", "https://shop.github.io/v1/consent"],
			[".co.uk", "https://consent.example.co.uk/v1/consent"],
		] as const) {
			const res = await callWithEnv(envWith({ COOKIE_DOMAIN: domain } as Partial<Env>), url, { cf: CA });
			const lines = res.headers.getSetCookie();
			expect(lines.length, domain).toBe(2);
			for (const line of lines) expect(line, domain).not.toMatch(/Domain=/i);
		}
	});
});
