/**
 * A browser holding more than one `ce_vid` is answered for the first it sends, and a host that may set
 * cookies for a parent domain (a sibling subdomain) can plant one that browsers send first (a longer
 * Path). Such a cookie must never allow more than the visitor's own choices: the denials stored for
 * every id the browser sends hold, from the visitor's `ce_consent` or from storage.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, callWithEnv, setCookieNamed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const DENY_ALL = { analytics: false, personalization: false, ads: false, sale: false };

interface Document {
	readonly subject: string;
	readonly purposes: Record<string, boolean>;
}

/** A visitor who opted out of everything, and another id (nothing stored: US defaults allow). */
async function optedOutAndPlanted() {
	const victim = new Visitor(CA);
	expect((await victim.put(DENY_ALL, { headers: { Origin: BASE } })).status).toBe(200);
	const planter = new Visitor(CA);
	expect((await planter.fetch("/v1/consent")).status).toBe(200);
	return {
		victim: { vid: victim.cookies.get("ce_vid") ?? "", consent: victim.cookies.get("ce_consent") ?? "" },
		planted: { vid: planter.cookies.get("ce_vid") ?? "", consent: planter.cookies.get("ce_consent") ?? "" },
	};
}

const lookup = (cookie: string) =>
	call("/v1/consent", { headers: { Cookie: cookie }, cf: CA } as RequestInit);
const check = (cookie: string, purpose: string) =>
	call(`/v1/check?purpose=${purpose}`, { headers: { Cookie: cookie }, cf: CA } as RequestInit);

describe("a planted ce_vid sent before the visitor's own", () => {
	it("allows nothing the visitor's own id denies, with or without the planted id's ce_consent", async () => {
		const { victim, planted } = await optedOutAndPlanted();
		for (const cookie of [
			`ce_vid=${planted.vid}; ce_vid=${victim.vid}; ce_consent=${victim.consent}`,
			`ce_vid=${planted.vid}; ce_consent=${planted.consent}; ce_vid=${victim.vid}; ce_consent=${victim.consent}`,
			// Without the visitor's ce_consent, their stored choices still hold.
			`ce_vid=${planted.vid}; ce_consent=${planted.consent}; ce_vid=${victim.vid}`,
		]) {
			// Twice: a repeat request must not be answered from what the planted id alone decided.
			for (let round = 0; round < 2; round++) {
				const res = await lookup(cookie);
				expect(res.status).toBe(200);
				const doc = await res.json<Document>();
				for (const purpose of Object.keys(DENY_ALL))
					expect(doc.purposes[purpose], `${purpose} ${cookie}`).toBe(false);
				const answer = await (await check(cookie, "ads")).json<{ allowed: boolean }>();
				expect(answer.allowed, cookie).toBe(false);
			}
		}
	});

	it("shows the visitor's denials on the preference centre too", async () => {
		const { victim, planted } = await optedOutAndPlanted();
		const res = await call("/preferences", {
			headers: { Cookie: `ce_vid=${planted.vid}; ce_vid=${victim.vid}; ce_consent=${victim.consent}` },
			cf: CA,
		} as RequestInit);
		expect(res.status).toBe(200);
		const html = await res.text();
		for (const purpose of Object.keys(DENY_ALL)) {
			const input = new RegExp(`<input [^>]*name="${purpose}"[^>]*>`).exec(html)?.[0];
			expect(input, purpose).toBeDefined();
			expect(input, purpose).not.toMatch(/ checked/);
		}
	});

	it("keeps them in a write's answer and the ce_consent it sets, which page JavaScript reads", async () => {
		const { victim, planted } = await optedOutAndPlanted();
		const res = await call("/v1/consent", {
			method: "PUT",
			headers: {
				Cookie: `ce_vid=${planted.vid}; ce_vid=${victim.vid}; ce_consent=${victim.consent}`,
				Origin: BASE,
				"Content-Type": "application/json",
			},
			body: JSON.stringify({ purposes: { email: true } }),
			cf: CA,
		} as RequestInit);
		expect(res.status).toBe(200);
		const doc = await res.json<Document>();
		const consent = setCookieNamed(res, "ce_consent")?.split(";")[0]?.slice("ce_consent=".length) ?? "";
		const decided = JSON.parse(atob((consent.split(".")[0] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).d;
		for (const purpose of Object.keys(DENY_ALL)) {
			expect(doc.purposes[purpose], purpose).toBe(false);
			expect(decided[purpose], purpose).toBe(0);
		}
		expect(doc.purposes.email).toBe(true);
	});

	it("allows nothing but essential past two other ids, each a storage read", async () => {
		const ids = ["A", "B", "C", "D"].map((c) => `${c}${"x".repeat(21)}`);
		const res = await lookup(ids.map((id) => `ce_vid=${id}`).join("; "));
		const doc = await res.json<Document>();
		expect(Object.entries(doc.purposes).filter(([, allowed]) => allowed)).toEqual([["essential", true]]);
		// Two are read: the US defaults allow.
		const two = await (
			await lookup(
				ids
					.slice(0, 3)
					.map((id) => `ce_vid=${id}`)
					.join("; "),
			)
		).json<Document>();
		expect(two.purposes.ads).toBe(true);
	});

	it("still answers for the id sent first, and one id sent twice is one visitor", async () => {
		const { victim, planted } = await optedOutAndPlanted();
		const res = await lookup(`ce_vid=${planted.vid}; ce_vid=${victim.vid}`);
		const alone = await (await lookup(`ce_vid=${planted.vid}`)).json<Document>();
		expect((await res.json<Document>()).subject).toBe(alone.subject);
		// Nothing denied for the planted id alone: the US defaults allow.
		expect(alone.purposes.ads).toBe(true);
		// A host-only and a Domain copy of one id (a COOKIE_DOMAIN change) fold nothing.
		const twice = await (await lookup(`ce_vid=${planted.vid}; ce_vid=${planted.vid}`)).json<Document>();
		expect(twice.purposes.ads).toBe(true);
	});
});

describe("a write made while a planted ce_vid is sent first", () => {
	it("replays its Idempotency-Key with the visitor's denials, as the first answer had them", async () => {
		const { victim, planted } = await optedOutAndPlanted();
		const write = () =>
			call("/v1/consent", {
				method: "PUT",
				headers: {
					Cookie: `ce_vid=${planted.vid}; ce_vid=${victim.vid}; ce_consent=${victim.consent}`,
					Origin: BASE,
					"Content-Type": "application/json",
					"Idempotency-Key": "planted-replay-1",
				},
				body: JSON.stringify({ purposes: { email: true } }),
				cf: CA,
			} as RequestInit);
		const first = await write();
		const body = await first.text();
		const replayed = await write();
		expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
		const doc = JSON.parse(await replayed.text()) as Document;
		for (const purpose of Object.keys(DENY_ALL)) expect(doc.purposes[purpose], purpose).toBe(false);
		expect(JSON.stringify(doc)).toBe(body);
	});

	it("is kept for every id the browser sends, so the planter cannot undo it under its own id", async () => {
		const planter = new Visitor(CA);
		await planter.fetch("/v1/consent");
		const planted = planter.cookies.get("ce_vid") ?? "";
		const own = new Visitor(CA);
		await own.fetch("/v1/consent");
		const vid = own.cookies.get("ce_vid") ?? "";
		const both = `ce_vid=${planted}; ce_vid=${vid}`;
		const write = (cookie: string, purposes: Record<string, boolean>) =>
			callWithEnv(env, "/v1/consent", {
				method: "PUT",
				headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
				body: JSON.stringify({ purposes }),
				cf: CA,
			} as RequestInit);
		// The visitor opts out while the planted id is sent first; its planter then allows everything
		// under the planted id alone (it knows the id: it set it).
		expect((await write(both, DENY_ALL)).status).toBe(200);
		const allowAll = Object.fromEntries(Object.keys(DENY_ALL).map((purpose) => [purpose, true]));
		expect((await write(`ce_vid=${planted}`, allowAll)).status).toBe(200);
		for (const cookie of [both, `ce_vid=${vid}`]) {
			const doc = await (await lookup(cookie)).json<Document>();
			for (const purpose of Object.keys(DENY_ALL))
				expect(doc.purposes[purpose], `${purpose} ${cookie}`).toBe(false);
		}
	});
	it("answers a choice the visitor makes as made, though an id it sends denied it before", async () => {
		const { victim, planted } = await optedOutAndPlanted();
		const both = `ce_vid=${planted.vid}; ce_vid=${victim.vid}`;
		const res = await callWithEnv(env, "/v1/consent", {
			method: "PUT",
			headers: { Cookie: both, Origin: BASE, "Content-Type": "application/json" },
			body: JSON.stringify({ purposes: { ads: true } }),
			cf: CA,
		} as RequestInit);
		const doc = await res.json<Document>();
		expect(doc.purposes.ads).toBe(true);
		expect(doc.purposes.analytics).toBe(false);
		const again = await (await lookup(both)).json<Document>();
		expect(again.purposes).toMatchObject({ ads: true, analytics: false });
	});
});
