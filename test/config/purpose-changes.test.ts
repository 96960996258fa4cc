/**
 * Day-2 changes to the purposes table and POLICY_VERSION, against choices visitors stored before the
 * change: a purpose added (or made GPC-governed) after the choice, one removed while stored choices
 * and cookies still name it, and a policy version bumped.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PURPOSES, type PurposeDefinition } from "../../workers/config/purposes";
import { visitorSubject } from "../../workers/consent/caller";
import { decideConsent } from "../../workers/consent/decide-consent";
import { dropCachedState } from "../../workers/storage/state-cache";
import { callWithEnv, envWith, type Geo, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const DE = { country: "DE" };
const NOW = Date.UTC(2026, 11, 1);
const policy = { policyVersion: "2026-11", lifetimeMs: 395 * 86_400_000, optOutHoldMs: 0 };

type Doc = {
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	prompt: boolean;
	consentMode: Record<string, string>;
	gppSections: { usnat?: Record<string, unknown> };
};

/** Rewrites a subject's stored choices in D1 (as a past configuration left them) and drops its KV entry. */
async function storeChoices(
	subject: string,
	purposes: Record<string, boolean>,
	sources: Record<string, string>,
) {
	await env.DB.prepare("UPDATE consent_subjects SET purposes = ?, sources = ? WHERE subject = ?")
		.bind(JSON.stringify(purposes), JSON.stringify(sources), subject)
		.run();
	await dropCachedState(env.CONSENT_KV, subject);
}

const visitorGet = (vid: string, cf: Geo = CA, extra: Record<string, string> = {}) =>
	callWithEnv(env, "/v1/consent", { cf, headers: { Cookie: `ce_vid=${vid}`, ...extra } });

describe("a purpose made GPC-governed after a visitor's GPC opt-out was recorded", () => {
	it("is opted out by the recorded signal, in the engine", () => {
		// A site adds `data_broker` (GPC-governed) after this visitor's signal was recorded for ads and sale.
		const broker: PurposeDefinition = {
			name: "data_broker",
			gpc: true,
			defaults: { "opt-in": false, "opt-out": true },
			label: { en: "Data brokers", ja: "データブローカー" },
			description: { en: "", ja: "" },
		};
		const stored = {
			status: "found" as const,
			state: {
				version: 1,
				purposes: { ads: false, sale: false },
				sources: { ads: "gpc", sale: "gpc" },
				policyVersion: null,
				updatedAt: NOW - 86_400_000,
			},
		};
		const decision = decideConsent({ gpc: false, jurisdiction: "US-CA", stored, now: NOW, policy }, [
			...PURPOSES,
			broker,
		]);
		expect(decision.purposes.data_broker).toBe(false);
		expect(decision.reasons.data_broker).toBe("gpc");
		// Purposes GPC does not govern keep their defaults.
		expect(decision.purposes.analytics).toBe(true);
	});

	it("stays opted out without the signal, from storage and from the re-issued cookie", async () => {
		const vid = "gpcBeforeSaleFlag_012345678";
		const subject = await visitorSubject(vid);
		const first = await visitorGet(vid, CA, { "Sec-GPC": "1" });
		expect(first.status).toBe(200);
		// As stored when only `ads` was GPC-governed (`sale` got its GPC flag later).
		await storeChoices(subject, { ads: false }, { ads: "gpc" });

		const later = await visitorGet(vid);
		const doc = await later.json<Doc>();
		expect(doc.purposes).toMatchObject({ ads: false, sale: false, analytics: true });
		expect(doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(doc.gppSections.usnat).toMatchObject({ SaleOptOut: 1 });

		const cookie = later.headers
			.getSetCookie()
			.find((c) => c.startsWith("ce_consent="))
			?.split(";")[0];
		const fromCookie = await visitorGet(vid, CA, { Cookie: `ce_vid=${vid}; ${cookie}` });
		expect((await fromCookie.json<Doc>()).purposes.sale).toBe(false);
		const check = await callWithEnv(env, "/v1/check?purpose=sale", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}; ${cookie}` },
		});
		expect(await check.json()).toMatchObject({ allowed: false, reason: "gpc" });
	});

	it("a later explicit choice of that purpose still stands", async () => {
		const vid = "gpcThenChoseSale_0123456789";
		const subject = await visitorSubject(vid);
		await visitorGet(vid, CA, { "Sec-GPC": "1" });
		await storeChoices(subject, { ads: false, sale: true }, { ads: "gpc", sale: "ui" });
		const doc = await (await visitorGet(vid)).json<Doc>();
		expect(doc.purposes).toMatchObject({ ads: false, sale: true });
		expect(doc.reasons.sale).toBe("explicit");
	});
});

describe("a purpose removed while stored choices still name it", () => {
	const vid = "removedPurposeVisitor_0123";

	it("never reaches a decision document, a check or a write; a write naming it is a 400", async () => {
		const subject = await visitorSubject(vid);
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: false } }) }),
		);
		await storeChoices(subject, { ads: false, legacy: true }, { ads: "api", legacy: "api" });

		const res = await visitorGet(vid);
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(Object.keys(doc.purposes)).toEqual(PURPOSES.map((p) => p.name));
		expect(Object.keys(doc.reasons)).toEqual(PURPOSES.map((p) => p.name));
		expect(doc.purposes.ads).toBe(false);

		const cookie = res.headers
			.getSetCookie()
			.find((c) => c.startsWith("ce_consent="))
			?.split(";")[0];
		const fromCookie = await visitorGet(vid, CA, { Cookie: `ce_vid=${vid}; ${cookie}` });
		expect(Object.keys((await fromCookie.json<Doc>()).purposes)).not.toContain("legacy");
		const check = await callWithEnv(env, "/v1/check?purpose=legacy", { cf: CA });
		expect(check.status).toBe(400);
		expect(await check.json()).toMatchObject({ error: { code: "unknown_purpose" } });

		const put = await callWithEnv(env, "/v1/consent", {
			method: "PUT",
			cf: CA,
			...json({ purposes: { legacy: false } }, { headers: { Cookie: `ce_vid=${vid}` } }),
		});
		expect(put.status).toBe(400);
		expect(await put.json()).toMatchObject({ error: { code: "invalid_body" } });

		const page = await callWithEnv(env, "/preferences", { cf: CA, headers: { Cookie: `ce_vid=${vid}` } });
		expect(page.status).toBe(200);
		expect(await page.text()).not.toContain('name="legacy"');
		const optOut = await callWithEnv(env, "/v1/opt-out", {
			method: "POST",
			cf: CA,
			...json({}, { headers: { Cookie: `ce_vid=${vid}` } }),
		});
		expect(optOut.status).toBe(200);
		expect(Object.values((await optOut.json<Doc>()).purposes).filter(Boolean)).toEqual([true]);
	});
});

describe("a purpose added after a visitor chose", () => {
	it("gets its jurisdiction default, and a policy version bump asks again in opt-in regions", async () => {
		const vid = "purposeAddedLater_01234567";
		const subject = await visitorSubject(vid);
		const put = await callWithEnv(env, "/v1/consent", {
			method: "PUT",
			cf: DE,
			...json(
				{ purposes: { analytics: true, ads: true, sale: true, personalization: true, email: true } },
				{
					headers: { Cookie: `ce_vid=${vid}` },
				},
			),
		});
		expect(put.status).toBe(200);
		// As stored before `email` existed.
		await env.DB.prepare(
			"UPDATE consent_subjects SET purposes = json_remove(purposes, '$.email'), sources = json_remove(sources, '$.email') WHERE subject = ?",
		)
			.bind(subject)
			.run();
		await dropCachedState(env.CONSENT_KV, subject);
		const doc = await (await visitorGet(vid, DE)).json<Doc>();
		expect(doc.purposes).toMatchObject({ analytics: true, email: false });
		expect(doc.reasons.email).toBe("default");
		// Same policy version: no prompt, so a site adding a purpose bumps POLICY_VERSION to ask (README).
		expect(doc.prompt).toBe(false);
		const bumped = envWith({ POLICY_VERSION: "2027-01" } as Partial<Env>);
		const cookie = put.headers
			.getSetCookie()
			.find((c) => c.startsWith("ce_consent="))
			?.split(";")[0];
		const asked = await callWithEnv(bumped, "/v1/consent", {
			cf: DE,
			headers: { Cookie: `ce_vid=${vid}; ${cookie}` },
		});
		expect((await asked.json<Doc>()).prompt).toBe(true);
		const usAsked = await callWithEnv(bumped, "/v1/consent", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}` },
		});
		expect((await usAsked.json<Doc>()).prompt).toBe(false);
	});
});
