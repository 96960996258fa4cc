import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import {
	type DecisionCookie,
	signDecisionCookie,
	verifyDecisionCookie,
} from "../../workers/consent/decision-cookie";
import { brokenD1, brokenKV, callWithEnv, envWith, json, keyed, SIGNING_KEY, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const VID = "cookieVisitor_0123456789ab";
type Doc = { purposes: Record<string, boolean>; reasons: Record<string, string>; version: number };
const broken = () => envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });

async function cookieFor(purposes: Record<string, boolean>, issuedAt: number, version = 3, subject?: string) {
	const value = await signDecisionCookie(
		{
			subject: subject ?? (await visitorSubject(VID)),
			state: { version, purposes, sources: {}, policyVersion: "2026-11", updatedAt: issuedAt },
			issuedAt,
			decision: {},
			jurisdiction: "US-CA",
			prompt: false,
		},
		SIGNING_KEY,
	);
	return `ce_vid=${VID}; ce_consent=${value}`;
}

const get = (testEnv: Env, cookie: string, headers: Record<string, string> = {}) =>
	callWithEnv(testEnv, "/v1/consent", { cf: CA, headers: { Cookie: cookie, ...headers } });

describe("the ce_consent cookie", () => {
	it("decides without any storage read while fresh", async () => {
		const res = await get(broken(), await cookieFor({ analytics: false, ads: true }, Date.now()));
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc.reasons).toMatchObject({ analytics: "explicit", ads: "explicit", personalization: "default" });
		expect(doc.version).toBe(3);
	});

	it("past ten minutes, its allowances are not trusted but its denials are", async () => {
		const res = await get(
			broken(),
			await cookieFor({ analytics: false, ads: true }, Date.now() - 11 * 60_000),
		);
		const doc = await res.json<Doc>();
		expect(doc.purposes).toMatchObject({ analytics: false, ads: false });
		expect(doc.reasons).toMatchObject({ analytics: "explicit", ads: "degraded" });
	});

	it("past ten minutes, the choice is re-read and the cookie re-issued", async () => {
		const stale = await cookieFor({ ads: true }, Date.now() - 11 * 60_000, 1);
		const subject = await visitorSubject(VID);
		// Another channel opted this visitor out meanwhile.
		await callWithEnv(env, "/v1/opt-out", keyed({ method: "POST", cf: CA, ...json({ subject }) }));
		const res = await get(env, stale);
		const doc = await res.json<Doc>();
		expect(doc.purposes.ads).toBe(false);
		expect(res.headers.getSetCookie().some((c) => c.startsWith("ce_consent="))).toBe(true);
	});

	it("a tampered, foreign-key or other visitor's cookie is ignored, never a 5xx", async () => {
		const good = await cookieFor({ analytics: true }, Date.now());
		const tampered = good.replace(/\.([A-Za-z0-9_-])/, (_m, c: string) => `.${c === "A" ? "B" : "A"}`);
		const foreign = `ce_vid=${VID}; ce_consent=${(
			await signDecisionCookie(
				{
					subject: await visitorSubject(VID),
					state: {
						version: 9,
						purposes: { analytics: true },
						sources: {},
						policyVersion: null,
						updatedAt: 0,
					},
					issuedAt: Date.now(),
					decision: {},
					jurisdiction: "US",
					prompt: false,
				},
				"some-other-key",
			)
		).toString()}`;
		const otherVisitor = await cookieFor({ analytics: true }, Date.now(), 3, "v:someoneelse");
		for (const cookie of [
			tampered,
			foreign,
			otherVisitor,
			`ce_vid=${VID}; ce_consent=${"x".repeat(4000)}`,
			`ce_vid=${VID}; ce_consent=a.b.c`,
		]) {
			const res = await get(broken(), cookie);
			expect(res.status).toBe(200);
			expect((await res.json<Doc>()).reasons.analytics).toBe("degraded");
		}
	});
});

describe("re-issuing the cookie", () => {
	it("re-sends the same cookie while it decided and nothing changed, and re-signs when something did", async () => {
		const v = new Visitor(CA);
		await v.fetch("/v1/consent");
		await v.put({ analytics: true });
		const sent = v.cookies.get("ce_consent");
		const again = await v.fetch("/v1/consent");
		expect(
			again.headers
				.getSetCookie()
				.find((c) => c.startsWith("ce_consent="))
				?.split(";")[0],
		).toBe(`ce_consent=${sent}`);
		// Another jurisdiction changes the effective decision: a new cookie is signed.
		const moved = await v.fetch("/v1/consent", { cf: { country: "DE" } });
		const resigned = moved.headers
			.getSetCookie()
			.find((c) => c.startsWith("ce_consent="))
			?.split(";")[0];
		expect(resigned).toBeDefined();
		expect(resigned).not.toBe(`ce_consent=${sent}`);
	});
});

describe("a cookie re-signed from its own state", () => {
	it("keeps the issue time of the state it carries, so its allowances still end 10 minutes after storage was read", async () => {
		const v = new Visitor(CA);
		await v.put({ ads: true });
		const first = await verifyDecisionCookie(v.cookies.get("ce_consent"), [SIGNING_KEY]);
		// Another channel withdraws the allowance; the cookie, still fresh, keeps deciding for now.
		const subject = (first as DecisionCookie).subject;
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject, purposes: { ads: false } }) }),
		);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		// A request from another place re-signs the cookie (its jurisdiction changed) from the cookie's state.
		const moved = await v.fetch("/v1/consent", { cf: { country: "US", regionCode: "NY" } });
		expect(moved.status).toBe(200);
		const resigned = await verifyDecisionCookie(v.cookies.get("ce_consent"), [SIGNING_KEY]);
		expect(resigned?.jurisdiction).toBe("US-NY");
		expect(resigned?.state.version).toBe(first?.state.version);
		// It was stamped now: each re-signing renewed allowances storage had withdrawn, past the bound.
		expect(resigned?.issuedAt).toBe(first?.issuedAt);
	});
});

/** Waits for a write's KV write-through (background work `call` does not wait for). */
async function writtenThrough(subject: string): Promise<void> {
	await vi.waitFor(async () => expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull());
}

describe("the KV cache", () => {
	it("is filled after a D1 read and then serves reads", async () => {
		const subject = "user:fill";
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { analytics: false } }) }),
		);
		await env.CONSENT_KV.delete(`state:${subject}`);
		await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }));
		const cached = await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json");
		expect(cached?.version).toBe(1);
		// A fill lives 10 minutes at most (state-cache.ts, FILL_TTL_S).
		const [entry] = (await env.CONSENT_KV.list({ prefix: `state:${subject}` })).keys;
		expect(entry?.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
	});

	it("is not filled by a visitor's own answer, whose fresh cookie answers them instead", async () => {
		const v = new Visitor(CA);
		await v.put({ analytics: false });
		const subject = await visitorSubject(v.cookies.get("ce_vid") as string);
		await writtenThrough(subject);
		await env.CONSENT_KV.delete(`state:${subject}`);
		// No decision cookie: KV misses and D1 decides, as on a returning visitor's first request.
		const res = await callWithEnv(env, "/v1/consent", {
			cf: CA,
			headers: { Cookie: `ce_vid=${v.cookies.get("ce_vid")}` },
		});
		expect((await res.json<Doc>()).purposes.analytics).toBe(false);
		const sent = res.headers.getSetCookie().find((line) => line.startsWith("ce_consent="));
		expect(sent).toBeDefined();
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		// The preferences page hands out the same cookie, and fills nothing either.
		const page = await callWithEnv(env, "/preferences", {
			cf: CA,
			headers: { Cookie: `ce_vid=${v.cookies.get("ce_vid")}` },
		});
		expect(page.headers.getSetCookie().some((line) => line.startsWith("ce_consent="))).toBe(true);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		// The cookie then decides the visitor's next request with storage out of reach.
		const cookie = (sent as string).split(";")[0];
		const next = await get(broken(), `ce_vid=${v.cookies.get("ce_vid")}; ${cookie}`);
		expect((await next.json<Doc>()).purposes.analytics).toBe(false);
	});

	it("is filled by a visitor's answer when no key signs a cookie, and by checks that set none", async () => {
		const v = new Visitor(CA);
		await v.put({ ads: false });
		const vid = v.cookies.get("ce_vid") as string;
		const subject = await visitorSubject(vid);
		await writtenThrough(subject);
		const unsigned = envWith({ SIGNING_KEY: "", SIGNING_KEY_PREVIOUS: "" } as Partial<Env>);
		await env.CONSENT_KV.delete(`state:${subject}`);
		const res = await callWithEnv(unsigned, "/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${vid}` } });
		expect(res.headers.getSetCookie().some((line) => line.startsWith("ce_consent="))).toBe(false);
		expect((await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json"))?.version).toBe(1);
		await env.CONSENT_KV.delete(`state:${subject}`);
		const check = await callWithEnv(env, "/v1/check?purpose=ads", {
			cf: CA,
			headers: { Cookie: `ce_vid=${vid}` },
		});
		expect(await check.json()).toMatchObject({ allowed: false });
		expect((await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json"))?.version).toBe(1);
	});

	it("a fill never overwrites a newer version", async () => {
		const { fillCachedState } = await import("../../workers/storage/state-cache");
		const newer = { version: 5, purposes: { ads: false }, sources: {}, policyVersion: null, updatedAt: 5 };
		await env.CONSENT_KV.put("state:user:newer", JSON.stringify(newer));
		await fillCachedState(env.CONSENT_KV, "user:newer", { ...newer, version: 4, purposes: { ads: true } });
		expect(await env.CONSENT_KV.get("state:user:newer", "json")).toEqual(newer);
	});

	it("a fill lives at most 10 minutes; so does a write's entry that does not deny everything, one that does 7 days", async () => {
		const { fillCachedState, writeCachedState, FILL_TTL_S, WRITE_TTL_S } = await import(
			"../../workers/storage/state-cache"
		);
		expect(FILL_TTL_S).toBe(600);
		const state = { version: 1, purposes: { ads: true }, sources: {}, policyVersion: null, updatedAt: 1 };
		// A partial denial left stale could lack a newer one (the default then decides): 10 minutes too.
		const partial = { ...state, purposes: { ads: false, analytics: false } };
		const denial = {
			...state,
			purposes: { analytics: false, personalization: false, ads: false, sale: false, email: false },
		};
		const expiration = async (subject: string) =>
			(await env.CONSENT_KV.list({ prefix: `state:${subject}` })).keys[0]?.expiration ?? 0;
		const before = Math.floor(Date.now() / 1000);
		await fillCachedState(env.CONSENT_KV, "user:filled", state);
		await writeCachedState(env.CONSENT_KV, "user:written", state);
		await writeCachedState(env.CONSENT_KV, "user:partly-denied", partial);
		await writeCachedState(env.CONSENT_KV, "user:denied", denial);
		const after = Math.ceil(Date.now() / 1000);
		for (const subject of ["user:filled", "user:written", "user:partly-denied"]) {
			expect(await expiration(subject), subject).toBeGreaterThanOrEqual(before + FILL_TTL_S);
			expect(await expiration(subject), subject).toBeLessThanOrEqual(after + FILL_TTL_S);
		}
		expect(await expiration("user:denied")).toBeGreaterThanOrEqual(before + WRITE_TTL_S);
	});

	it("a write's put KV refuses (one write per second per key) is tried again after that second", async () => {
		const { writeCachedState } = await import("../../workers/storage/state-cache");
		const state = { version: 2, purposes: { ads: false }, sources: {}, policyVersion: null, updatedAt: 2 };
		let puts = 0;
		/** The test's KV, refusing its first `times` puts as KV does a second write to a key within a second. */
		const refusing = (times: number) =>
			new Proxy(env.CONSENT_KV, {
				get(target, name) {
					if (name === "put")
						return (...args: Parameters<KVNamespace["put"]>) => {
							if (puts++ < times) throw new Error("KV PUT failed: 429 Too Many Requests");
							return target.put(...args);
						};
					const value = Reflect.get(target, name);
					return typeof value === "function" ? value.bind(target) : value;
				},
			});
		const started = Date.now();
		await writeCachedState(refusing(1), "user:retried", state);
		expect(puts).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(await env.CONSENT_KV.get("state:user:retried", "json")).toEqual(state);
		// Refused twice: the caller hears of it (and logs it).
		puts = 0;
		await expect(writeCachedState(refusing(2), "user:refused", state)).rejects.toThrow("429");
		expect(await env.CONSENT_KV.get("state:user:refused")).toBeNull();
	});

	it("a cookie newer than KV means KV is stale: D1 decides", async () => {
		const v = new Visitor(CA);
		await v.fetch("/v1/consent");
		await v.put({ ads: true });
		await v.put({ ads: false });
		const subject = (await (await v.fetch("/v1/consent")).json<{ subject: string }>()).subject;
		// Make KV stale (version 1, ads allowed) and the cookie old enough to need a read.
		await env.CONSENT_KV.put(
			`state:${subject}`,
			JSON.stringify({ version: 1, purposes: { ads: true }, sources: {}, policyVersion: null, updatedAt: 1 }),
		);
		const old = await signDecisionCookie(
			{
				subject,
				state: { version: 2, purposes: { ads: false }, sources: {}, policyVersion: null, updatedAt: 1 },
				issuedAt: Date.now() - 20 * 60_000,
				decision: {},
				jurisdiction: "US-CA",
				prompt: false,
			},
			SIGNING_KEY,
		);
		v.cookies.set("ce_consent", old);
		const doc = await (await v.fetch("/v1/consent")).json<Doc>();
		expect(doc.purposes.ads).toBe(false);
		expect(doc.version).toBe(2);
	});

	it("is dropped on erasure", async () => {
		const subject = "user:kverase";
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: false } }) }),
		);
		await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }));
		await callWithEnv(env, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }));
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
		const doc = await (
			await callWithEnv(env, `/v1/consent?subject=${subject}`, keyed({ cf: CA }))
		).json<Doc>();
		expect(doc.reasons.ads).toBe("default");
	});
});

describe("D1 sessions", () => {
	it("writes return a bookmark, and a keyed read with it sees the write", async () => {
		const res = await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject: "user:bm", purposes: { ads: false } }) }),
		);
		const bookmark = res.headers.get("X-D1-Bookmark");
		expect(bookmark).toBeTruthy();
		const read = await callWithEnv(
			env,
			"/v1/consent?subject=user:bm",
			keyed({ cf: CA, headers: { "X-D1-Bookmark": bookmark ?? "" } }),
		);
		expect((await read.json<Doc>()).purposes.ads).toBe(false);
		expect(read.headers.get("X-D1-Bookmark")).toBeTruthy();
	});

	it("records, export and erasure return a bookmark too, and a read with the erasure's sees it", async () => {
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject: "user:bm-subject", purposes: { ads: false } }) }),
		);
		for (const path of ["/v1/subjects/user:bm-subject/records", "/v1/subjects/user:bm-subject/export"]) {
			const read = await callWithEnv(env, path, keyed());
			expect(read.status, path).toBe(200);
			expect(read.headers.get("X-D1-Bookmark"), path).toBeTruthy();
		}
		const erased = await callWithEnv(env, "/v1/subjects/user:bm-subject", keyed({ method: "DELETE" }));
		expect(erased.status).toBe(204);
		const bookmark = erased.headers.get("X-D1-Bookmark");
		expect(bookmark).toBeTruthy();
		const exported = await callWithEnv(
			env,
			"/v1/subjects/user:bm-subject/export",
			keyed({ headers: { "X-D1-Bookmark": bookmark ?? "" } }),
		);
		expect((await exported.json<{ records: unknown[] }>()).records).toEqual([]);
	});

	it("a malformed or foreign bookmark is ignored, never a 5xx", async () => {
		for (const bookmark of [
			"garbage",
			"00000000-00000000-00000000-zzzz",
			"x".repeat(500),
			"00000000-ffffffff-00000000-00000000000000000000000000000000",
		]) {
			const read = await callWithEnv(
				env,
				"/v1/consent?subject=user:bm",
				keyed({ cf: CA, headers: { "X-D1-Bookmark": bookmark } }),
			);
			expect(read.status, bookmark).toBe(200);
			const records = await callWithEnv(
				env,
				"/v1/subjects/user:bm/records",
				keyed({ headers: { "X-D1-Bookmark": bookmark } }),
			);
			expect(records.status, bookmark).toBe(200);
		}
	});
});
