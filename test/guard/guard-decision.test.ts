/**
 * guardDecision's verdict: a GPC visitor without a visitor id is guarded wherever they are, so the
 * verdict is known before the location is read; which purposes are denied is worked out on first
 * use, from the location (opt-in regions deny analytics too).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PURPOSES } from "../../workers/config/purposes";
import { settingsFor } from "../../workers/config/settings";
import { visitorSubject } from "../../workers/consent/caller";
import { signDecisionCookie } from "../../workers/consent/decision-cookie";
import type { RequestContext } from "../../workers/consent/request-context";
import { guardDecision } from "../../workers/guard/guard-decision";
import { brokenD1, brokenKV, callWithEnv, envWith, json, keyed, SIGNING_KEY } from "../helpers";

function context(headers: Record<string, string>, jurisdiction: string) {
	const request = new Request("https://shop.example/landing?gclid=1", { headers });
	const reads = { count: 0 };
	const rc: RequestContext = {
		request,
		url: new URL(request.url),
		env,
		ctx: { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext,
		settings: settingsFor(env),
		now: Date.now(),
		gpc: headers["Sec-GPC"] === "1",
		secure: true,
		get jurisdiction() {
			reads.count++;
			return jurisdiction;
		},
	};
	return { rc, reads };
}

describe("guardDecision for a visitor without a visitor id", () => {
	it("with GPC: guarded before the location is read; denied purposes follow the location", async () => {
		for (const [jurisdiction, denied] of [
			["US-CA", ["ads"]],
			["DE", ["ads", "analytics"]],
		] as const) {
			const { rc, reads } = context({ "Sec-GPC": "1" }, jurisdiction);
			const verdict = await guardDecision(rc, () => true);
			expect(verdict.guarded).toBe(true);
			expect(reads.count).toBe(0);
			expect([...verdict.denied].sort()).toEqual([...denied]);
			expect(reads.count).toBeGreaterThan(0);
			expect(verdict.decision.reasons.ads).toBe("gpc");
		}
	});

	it("with GPC: every denied purpose, for the page rewrite, is worked out only when asked for", async () => {
		for (const [jurisdiction, denied] of [
			["US-CA", ["ads", "sale"]],
			["DE", ["ads", "analytics", "email", "personalization", "sale"]],
		] as const) {
			const { rc, reads } = context({ "Sec-GPC": "1" }, jurisdiction);
			const verdict = await guardDecision(rc, () => true);
			expect(reads.count).toBe(0);
			expect([...verdict.deniedPurposes].sort()).toEqual([...denied]);
			expect(reads.count).toBeGreaterThan(0);
			expect(verdict.deniedPurposes).toBe(verdict.deniedPurposes);
		}
	});

	it("without GPC: the location decides whether they are guarded at all", async () => {
		const us = context({}, "US-CA");
		expect((await guardDecision(us.rc, () => true)).guarded).toBe(false);
		expect(us.reads.count).toBeGreaterThan(0);
		const de = context({}, "DE");
		const verdict = await guardDecision(de.rc, () => true);
		expect(verdict.guarded).toBe(true);
		expect([...verdict.denied].sort()).toEqual(["ads", "analytics"]);
	});
});

describe("a guarded visitor's assets and beacons share one verdict while their cookie is fresh", () => {
	const MINUTE = 60_000;
	const T = Date.now();
	const chosen = (allowed: boolean) =>
		Object.fromEntries(PURPOSES.filter((p) => !p.essential).map((p) => [p.name, allowed]));
	// Storage that fails every call: a verdict that reads it fails closed, one the cookie decides does not.
	const noStorage = envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });
	let visitors = 0;
	/** Work the lookups left in the background (a KV fill after a D1 read). */
	const background: Promise<unknown>[] = [];

	/** A visitor of their own with a `ce_consent` issued at T for these stored choices. */
	async function visitor(purposes: Record<string, boolean>, updatedAt = T) {
		const vid = `guardedVisitor_${String(++visitors).padStart(12, "0")}`;
		const subject = await visitorSubject(vid);
		const consent = await signDecisionCookie(
			{
				subject,
				state: {
					version: 1,
					purposes,
					sources: {},
					policyVersion: settingsFor(env).policy.policyVersion,
					updatedAt,
				},
				issuedAt: T,
				decision: purposes,
				jurisdiction: "US-CA",
				prompt: false,
			},
			SIGNING_KEY,
		);
		return { vid, consent };
	}

	/** A beacon's or an asset's request context for that visitor (or another id presenting their cookie). */
	function asset(
		who: { vid: string; consent: string },
		o: { now?: number; gpc?: boolean; jurisdiction?: string; env?: Env } = {},
	) {
		const request = new Request("https://shop.example/g/collect?v=2&tid=G-1", {
			headers: { Cookie: `ce_vid=${who.vid}; ce_consent=${who.consent}` },
		});
		const reads = { count: 0 };
		const testEnv = o.env ?? noStorage;
		const rc: RequestContext = {
			request,
			url: new URL(request.url),
			env: testEnv,
			ctx: {
				waitUntil: (promise: Promise<unknown>) => background.push(promise),
				passThroughOnException() {},
				props: {},
			} as unknown as ExecutionContext,
			settings: settingsFor(testEnv),
			now: o.now ?? T,
			gpc: o.gpc ?? false,
			secure: true,
			get jurisdiction() {
				reads.count++;
				return o.jurisdiction ?? "US-CA";
			},
		};
		return { rc, reads };
	}

	it("is the same verdict, not decided again, for every request within the cookie's ten minutes", async () => {
		const who = await visitor(chosen(false));
		const first = await guardDecision(asset(who).rc, () => false);
		expect(first.guarded).toBe(true);
		const later = asset(who, { now: T + 9 * MINUTE });
		expect(await guardDecision(later.rc, () => false)).toBe(first);
		// Every purpose was chosen, so no rule needed the location, then or now.
		expect(later.reads.count).toBe(0);
	});

	it("is given without a promise once remembered (no await on a repeat request's way)", async () => {
		const who = await visitor(chosen(false));
		const first = guardDecision(asset(who).rc, () => false);
		expect(first).toBeInstanceOf(Promise);
		const verdict = await first;
		expect(guardDecision(asset(who, { now: T + MINUTE }).rc, () => false)).toBe(verdict);
		// A GPC visitor's page may record the opt-out: it is always looked up.
		const page = guardDecision(asset(who, { gpc: true }).rc, () => true);
		expect(page).toBeInstanceOf(Promise);
		expect((await page).guarded).toBe(true);
	});

	it("ends with the cookie's ten minutes: its allowances are then re-read", async () => {
		const who = await visitor(chosen(true));
		expect((await guardDecision(asset(who).rc, () => false)).guarded).toBe(false);
		expect((await guardDecision(asset(who, { now: T + 9 * MINUTE }).rc, () => false)).guarded).toBe(false);
		// Storage is down, so past the bound the allowances fail closed instead of being shared.
		const stale = await guardDecision(asset(who, { now: T + 11 * MINUTE }).rc, () => false);
		expect(stale.guarded).toBe(true);
		expect(stale.decision.reasons.ads).toBe("degraded");
	});

	it("follows the request's own signal", async () => {
		const who = await visitor(chosen(true));
		expect((await guardDecision(asset(who).rc, () => false)).guarded).toBe(false);
		const withGpc = await guardDecision(asset(who, { gpc: true }).rc, () => false);
		expect(withGpc.guarded).toBe(true);
		expect(withGpc.decision.reasons.ads).toBe("gpc");
		expect((await guardDecision(asset(who).rc, () => false)).guarded).toBe(false);
	});

	it("is not shared with another visitor id presenting the same cookie", async () => {
		const who = await visitor(chosen(true));
		expect((await guardDecision(asset(who).rc, () => false)).guarded).toBe(false);
		const other = await guardDecision(asset({ ...who, vid: "someoneElse_0123456789abcdef" }).rc, () => false);
		// Not their cookie, and storage is down: fail closed.
		expect(other.guarded).toBe(true);
		expect(other.decision.reasons.ads).toBe("degraded");
	});

	it("remembers the location when the decision read it, and no other", async () => {
		// Analytics was never chosen: its default depends on where the visitor is.
		const who = await visitor({ ads: false });
		const inCalifornia = asset(who);
		const us = await guardDecision(inCalifornia.rc, () => false);
		expect(inCalifornia.reads.count).toBeGreaterThan(0);
		expect([...us.denied]).toEqual(["ads"]);
		expect(await guardDecision(asset(who).rc, () => false)).toBe(us);
		const de = await guardDecision(asset(who, { jurisdiction: "DE" }).rc, () => false);
		expect([...de.denied].sort()).toEqual(["ads", "analytics"]);
	});

	it("belongs to the settings it was made under", async () => {
		// Chosen a day ago: within the default lifetime, long past a lifetime of about nine seconds.
		const who = await visitor(chosen(true), T - 24 * 60 * MINUTE);
		expect((await guardDecision(asset(who, { jurisdiction: "DE" }).rc, () => false)).guarded).toBe(false);
		const shortLived = envWith({ ...noStorage, CONSENT_LIFETIME_DAYS: "0.0001" } as Partial<Env>);
		const lapsed = await guardDecision(asset(who, { jurisdiction: "DE", env: shortLived }).rc, () => false);
		expect(lapsed.guarded).toBe(true);
		expect(lapsed.decision.reasons.ads).toBe("default");
	});

	it("is remembered only when the cookie decided: a verdict read from storage follows storage", async () => {
		const who = await visitor(chosen(true));
		const other = { ...who, vid: "storageVisitor_0123456789abcdef" };
		// Not their cookie: their verdict comes from storage (nothing stored: California's defaults).
		expect((await guardDecision(asset(other, { env }).rc, () => false)).guarded).toBe(false);
		await Promise.all(background);
		await optOutInStorage(await visitorSubject(other.vid));
		expect((await guardDecision(asset(other, { env }).rc, () => false)).guarded).toBe(true);
	});

	it("is not used for a GPC visitor's page, which may record the opt-out; without GPC a page shares it", async () => {
		const who = await visitor(chosen(false));
		const first = await guardDecision(asset(who, { gpc: true }).rc, () => true);
		const second = await guardDecision(asset(who, { gpc: true }).rc, () => true);
		expect(second.guarded).toBe(true);
		expect(second).not.toBe(first);
		const page = await guardDecision(asset(who).rc, () => true);
		expect(page.guarded).toBe(true);
		expect(await guardDecision(asset(who).rc, () => true)).toBe(page);
		expect(await guardDecision(asset(who).rc, () => false)).toBe(page);
	});

	it("keeps the denials of another ce_vid the browser sends, even one answered for alone before", async () => {
		const own = await visitor(chosen(false));
		const planted = await visitor(chosen(true));
		// The planted id's verdict is remembered first (its planter's own requests, say).
		expect((await guardDecision(asset(planted).rc, () => false)).guarded).toBe(false);
		// A sibling subdomain planted it with a longer Path: browsers send it before the visitor's own.
		const both = {
			vid: `${planted.vid}; ce_consent=${planted.consent}; ce_vid=${own.vid}`,
			consent: own.consent,
		};
		for (const now of [T, T + MINUTE]) {
			const verdict = await guardDecision(asset(both, { now }).rc, () => false);
			expect(verdict.guarded).toBe(true);
			expect([...verdict.denied].sort()).toEqual(["ads", "analytics"]);
		}
	});

	it("asks whether the request is a page only for a GPC visitor", async () => {
		const who = await visitor(chosen(false));
		let asked = 0;
		const isDocument = () => {
			asked++;
			return true;
		};
		await guardDecision(asset(who).rc, isDocument);
		expect(asked).toBe(0);
		await guardDecision(asset(who, { gpc: true }).rc, isDocument);
		expect(asked).toBe(1);
	});
});

/** An opt-out recorded through the API, as another channel would (D1, then KV). */
async function optOutInStorage(subject: string): Promise<void> {
	const res = await callWithEnv(env, "/v1/opt-out", keyed({ method: "POST", ...json({ subject }) }));
	expect(res.status).toBe(200);
}
