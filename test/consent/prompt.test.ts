/**
 * When the first-layer banner is needed (`prompt`): jurisdiction x stored choice x policy version x
 * consent lifetime x opt-out hold x GPC, first on the pure engine, then through GET and PUT
 * /v1/consent and the `pr` bit of the `ce_consent` cookie the SDK decides on without a request.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BANNER_PURPOSES, PURPOSES } from "../../workers/config/purposes";
import { type ConsentPolicy, decideConsent, type StoredLookup } from "../../workers/consent/decide-consent";
import { verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import type { StoredState } from "../../workers/consent/stored-state";
import { type CallInit, callWithEnv, envWith, json, SIGNING_KEY, Visitor } from "../helpers";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 29, 12);
const POLICY: ConsentPolicy = { policyVersion: "2026-11", lifetimeMs: 395 * DAY, optOutHoldMs: 365 * DAY };
const OPT_IN = ["DE", "FR", "GB", "CH", "NO", "IS", "LI", "ZZ"];
const OPT_OUT = ["US-CA", "US-TX", "US", "JP", "BR", "IN"];
const NON_ESSENTIAL = PURPOSES.filter((p) => !p.essential).map((p) => p.name);
const ACCEPTED = Object.fromEntries(NON_ESSENTIAL.map((p) => [p, true]));
const REJECTED = Object.fromEntries(NON_ESSENTIAL.map((p) => [p, false]));
/** What the banner's Accept all and Reject all save: every purpose but essential and email. */
const BANNER_ACCEPTED = Object.fromEntries(BANNER_PURPOSES.map((p) => [p, true]));
const BANNER_REJECTED = Object.fromEntries(BANNER_PURPOSES.map((p) => [p, false]));

function state(purposes: Record<string, boolean>, extra: Partial<StoredState> = {}): StoredState {
	const sources = Object.fromEntries(Object.keys(purposes).map((p) => [p, "ui"]));
	return { version: 2, purposes, sources, policyVersion: "2026-11", updatedAt: NOW - DAY, ...extra };
}

const found = (s: StoredState): StoredLookup => ({ status: "found", state: s });

function prompt(jurisdiction: string, stored: StoredLookup, gpc = false): boolean {
	return decideConsent({ gpc, jurisdiction, stored, now: NOW, policy: POLICY }).prompt;
}

/** Stored situations and whether an opt-in jurisdiction asks again. */
const SITUATIONS: [string, StoredLookup, boolean][] = [
	["nothing stored", { status: "none" }, true],
	["all accepted under the current policy", found(state(ACCEPTED)), false],
	["all rejected under the current policy", found(state(REJECTED)), false],
	["the banner's Accept all (email unchosen) under the current policy", found(state(BANNER_ACCEPTED)), false],
	["the banner's Reject all (email unchosen) under the current policy", found(state(BANNER_REJECTED)), false],
	["one purpose chosen under the current policy", found(state({ analytics: true })), false],
	["accepted under an older policy", found(state(ACCEPTED, { policyVersion: "2025-01" })), true],
	["one allowance under an older policy", found(state({ ads: true }, { policyVersion: "2025-01" })), true],
	[
		"rejected under an older policy, 364 days ago",
		found(state(REJECTED, { policyVersion: "2025-01", updatedAt: NOW - 364 * DAY })),
		false,
	],
	[
		"rejected under an older policy, 366 days ago",
		found(state(REJECTED, { policyVersion: "2025-01", updatedAt: NOW - 366 * DAY })),
		true,
	],
	["accepted exactly one lifetime ago", found(state(ACCEPTED, { updatedAt: NOW - 395 * DAY })), false],
	["accepted one lifetime and 1 ms ago", found(state(ACCEPTED, { updatedAt: NOW - 395 * DAY - 1 })), true],
	[
		"rejected one lifetime and 1 ms ago (past the hold too)",
		found(state(REJECTED, { updatedAt: NOW - 395 * DAY - 1 })),
		true,
	],
	["storage unreachable", { status: "unavailable" }, false],
	[
		"storage unreachable, a stale cookie's denials known",
		{ status: "unavailable", known: state(REJECTED) },
		false,
	],
];

describe("decideConsent: prompt", () => {
	for (const jurisdiction of OPT_IN) {
		it.each(SITUATIONS)(`${jurisdiction}, %s → %s`, (_, stored, expected) => {
			expect(prompt(jurisdiction, stored)).toBe(expected);
			// GPC neither asks nor silences the question.
			expect(prompt(jurisdiction, stored, true)).toBe(expected);
		});
	}

	for (const jurisdiction of OPT_OUT) {
		it(`${jurisdiction} never asks, whatever is stored and with or without GPC`, () => {
			for (const [, stored] of SITUATIONS) {
				expect(prompt(jurisdiction, stored)).toBe(false);
				expect(prompt(jurisdiction, stored, true)).toBe(false);
			}
		});
	}

	it("the hold after an opt-out ends exactly at optOutHoldMs", () => {
		const old = { policyVersion: "2025-01" };
		expect(prompt("DE", found(state(REJECTED, { ...old, updatedAt: NOW - 365 * DAY + 1 })))).toBe(false);
		expect(prompt("DE", found(state(REJECTED, { ...old, updatedAt: NOW - 365 * DAY })))).toBe(true);
		// A choice that denies only some purposes and allows none is an opt-out too; one allowance is not.
		expect(prompt("DE", found(state({ ads: false }, old)))).toBe(false);
		expect(prompt("DE", found(state({ ads: false, analytics: true }, old)))).toBe(true);
		// Reject all leaves marketing email as it was: a subscriber who rejected every tracking purpose
		// opted out of all the banner asks, and is held too.
		expect(prompt("DE", found(state({ ...BANNER_REJECTED, email: true }, old)))).toBe(false);
		expect(
			prompt("DE", found(state({ ...BANNER_REJECTED, email: true }, { ...old, updatedAt: NOW - 366 * DAY }))),
		).toBe(true);
	});

	it("is the same with and without GPC, and false in opt-out jurisdictions, for any state (property)", () => {
		const purposes = fc.dictionary(fc.constantFrom(...NON_ESSENTIAL), fc.boolean());
		const lookup = fc.oneof(
			fc.constant<StoredLookup>({ status: "none" }),
			fc.constant<StoredLookup>({ status: "unavailable" }),
			fc
				.record({
					purposes,
					policyVersion: fc.constantFrom("2026-11", "2025-01", null),
					age: fc.integer({ min: 0, max: 800 * DAY }),
					gpcSourced: fc.boolean(),
				})
				.map(({ purposes: p, policyVersion, age, gpcSourced }) =>
					found(
						state(p, {
							policyVersion,
							updatedAt: NOW - age,
							sources: Object.fromEntries(Object.keys(p).map((k) => [k, gpcSourced ? "gpc" : "ui"])),
						}),
					),
				),
		);
		fc.assert(
			fc.property(fc.constantFrom(...OPT_IN, ...OPT_OUT), lookup, (jurisdiction, stored) => {
				const withoutGpc = prompt(jurisdiction, stored);
				expect(prompt(jurisdiction, stored, true)).toBe(withoutGpc);
				if (OPT_OUT.includes(jurisdiction)) expect(withoutGpc).toBe(false);
				if (stored.status !== "found")
					expect(withoutGpc).toBe(stored.status === "none" && OPT_IN.includes(jurisdiction));
			}),
			{ numRuns: 3000 },
		);
	});
});

interface Doc {
	prompt: boolean;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	jurisdiction: string;
}

const DE = { country: "DE" };

/** The visitor's `ce_consent` cookie, verified, as the SDK would read its `pr` bit. */
async function cookiePrompt(visitor: Visitor): Promise<boolean | undefined> {
	const cookie = await verifyDecisionCookie(visitor.cookies.get("ce_consent"), [SIGNING_KEY]);
	return cookie?.prompt;
}

async function getDoc(visitor: Visitor, init: CallInit = {}): Promise<Doc> {
	const res = await visitor.fetch("/v1/consent", init);
	expect(res.status).toBe(200);
	return res.json<Doc>();
}

async function putDoc(visitor: Visitor, body: unknown): Promise<Doc> {
	const res = await visitor.fetch("/v1/consent", {
		method: "PUT",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
	expect(res.status).toBe(200);
	return res.json<Doc>();
}

/** GET /v1/consent for this visitor under other settings (policy version, lifetime, hold). */
async function getDocWith(visitor: Visitor, vars: Record<string, string>): Promise<Doc> {
	const res = await callWithEnv(envWith(vars as Partial<Env>), "/v1/consent", {
		cf: visitor.geo,
		headers: { Cookie: visitor.cookieHeader() },
	});
	expect(res.status).toBe(200);
	visitor.remember(res);
	return res.json<Doc>();
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("prompt through /v1/consent", () => {
	it("DE: asks a new visitor, then not after Accept all or Reject all; the cookie carries it", async () => {
		for (const choice of [ACCEPTED, REJECTED, BANNER_ACCEPTED, BANNER_REJECTED]) {
			const visitor = new Visitor(DE);
			expect((await getDoc(visitor)).prompt).toBe(true);
			expect(await cookiePrompt(visitor)).toBe(true);
			// Asking again before a choice: still true.
			expect((await getDoc(visitor)).prompt).toBe(true);

			const saved = await putDoc(visitor, { purposes: choice });
			expect(saved.prompt).toBe(false);
			// The banner's answers leave email unchosen, at the opt-in default: nothing more to ask.
			expect(saved.purposes).toEqual({ essential: true, email: false, ...choice });
			expect(await cookiePrompt(visitor)).toBe(false);
			expect((await getDoc(visitor)).prompt).toBe(false);
		}
	});

	it.each([
		[{ country: "US", regionCode: "CA" }, "US-CA"],
		[{ country: "JP" }, "JP"],
		[{ country: "BR" }, "BR"],
	])("%j: never asks, with or without GPC", async (geo, jurisdiction) => {
		for (const gpc of [false, true]) {
			const visitor = new Visitor(geo);
			const init = gpc ? { headers: { "Sec-GPC": "1" } } : {};
			const first = await getDoc(visitor, init);
			expect(first.jurisdiction).toBe(jurisdiction);
			expect(first.prompt).toBe(false);
			expect(await cookiePrompt(visitor)).toBe(false);
			expect((await getDoc(visitor, init)).prompt).toBe(false);
		}
	});

	it("DE with GPC: a new visitor is asked all the same (GPC neither asks nor answers)", async () => {
		const visitor = new Visitor(DE);
		const doc = await getDoc(visitor, { headers: { "Sec-GPC": "1" } });
		expect(doc.prompt).toBe(true);
		expect(doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc", analytics: "default" });
		expect(await cookiePrompt(visitor)).toBe(true);
	});

	// Once the GPC opt-out is persisted for a known visitor, it must not count as an answer (an
	// opt-out within the hold would otherwise stop the asking, though the visitor never answered).
	it("DE with GPC: a returning visitor is still asked until they answer", async () => {
		const visitor = new Visitor(DE);
		const gpc = { headers: { "Sec-GPC": "1" } };
		expect((await getDoc(visitor, gpc)).prompt).toBe(true);
		expect((await getDoc(visitor, gpc)).prompt).toBe(true);
	});

	it("asks again after the policy version changes, and by default after an opt-out too (the contract)", async () => {
		const accepted = new Visitor(DE);
		await putDoc(accepted, { purposes: ACCEPTED });
		expect((await getDocWith(accepted, { POLICY_VERSION: "2026-11" })).prompt).toBe(false);
		const newPolicy = await getDocWith(accepted, { POLICY_VERSION: "2027-01" });
		expect(newPolicy.prompt).toBe(true);
		// The old choice still applies until the visitor answers again.
		expect(newPolicy.purposes).toEqual({ essential: true, ...ACCEPTED });
		expect(await cookiePrompt(accepted)).toBe(true);

		const rejected = new Visitor(DE);
		await putDoc(rejected, { purposes: REJECTED });
		const asked = await getDocWith(rejected, { POLICY_VERSION: "2027-01" });
		expect(asked.prompt).toBe(true);
		// The denials hold meanwhile.
		expect(asked.purposes).toEqual({ essential: true, ...REJECTED });
		expect(asked.reasons.ads).toBe("explicit");
		// A site that sets a hold is not asked within it, and is after it.
		expect((await getDocWith(rejected, { POLICY_VERSION: "2027-01", OPT_OUT_HOLD_DAYS: "365" })).prompt).toBe(
			false,
		);
		await tick();
		const holdOver = await getDocWith(rejected, { POLICY_VERSION: "2027-01", OPT_OUT_HOLD_DAYS: "1e-9" });
		expect(holdOver.prompt).toBe(true);

		// A choice recorded under a named older policy is asked again at once.
		const named = new Visitor(DE);
		expect((await putDoc(named, { purposes: { analytics: true }, policyVersion: "2025-01" })).prompt).toBe(
			true,
		);
		expect((await putDoc(named, { purposes: { analytics: true } })).prompt).toBe(false);
	});

	it("after a new policy, the banner's answer (email unchosen) closes the question again; a subscriber's Reject all is held", async () => {
		const accepted = new Visitor(DE);
		await putDoc(accepted, { purposes: BANNER_ACCEPTED });
		const POLICY_2027 = { POLICY_VERSION: "2027-01" };
		expect((await getDocWith(accepted, POLICY_2027)).prompt).toBe(true);
		const answered = await callWithEnv(
			envWith(POLICY_2027 as Partial<Env>),
			"/v1/consent",
			json(
				{ purposes: BANNER_ACCEPTED },
				{ method: "PUT", cf: accepted.geo, headers: { Cookie: accepted.cookieHeader() } },
			),
		);
		expect(answered.status).toBe(200);
		accepted.remember(answered);
		expect((await answered.json<Doc>()).prompt).toBe(false);
		expect(await cookiePrompt(accepted)).toBe(false);
		expect((await getDocWith(accepted, POLICY_2027)).prompt).toBe(false);

		// Subscribed to email, then Reject all (which keeps the subscription): an opt-out for the hold.
		const subscriber = new Visitor(DE);
		await putDoc(subscriber, { purposes: { email: true } });
		const rejected = await putDoc(subscriber, { purposes: BANNER_REJECTED });
		expect(rejected.purposes).toEqual({ essential: true, ...BANNER_REJECTED, email: true });
		const held = await getDocWith(subscriber, { ...POLICY_2027, OPT_OUT_HOLD_DAYS: "365" });
		expect(held.prompt).toBe(false);
		expect(held.purposes.email).toBe(true);
		expect((await getDocWith(subscriber, POLICY_2027)).prompt).toBe(true);
	});

	it("asks again once a choice has outlived the consent lifetime; a recent opt-out is held where a hold is set", async () => {
		const accepted = new Visitor(DE);
		await putDoc(accepted, { purposes: ACCEPTED });
		await tick();
		const expired = await getDocWith(accepted, { CONSENT_LIFETIME_DAYS: "1e-9" });
		expect(expired.prompt).toBe(true);
		// Lapsed allowances fall back to the opt-in default meanwhile; email, not the banner's to ask,
		// does not lapse.
		expect(expired.purposes).toEqual({ essential: true, ...BANNER_REJECTED, email: true });
		expect(expired.reasons.analytics).toBe("default");

		const rejected = new Visitor(DE);
		await putDoc(rejected, { purposes: REJECTED });
		await tick();
		expect((await getDocWith(rejected, { CONSENT_LIFETIME_DAYS: "1e-9" })).prompt).toBe(true);
		expect(
			(await getDocWith(rejected, { CONSENT_LIFETIME_DAYS: "1e-9", OPT_OUT_HOLD_DAYS: "365" })).prompt,
		).toBe(false);
		expect(
			(await getDocWith(rejected, { CONSENT_LIFETIME_DAYS: "1e-9", OPT_OUT_HOLD_DAYS: "1e-9" })).prompt,
		).toBe(true);
	});

	it("in an opt-out jurisdiction a new policy or an expired choice asks nothing", async () => {
		const visitor = new Visitor({ country: "JP" });
		await putDoc(visitor, { purposes: ACCEPTED });
		await tick();
		const doc = await getDocWith(visitor, { POLICY_VERSION: "2027-01", CONSENT_LIFETIME_DAYS: "1e-9" });
		expect(doc.jurisdiction).toBe("JP");
		expect(doc.prompt).toBe(false);
	});
});
