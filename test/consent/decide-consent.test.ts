import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PURPOSES } from "../../workers/config/purposes";
import {
	type ConsentPolicy,
	decideConsent,
	decisionSteadyBetween,
	type StoredLookup,
} from "../../workers/consent/decide-consent";
import type { StoredState } from "../../workers/consent/stored-state";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 29);
const policy: ConsentPolicy = { policyVersion: "2026-11", lifetimeMs: 395 * DAY, optOutHoldMs: 365 * DAY };

function state(purposes: Record<string, boolean>, extra: Partial<StoredState> = {}): StoredState {
	const sources: Record<string, string> = {};
	for (const k of Object.keys(purposes)) sources[k] = "ui";
	return { version: 3, purposes, sources, policyVersion: "2026-11", updatedAt: NOW - DAY, ...extra };
}

const found = (s: StoredState): StoredLookup => ({ status: "found", state: s });
const none: StoredLookup = { status: "none" };
const unavailable: StoredLookup = { status: "unavailable" };

function decide(jurisdiction: string, stored: StoredLookup, gpc = false, now = NOW) {
	return decideConsent({ gpc, jurisdiction, stored, now, policy });
}

describe("jurisdiction defaults", () => {
	const table: [string, Record<string, boolean>][] = [
		[
			"DE",
			{ essential: true, analytics: false, personalization: false, ads: false, sale: false, email: false },
		],
		[
			"GB",
			{ essential: true, analytics: false, personalization: false, ads: false, sale: false, email: false },
		],
		[
			"CH",
			{ essential: true, analytics: false, personalization: false, ads: false, sale: false, email: false },
		],
		[
			"NO",
			{ essential: true, analytics: false, personalization: false, ads: false, sale: false, email: false },
		],
		[
			"ZZ",
			{ essential: true, analytics: false, personalization: false, ads: false, sale: false, email: false },
		],
		[
			"US-CA",
			{ essential: true, analytics: true, personalization: true, ads: true, sale: true, email: true },
		],
		["US", { essential: true, analytics: true, personalization: true, ads: true, sale: true, email: true }],
		["BR", { essential: true, analytics: true, personalization: true, ads: true, sale: true, email: true }],
		// Marketing email is opt-in in Japan (Specified Electronic Mail Act).
		["JP", { essential: true, analytics: true, personalization: true, ads: true, sale: true, email: false }],
	];
	it.each(table)("%s", (jurisdiction, expected) => {
		const d = decide(jurisdiction, none);
		expect(d.purposes).toEqual(expected);
		expect(Object.values(d.reasons).filter((r) => r !== "essential")).toEqual(Array(5).fill("default"));
		expect(d.reasons.essential).toBe("essential");
		expect(d.version).toBe(0);
	});
});

describe("rules in order", () => {
	it("GPC denies ads and sale with reason gpc, beating a stored opt-in, and leaves the rest alone", () => {
		const d = decide("US-CA", found(state({ ads: true, sale: true, analytics: true })), true);
		expect(d.purposes).toMatchObject({
			ads: false,
			sale: false,
			analytics: true,
			personalization: true,
			email: true,
		});
		expect(d.reasons).toMatchObject({
			ads: "gpc",
			sale: "gpc",
			analytics: "explicit",
			personalization: "default",
		});
	});

	it("GPC in an opt-in region still leaves non-GPC purposes at their default", () => {
		const d = decide("DE", none, true);
		expect(d.reasons).toMatchObject({ ads: "gpc", sale: "gpc", analytics: "default" });
		expect(d.purposes.analytics).toBe(false);
	});

	it("a stored choice beats the default, merging per purpose", () => {
		const d = decide("DE", found(state({ analytics: true })));
		expect(d.purposes).toMatchObject({ analytics: true, ads: false });
		expect(d.reasons).toMatchObject({ analytics: "explicit", ads: "default" });
		expect(d.version).toBe(3);
	});

	it("a stored opt-out that came from GPC keeps reason gpc without the signal", () => {
		const s = state({ ads: false, sale: false }, { sources: { ads: "gpc", sale: "gpc" } });
		const d = decide("US-CA", found(s), false);
		expect(d.purposes).toMatchObject({ ads: false, sale: false, analytics: true });
		expect(d.reasons).toMatchObject({ ads: "gpc", sale: "gpc", analytics: "default" });
	});

	it("storage unreachable for a known subject fails closed with reason degraded", () => {
		const d = decide("US-CA", unavailable);
		expect(d.purposes).toEqual({
			essential: true,
			analytics: false,
			personalization: false,
			ads: false,
			sale: false,
			email: false,
		});
		expect(d.reasons.analytics).toBe("degraded");
		expect(d.prompt).toBe(false);
	});

	it("with storage unreachable, known denials stay explicit and GPC still says gpc", () => {
		const d = decideConsent({
			gpc: true,
			jurisdiction: "US-CA",
			stored: { status: "unavailable", known: state({ analytics: false }) },
			now: NOW,
			policy,
		});
		expect(d.reasons).toMatchObject({
			analytics: "explicit",
			ads: "gpc",
			personalization: "degraded",
			essential: "essential",
		});
	});

	it("an allowance past the consent lifetime lapses to the default; a denial does not", () => {
		const old = state({ analytics: true, ads: false }, { updatedAt: NOW - 400 * DAY });
		const d = decide("DE", found(old));
		expect(d.purposes).toMatchObject({ analytics: false, ads: false });
		expect(d.reasons).toMatchObject({ analytics: "default", ads: "explicit" });
	});

	it("an allowance chosen over a recorded GPC opt-out lapses to the default too, not to gpc", () => {
		// The signal was recorded for ads and sale; the visitor then allowed ads again, and the
		// allowance outlived the consent lifetime. Only sale's stored opt-out came from the signal.
		const old = state(
			{ ads: true, sale: false },
			{ sources: { ads: "ui", sale: "gpc" }, updatedAt: NOW - 400 * DAY },
		);
		const d = decide("US-CA", found(old));
		expect(d.purposes).toMatchObject({ ads: true, sale: false });
		expect(d.reasons).toMatchObject({ ads: "default", sale: "gpc" });
	});
});

describe("prompt", () => {
	it.each([
		["DE", none, false, true],
		["ZZ", none, false, true],
		["DE", none, true, true],
		["US-CA", none, false, false],
		["US-CA", none, true, false],
		["JP", none, false, false],
		["DE", unavailable, false, false],
		["DE", found(state({ analytics: true })), false, false],
	] as const)("%s %j gpc=%s → %s", (jurisdiction, stored, gpc, expected) => {
		expect(decide(jurisdiction, stored, gpc).prompt).toBe(expected);
	});

	it("asks again after a policy change or when the choice has expired", () => {
		expect(decide("DE", found(state({ analytics: true }, { policyVersion: "2025-01" }))).prompt).toBe(true);
		expect(decide("DE", found(state({ analytics: true }, { updatedAt: NOW - 400 * DAY }))).prompt).toBe(true);
	});

	it("does not re-prompt within 12 months of an opt-out, even under a new policy", () => {
		const optedOut = state(
			{ analytics: false, personalization: false, ads: false, sale: false, email: false },
			{ policyVersion: "old" },
		);
		expect(decide("DE", found(optedOut)).prompt).toBe(false);
		expect(decide("DE", found({ ...optedOut, updatedAt: NOW - 366 * DAY })).prompt).toBe(true);
	});
});

describe("invariants", () => {
	const purposeNames = PURPOSES.filter((p) => !p.essential).map((p) => p.name);
	const choices = fc.dictionary(fc.constantFrom(...purposeNames), fc.boolean());
	const lookup = fc.oneof(
		fc.constant(none),
		fc.constant(unavailable),
		choices.map((c) => found(state(c))),
		choices.map((c): StoredLookup => ({ status: "unavailable", known: state(c) })),
	);
	const jurisdiction = fc.constantFrom(
		"DE",
		"FR",
		"GB",
		"CH",
		"ZZ",
		"US",
		"US-CA",
		"US-CO",
		"JP",
		"BR",
		"IN",
	);

	it("holds for every combination", () => {
		fc.assert(
			fc.property(jurisdiction, lookup, fc.boolean(), (j, stored, gpc) => {
				const d = decide(j, stored, gpc);
				expect(d.purposes.essential).toBe(true);
				for (const p of PURPOSES) {
					expect(typeof d.purposes[p.name]).toBe("boolean");
					if (gpc && p.gpc) expect(d.reasons[p.name]).toBe("gpc");
					if (d.reasons[p.name] === "degraded") {
						expect(stored.status).toBe("unavailable");
						expect(d.purposes[p.name]).toBe(false);
					}
				}
				if (stored.status === "unavailable") expect(Object.values(d.reasons)).not.toContain("default");
				if (!j.startsWith("US") && j !== "JP" && j !== "BR" && j !== "IN") {
					// Opt-in regions never allow a purpose nobody chose.
					for (const p of purposeNames) if (d.reasons[p] === "default") expect(d.purposes[p]).toBe(false);
				}
				if (gpc && j.startsWith("US")) expect(d.prompt).toBe(false);
			}),
			{ numRuns: 2000 },
		);
	});
});

describe("the location is read only when a rule needs it", () => {
	/** The same decision input with a jurisdiction that counts how often it is read. */
	function counted(jurisdiction: string, stored: StoredLookup, gpc: boolean) {
		let reads = 0;
		const decision = decideConsent({
			gpc,
			get jurisdiction() {
				reads++;
				return jurisdiction;
			},
			stored,
			now: NOW,
			policy,
		});
		return { decision, reads };
	}
	const everyPurpose = (allowed: boolean) =>
		Object.fromEntries(PURPOSES.filter((p) => !p.essential).map((p) => [p.name, allowed]));

	it("a current stored choice for every purpose decides without it, in any region", () => {
		for (const j of ["DE", "US-CA", "ZZ"]) {
			for (const allowed of [true, false]) {
				const { decision, reads } = counted(j, found(state(everyPurpose(allowed))), false);
				expect(reads).toBe(0);
				expect(decision).toEqual(decide(j, found(state(everyPurpose(allowed)))));
			}
		}
	});

	it("a default or a prompt question reads it", () => {
		expect(counted("DE", none, false).reads).toBeGreaterThan(0);
		expect(
			counted("DE", found(state({ ads: false }, { policyVersion: "2025-01" })), true).reads,
		).toBeGreaterThan(0);
	});
});

describe("decisionSteadyBetween", () => {
	const purposeNames = PURPOSES.filter((p) => !p.essential).map((p) => p.name);
	const MINUTE = 60_000;
	// Choices made around the lifetime's and the hold's ends, so windows often straddle one.
	const updatedAt = fc.oneof(
		fc.integer({ min: NOW - policy.lifetimeMs - 20 * MINUTE, max: NOW - policy.lifetimeMs + 20 * MINUTE }),
		fc.integer({
			min: NOW - policy.optOutHoldMs - 20 * MINUTE,
			max: NOW - policy.optOutHoldMs + 20 * MINUTE,
		}),
		fc.integer({ min: NOW - 800 * DAY, max: NOW }),
	);
	const stored = fc.record({
		purposes: fc.dictionary(fc.constantFrom(...purposeNames), fc.boolean()),
		policyVersion: fc.constantFrom("2026-11", "old", null),
		updatedAt,
	});

	it("is true only when the engine decides alike at every time of the window", () => {
		let steady = 0;
		let unsteady = 0;
		fc.assert(
			fc.property(
				stored,
				fc.constantFrom("DE", "US-CA", "JP"),
				fc.integer({ min: NOW - 15 * MINUTE, max: NOW + 15 * MINUTE }),
				fc.integer({ min: 0, max: 11 * MINUTE }),
				(s, j, from, length) => {
					const st = state(s.purposes, { policyVersion: s.policyVersion, updatedAt: s.updatedAt });
					const to = from + length;
					const at = (now: number) => decide(j, found(st), false, now);
					// Every millisecond would be too many; the rules' own instants, and their neighbours, are
					// where a decision can change.
					const edges = [st.updatedAt + policy.lifetimeMs, st.updatedAt + policy.optOutHoldMs];
					const times = [from, to, ...edges.flatMap((e) => [e - 1, e, e + 1])].filter(
						(t) => t >= from && t <= to,
					);
					const alike = times.every((t) => JSON.stringify(at(t)) === JSON.stringify(at(from)));
					if (decisionSteadyBetween(st, policy, from, to)) {
						steady++;
						expect(alike).toBe(true);
					} else {
						unsteady++;
					}
				},
			),
			{ numRuns: 3000 },
		);
		// Both answers occur, so neither side of the property went untested.
		expect(steady).toBeGreaterThan(100);
		expect(unsteady).toBeGreaterThan(100);
	});

	it("without a hold (the default) sees no edge at the choice's own instant", () => {
		const noHold = { ...policy, optOutHoldMs: 0 };
		const MINUTE = 60_000;
		// Denied everything under an older policy, at NOW, inside a window that starts before it.
		const rejected = state(Object.fromEntries(purposeNames.map((p) => [p, false])), {
			policyVersion: "2025-01",
			updatedAt: NOW,
		});
		const at = (now: number) =>
			decideConsent({ gpc: false, jurisdiction: "DE", stored: found(rejected), now, policy: noHold });
		for (const t of [NOW - MINUTE, NOW - 1, NOW, NOW + 1, NOW + 9 * MINUTE]) {
			expect(at(t)).toEqual(at(NOW - MINUTE));
			expect(at(t).prompt).toBe(true);
		}
		expect(decisionSteadyBetween(rejected, noHold, NOW - MINUTE, NOW + 9 * MINUTE)).toBe(true);
		// With a hold the same window straddles nothing either (the hold ends a year on)...
		expect(decisionSteadyBetween(rejected, policy, NOW - MINUTE, NOW + 9 * MINUTE)).toBe(true);
		// ...and one around its end does.
		const holdEnds = NOW + policy.optOutHoldMs;
		expect(decisionSteadyBetween(rejected, policy, holdEnds - MINUTE, holdEnds + MINUTE)).toBe(false);
	});

	it("names the instant an allowance lapses", () => {
		const allowed = state({ ads: true }, { updatedAt: NOW - policy.lifetimeMs });
		// At NOW the allowance is still good; a millisecond later it is not.
		expect(decide("US-CA", found(allowed), false, NOW).reasons.ads).toBe("explicit");
		expect(decide("US-CA", found(allowed), false, NOW + 1).reasons.ads).toBe("default");
		expect(decisionSteadyBetween(allowed, policy, NOW - 1000, NOW)).toBe(true);
		expect(decisionSteadyBetween(allowed, policy, NOW - 1000, NOW + 1)).toBe(false);
		expect(decisionSteadyBetween(allowed, policy, NOW + 1, NOW + 1000)).toBe(true);
	});
});
