/**
 * decideConsent against the same rules written the obvious way (map + Object.fromEntries, overrides
 * found with lookups per call, no lifetime or prompt hold-period logic), over a mix of visitors.
 */
import { consentModelFor } from "../../workers/config/jurisdictions";
import { PURPOSES } from "../../workers/config/purposes";
import { type DecisionInput, decideConsent } from "../../workers/consent/decide-consent";
import type { PureCase } from "./pure-case";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const POLICY = { policyVersion: "2026-11", lifetimeMs: 395 * 86_400_000, optOutHoldMs: 365 * 86_400_000 };
const JURISDICTIONS = ["US-CA", "DE", "JP", "US-TX", "GB", "FR", "BR", "ZZ"];

function input(i: number): DecisionInput {
	const purposes = {
		analytics: i % 2 === 0,
		personalization: i % 3 === 0,
		ads: i % 5 === 0,
		sale: false,
		email: i % 4 !== 0,
	};
	const sources = Object.fromEntries(Object.keys(purposes).map((p) => [p, i % 7 === 0 ? "gpc" : "ui"]));
	const state = {
		version: 1 + (i % 3),
		purposes,
		sources,
		policyVersion: i % 6 === 0 ? "2025-01" : "2026-11",
		updatedAt: NOW - (i % 500) * 86_400_000,
	};
	const stored =
		i % 10 === 9
			? ({ status: "unavailable" } as const)
			: i % 4 === 3
				? ({ status: "none" } as const)
				: ({ status: "found", state } as const);
	return {
		gpc: i % 3 === 1,
		jurisdiction: JURISDICTIONS[i % JURISDICTIONS.length] as string,
		stored,
		now: NOW,
		policy: POLICY,
	};
}

const INPUTS = Array.from({ length: 64 }, (_, i) => input(i));

export function naiveDecide(input: DecisionInput) {
	const state = input.stored.status === "found" ? input.stored.state : null;
	const model = consentModelFor(input.jurisdiction);
	const entries = PURPOSES.map((p) => {
		if (p.essential) return [p.name, true, "essential"] as const;
		if (input.gpc && p.gpc) return [p.name, false, "gpc"] as const;
		const choice = state?.purposes[p.name];
		if (choice !== undefined) return [p.name, choice, "explicit"] as const;
		if (input.stored.status === "unavailable") return [p.name, false, "degraded"] as const;
		const override = p.overrides?.[input.jurisdiction] ?? p.overrides?.[input.jurisdiction.slice(0, 2)];
		return [p.name, override ?? p.defaults[model], "default"] as const;
	});
	return {
		purposes: Object.fromEntries(entries.map(([n, a]) => [n, a])),
		reasons: Object.fromEntries(entries.map(([n, , r]) => [n, r])),
		version: state?.version ?? 0,
		prompt: model === "opt-in" && input.stored.status === "none",
	};
}

export const cases: PureCase[] = [
	{
		name: "decideConsent",
		unit: `${INPUTS.length} decisions (stored, none, unavailable; GPC; 8 jurisdictions)`,
		perOp: INPUTS.length,
		ours: () => {
			for (const i of INPUTS) decideConsent(i);
		},
		naive: () => {
			for (const i of INPUTS) naiveDecide(i);
		},
		naiveLabel: "same rules with map/Object.fromEntries, no expiry or prompt hold",
	},
];
