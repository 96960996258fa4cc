import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PURPOSES } from "../../workers/config/purposes";
import {
	type Decision,
	decideConsent,
	type Reason,
	type StoredLookup,
} from "../../workers/consent/decide-consent";
import { decisionBody, decisionDocument } from "../../workers/consent/decision-document";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30);
const policy = { policyVersion: "2026-11", lifetimeMs: 395 * DAY, optOutHoldMs: 365 * DAY };
const names = PURPOSES.map((p) => p.name);
const JURISDICTIONS = ["DE", "US", "US-CA", "US-CO", "JP", "BR", "ZZ"];

describe("decisionBody", () => {
	it("is exactly the document's JSON, for any decision, subject and version", () => {
		const reason = fc.constantFrom<Reason>("essential", "gpc", "explicit", "degraded", "default");
		const decision = fc.record({
			purposes: fc.dictionary(fc.constantFrom(...names), fc.boolean()),
			reasons: fc.dictionary(fc.constantFrom(...names), reason),
			version: fc.nat(),
			prompt: fc.boolean(),
		});
		const context = fc.record({
			subject: fc.option(fc.string({ unit: "binary" }), { nil: null }),
			gpc: fc.boolean(),
			jurisdiction: fc.constantFrom(...JURISDICTIONS),
		});
		fc.assert(
			fc.property(decision, context, (d: Decision, c) => {
				expect(decisionBody(d, c)).toBe(JSON.stringify(decisionDocument(d, c)));
			}),
			{ numRuns: 3000 },
		);
	});

	it("keeps each subject's own values when visitors share a decision", () => {
		const stored: StoredLookup = {
			status: "found",
			state: {
				version: 4,
				purposes: { ads: false, sale: false },
				sources: { ads: "ui", sale: "gpc" },
				policyVersion: "2026-11",
				updatedAt: NOW - DAY,
			},
		};
		const d = decideConsent({ gpc: true, jurisdiction: "US-CA", stored, now: NOW, policy });
		const first = JSON.parse(decisionBody(d, { subject: "v:first", gpc: true, jurisdiction: "US-CA" }));
		const second = JSON.parse(
			decisionBody({ ...d, version: 9 }, { subject: 'v:"second"', gpc: true, jurisdiction: "US-CA" }),
		);
		expect([first.subject, first.version]).toEqual(["v:first", 4]);
		expect([second.subject, second.version]).toEqual(['v:"second"', 9]);
		expect(second.gpp).toBe(first.gpp);
		expect(second.gpp).not.toBe("");
		// Every input of the shape changes the text: the signal, the location, one choice's reason.
		const other = (decision: Decision, gpc: boolean, jurisdiction: string) =>
			JSON.parse(decisionBody(decision, { subject: "v:first", gpc, jurisdiction }));
		expect(other(d, false, "US-CA")).toMatchObject({ gpc: false, purposes: first.purposes });
		expect(other(d, false, "US-CA").gpp).not.toBe(first.gpp);
		expect(other(d, true, "US-CO").jurisdiction).toBe("US-CO");
		expect(other({ ...d, reasons: { ...d.reasons, ads: "explicit" } }, true, "US-CA").reasons.ads).toBe(
			"explicit",
		);
		expect(other({ ...d, prompt: true }, true, "US-CA").prompt).toBe(true);
	});
});
