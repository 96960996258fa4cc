/**
 * A returning visitor's `ce_vid` is set again (same value) by their lookups once a month, as their
 * `ce_consent` tells: set only at the first visit and on writes, it lapsed a year after their last
 * choice however often they came back, and their stored opt-out with it.
 */
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { signDecisionCookie, verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import { call, json, keyed, SIGNING_KEY, setCookieNamed, signedVisitorCookie } from "../helpers";

const DAY_MS = 24 * 60 * 60 * 1000;
const CA = { country: "US", regionCode: "CA" };

async function cookieHeader(vid: string, visitorIdSetAt: number | undefined): Promise<string> {
	const updatedAt = Date.now() - 300 * DAY_MS;
	const value = await signedVisitorCookie(
		vid,
		{ ads: false },
		{ updatedAt, policyVersion: null, visitorIdSetAt },
	);
	return `ce_vid=${vid}; ce_consent=${value}`;
}

function cookieValue(line: string | undefined): string | undefined {
	return line?.slice(line.indexOf("=") + 1, line.indexOf(";"));
}

const lookup = (cookie: string, path = "/v1/consent") => call(path, { cf: CA, headers: { Cookie: cookie } });

describe("a visitor's ce_vid renewed by their lookups", () => {
	it("is set again, same value, a year from now, once the cookie says it was set a month ago", async () => {
		const vid = "R".repeat(24);
		const res = await lookup(await cookieHeader(vid, Date.now() - 31 * DAY_MS));
		expect(res.status).toBe(200);
		expect(setCookieNamed(res, "ce_vid")).toMatch(
			new RegExp(`^ce_vid=${vid}; Path=/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly$`),
		);
		const issued = cookieValue(setCookieNamed(res, "ce_consent"));
		const cookie = await verifyDecisionCookie(issued, [SIGNING_KEY]);
		expect(Date.now() - (cookie?.visitorIdSetAt ?? 0)).toBeLessThan(60_000);
		expect(cookie?.state.purposes).toEqual({ ads: false });

		// The renewed cookie answers the next lookups without setting ce_vid again, re-sent as it came.
		for (let i = 0; i < 2; i++) {
			const next = await lookup(`ce_vid=${vid}; ce_consent=${issued}`);
			expect(setCookieNamed(next, "ce_vid")).toBeUndefined();
			expect(cookieValue(setCookieNamed(next, "ce_consent"))).toBe(issued);
		}
	});

	it("is left alone while the cookie says it was set less than a month ago", async () => {
		const vid = "S".repeat(24);
		const setAt = Math.floor((Date.now() - 29 * DAY_MS) / 1000) * 1000;
		const header = await cookieHeader(vid, setAt);
		for (const path of ["/v1/consent", "/preferences"]) {
			const res = await lookup(header, path);
			expect(res.status).toBe(200);
			expect(setCookieNamed(res, "ce_vid")).toBeUndefined();
			// Re-signed (the hand-made cookie lacks the decision), still saying when ce_vid was set.
			const cookie = await verifyDecisionCookie(cookieValue(setCookieNamed(res, "ce_consent")), [
				SIGNING_KEY,
			]);
			expect(cookie?.visitorIdSetAt).toBe(setAt);
		}
	});

	it("is renewed on every lookup while due, never swallowed by a replayed answer", async () => {
		// The worker's own cookie, re-signed as one whose ce_vid was set 40 days ago: a cookie it would
		// otherwise re-send as it came, its answer remembered and replayed.
		const vid = "T".repeat(24);
		const first = await lookup(await cookieHeader(vid, Date.now()));
		const own = await verifyDecisionCookie(cookieValue(setCookieNamed(first, "ce_consent")), [SIGNING_KEY]);
		if (!own) throw new Error("no ce_consent");
		const due = await signDecisionCookie({ ...own, visitorIdSetAt: Date.now() - 40 * DAY_MS }, SIGNING_KEY);
		for (let i = 0; i < 3; i++) {
			const res = await lookup(`ce_vid=${vid}; ce_consent=${due}`);
			expect(setCookieNamed(res, "ce_vid")).toBeDefined();
			// Re-signed to say so: re-sent as it came, it would ask for the renewal on every lookup.
			const cookie = await verifyDecisionCookie(cookieValue(setCookieNamed(res, "ce_consent")), [
				SIGNING_KEY,
			]);
			expect(Date.now() - (cookie?.visitorIdSetAt ?? 0)).toBeLessThan(60_000);
		}
	});

	it("is renewed once for a cookie made before cookies said when it was set", async () => {
		const vid = "U".repeat(24);
		const res = await lookup(await cookieHeader(vid, undefined));
		expect(setCookieNamed(res, "ce_vid")).toBeDefined();
		const next = await lookup(`ce_vid=${vid}; ce_consent=${cookieValue(setCookieNamed(res, "ce_consent"))}`);
		expect(setCookieNamed(next, "ce_vid")).toBeUndefined();
	});

	it("is renewed by the preference centre too", async () => {
		const vid = "V".repeat(24);
		const res = await lookup(await cookieHeader(vid, Date.now() - 31 * DAY_MS), "/preferences");
		expect(res.status).toBe(200);
		expect(setCookieNamed(res, "ce_vid")).toMatch(new RegExp(`^ce_vid=${vid};`));
	});

	it("is renewed when the cookie was stale and the choice re-read from storage", async () => {
		const vid = "W".repeat(24);
		const subject = await visitorSubject(vid);
		await call(
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: true } }) }),
		);
		const now = Date.now();
		const stale = await signedVisitorCookie(
			vid,
			{ ads: true },
			{
				issuedAt: now - 20 * 60_000,
				updatedAt: now - 40 * DAY_MS,
				policyVersion: null,
				visitorIdSetAt: now - 35 * DAY_MS,
			},
		);
		const res = await lookup(`ce_vid=${vid}; ce_consent=${stale}`);
		expect(setCookieNamed(res, "ce_vid")).toMatch(new RegExp(`^ce_vid=${vid};`));
		const cookie = await verifyDecisionCookie(cookieValue(setCookieNamed(res, "ce_consent")), [SIGNING_KEY]);
		expect(Date.now() - (cookie?.visitorIdSetAt ?? 0)).toBeLessThan(60_000);
	});

	it("is not renewed from another visitor's cookie", async () => {
		const header = await cookieHeader("X".repeat(24), Date.now() - 31 * DAY_MS);
		const res = await lookup(header.replace(/^ce_vid=X+/, `ce_vid=${"Y".repeat(24)}`));
		expect(res.status).toBe(200);
		expect(setCookieNamed(res, "ce_vid")).toBeUndefined();
	});

	it("starts its clock on a first answer: a new visitor's ce_consent says now", async () => {
		const res = await call("/v1/consent", { cf: CA });
		const cookie = await verifyDecisionCookie(cookieValue(setCookieNamed(res, "ce_consent")), [SIGNING_KEY]);
		expect(Date.now() - (cookie?.visitorIdSetAt ?? 0)).toBeLessThan(60_000);
	});
});
