/**
 * The SDK retries a visitor's opt-out it could not get stored (a 5xx, a 429, no answer) as the PUT of
 * the same denials (README, "A write the worker cannot store"). That is only sound while the two store
 * the same thing: the same choices, sources, policy, audit record (source `ui`, GPC flag,
 * jurisdiction) and decision, with the request's GPC signal or without, over an earlier choice or none.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { NON_ESSENTIAL_PURPOSES } from "../../workers/config/purposes";
import { visitorSubject } from "../../workers/consent/caller";
import { json, Visitor } from "../helpers";

const DENY_ALL = Object.fromEntries(NON_ESSENTIAL_PURPOSES.map((p) => [p, false]));

async function stored(visitor: Visitor) {
	const vid = visitor.cookies.get("ce_vid");
	if (!vid) throw new Error("no ce_vid");
	const subject = await visitorSubject(vid);
	const row = await env.DB.prepare(
		"SELECT version, purposes, sources, policy_version, email_hash FROM consent_subjects WHERE subject = ?",
	)
		.bind(subject)
		.first();
	const records = await env.DB.prepare(
		"SELECT version, jurisdiction, purposes, changes, source, gpc, policy_version FROM consent_records WHERE subject = ? ORDER BY version",
	)
		.bind(subject)
		.all();
	return { row, records: records.results };
}

async function decisionOf(res: Response) {
	expect(res.status).toBe(200);
	const { subject: _subject, ...rest } = await res.json<Record<string, unknown>>();
	return rest;
}

describe("a visitor's opt-out and the PUT of the same denials", () => {
	for (const gpc of [false, true]) {
		for (const earlier of [null, { analytics: true, personalization: true }]) {
			it(`store the same (GPC ${gpc}, earlier choice ${JSON.stringify(earlier)})`, async () => {
				const headers: Record<string, string> = gpc ? { "Sec-GPC": "1" } : {};
				const byOptOut = new Visitor({ country: "US", regionCode: "CA" }, { waitForBackground: true });
				const byPut = new Visitor({ country: "US", regionCode: "CA" }, { waitForBackground: true });
				for (const v of [byOptOut, byPut]) {
					await v.fetch("/v1/consent", { headers });
					if (earlier) expect((await v.put(earlier, { headers })).status).toBe(200);
				}
				const optedOut = await decisionOf(
					await byOptOut.fetch("/v1/opt-out", { method: "POST", ...json({}, { headers }) }),
				);
				const put = await decisionOf(await byPut.put(DENY_ALL, { headers }));
				expect(put).toEqual(optedOut);
				expect(await stored(byPut)).toEqual(await stored(byOptOut));
				const last = (await stored(byOptOut)).records.at(-1);
				expect(last).toMatchObject({ source: "ui", gpc: gpc ? 1 : 0, jurisdiction: "US-CA" });
			});
		}
	}
});
