/**
 * A visitor's repeat `GET /v1/consent` decided by a fresh `ce_consent` is replayed from memory
 * (workers/consent/steady-answers.ts): these check that a replay is the answer the request would
 * have been given, and that it stops the moment anything it was made from stops holding.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { settingsFor } from "../../workers/config/settings";
import { visitorSubject } from "../../workers/consent/caller";
import { signDecisionCookie } from "../../workers/consent/decision-cookie";
import worker from "../../workers/index";
import { BASE, brokenD1, brokenKV, type CallInit, callWithEnv, envWith, SIGNING_KEY } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const MINUTE = 60_000;
type Doc = {
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	jurisdiction: string;
	gpc: boolean;
	prompt: boolean;
};

let visitors = 0;

/**
 * A visitor of its own (so no other test's answer is remembered for it) holding the `ce_consent` the
 * worker issues now for these stored choices, as a browser would after its first request.
 */
async function visitorWith(
	purposes: Record<string, boolean>,
	state: { updatedAt?: number } = {},
): Promise<string> {
	const vid = `steadyVisitor_${String(++visitors).padStart(12, "0")}`;
	const now = Date.now();
	const signed = await signDecisionCookie(
		{
			subject: await visitorSubject(vid),
			state: {
				version: 2,
				purposes,
				sources: {},
				policyVersion: settingsFor(env).policy.policyVersion,
				updatedAt: state.updatedAt ?? now,
			},
			issuedAt: now,
			decision: {},
			jurisdiction: "US-CA",
			prompt: false,
		},
		SIGNING_KEY,
	);
	// Its decision (`d`) does not match what the worker decides, so the first answer re-issues it.
	const first = await get(noStorage(), `ce_vid=${vid}; ce_consent=${signed}`);
	const issued = first.headers.getSetCookie().find((c) => c.startsWith("ce_consent="));
	expect(issued).toBeDefined();
	expect(issued).not.toContain(signed);
	return `ce_vid=${vid}; ${issued?.split(";")[0]}`;
}

// Storage that fails every call: an answer that reads it is degraded, one decided by the cookie is not.
const noStorage = () => envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });

function get(
	testEnv: Env,
	cookie: string,
	init: { cf?: CallInit["cf"]; headers?: Record<string, string> } = {},
) {
	return callWithEnv(testEnv, "/v1/consent", {
		cf: init.cf ?? CA,
		headers: { Cookie: cookie, ...init.headers },
	});
}

async function snapshot(res: Response) {
	return { status: res.status, headers: [...res.headers], body: await res.text() };
}

afterEach(() => {
	vi.useRealTimers();
});

describe("a replayed decision answer", () => {
	it("is the answer the first request got: status, every header (the cookie re-sent) and body", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true, analytics: false });
		const first = await snapshot(await get(testEnv, cookie));
		const second = await snapshot(await get(testEnv, cookie));
		expect(first.status).toBe(200);
		expect(second).toEqual(first);
		const doc = JSON.parse(second.body) as Doc;
		expect(doc.reasons).toMatchObject({ ads: "explicit", analytics: "explicit" });
		const resent = second.headers.filter(([name]) => name === "set-cookie").map(([, v]) => v);
		expect(resent).toHaveLength(1);
		expect(cookie).toContain(resent[0]?.split(";")[0]);
	});

	it("ends with the cookie's ten minutes: its allowances are then re-read", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const issued = Date.now();
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		const fresh = await (await get(testEnv, cookie)).json<Doc>();
		expect(fresh.reasons.ads).toBe("explicit");

		vi.setSystemTime(issued + 9 * MINUTE);
		expect((await (await get(testEnv, cookie)).json<Doc>()).reasons.ads).toBe("explicit");

		// Storage is down, so past the bound the allowance fails closed instead of being replayed.
		vi.setSystemTime(issued + 11 * MINUTE);
		const stale = await (await get(testEnv, cookie)).json<Doc>();
		expect(stale.purposes.ads).toBe(false);
		expect(stale.reasons.ads).toBe("degraded");
	});

	it("is not replayed across the instant a stored allowance reaches the end of its lifetime", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const issued = Date.now();
		const { lifetimeMs } = settingsFor(env).policy;
		// The choice was made so long ago that it lapses five minutes into the cookie's ten.
		const cookie = await visitorWith({ ads: true }, { updatedAt: issued + 5 * MINUTE - lifetimeMs });
		const testEnv = noStorage();
		expect((await (await get(testEnv, cookie)).json<Doc>()).reasons.ads).toBe("explicit");
		vi.setSystemTime(issued + 6 * MINUTE);
		const lapsed = await (await get(testEnv, cookie)).json<Doc>();
		expect(lapsed.reasons.ads).not.toBe("explicit");
	});

	it("follows the request's signal and location, not the first request's", async () => {
		const cookie = await visitorWith({ ads: true, analytics: true });
		const testEnv = noStorage();
		await get(testEnv, cookie);

		const inGermany = await get(testEnv, cookie, { cf: { country: "DE" } });
		expect((await inGermany.json<Doc>()).jurisdiction).toBe("DE");

		const withGpc = await get(testEnv, cookie, { headers: { "Sec-GPC": "1" } });
		expect(withGpc.headers.get("X-GPC-Honored")).toBe("1");
		const doc = await withGpc.json<Doc>();
		expect(doc.gpc).toBe(true);
		expect(doc.reasons.ads).toBe("gpc");

		const again = await get(testEnv, cookie);
		expect(again.headers.get("X-GPC-Honored")).toBe("0");
		expect((await again.json<Doc>()).jurisdiction).toBe("US-CA");
	});

	it("belongs to the visitor the cookie was issued to", async () => {
		const cookie = await visitorWith({ ads: true });
		const testEnv = noStorage();
		await get(testEnv, cookie);
		// The same ce_consent presented with another visitor id decides nothing for that visitor.
		const other = cookie.replace(/ce_vid=[^;]+/, "ce_vid=someoneElse_0123456789abcdef");
		const res = await get(testEnv, other);
		const doc = await res.json<Doc & { subject: string }>();
		expect(doc.subject).toBe(await visitorSubject("someoneElse_0123456789abcdef"));
		expect(doc.reasons.ads).toBe("degraded");
	});

	it("belongs to the settings it was made under", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const now = Date.now();
		// Chosen a day ago: within the default lifetime, long past a lifetime of about nine seconds.
		const cookie = await visitorWith({ ads: true }, { updatedAt: now - 86_400_000 });
		expect((await (await get(noStorage(), cookie)).json<Doc>()).reasons.ads).toBe("explicit");
		const shortLived = envWith({
			DB: brokenD1(),
			CONSENT_KV: brokenKV(),
			CONSENT_LIFETIME_DAYS: "0.0001",
		} as Partial<Env>);
		expect((await (await get(shortLived, cookie)).json<Doc>()).reasons.ads).toBe("default");
	});

	it("carries the Secure attribute of the request's own scheme", async () => {
		const cookie = await visitorWith({ ads: true });
		const testEnv = noStorage();
		const secure = await get(testEnv, cookie);
		expect(secure.headers.getSetCookie()[0]).toContain("; Secure");
		const plain = await callWithEnv(testEnv, "http://consent.example/v1/consent", {
			cf: CA,
			headers: { Cookie: cookie },
		});
		expect(plain.headers.getSetCookie()[0]).not.toContain("Secure");
	});
});

describe("a repeat request's way to its replayed answer", () => {
	it("has no await on it: the worker returns the Response itself, not a promise of one", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		const first = await snapshot(await get(testEnv, cookie));
		const ctx = createExecutionContext();
		const request = new Request(`${BASE}/v1/consent`, { headers: { Cookie: cookie }, cf: CA } as RequestInit);
		const answer = worker.fetch(request as never, testEnv, ctx);
		await waitOnExecutionContext(ctx);
		expect(answer).toBeInstanceOf(Response);
		expect(await snapshot(answer as Response)).toEqual(first);
	});

	it("has none for the SDK's ?gpc=1 either (the page's GPC), and keeps that lookup's Origin check", async () => {
		const testEnv = noStorage();
		// Opted out of what GPC governs already, so the signal has nothing to record.
		let cookie = await visitorWith({ ads: false, sale: false, analytics: true });
		const lookup = (headers: Record<string, string> = {}) =>
			callWithEnv(testEnv, "/v1/consent?gpc=1", { cf: CA, headers: { Cookie: cookie, ...headers } });
		// The signal is in the cookie it issues: the browser's next lookup sends that one.
		let first = await snapshot(await lookup());
		for (let i = 0; i < 3; i++) {
			const issued = first.headers.find(([name]) => name === "set-cookie")?.[1].split(";")[0] ?? "";
			if (cookie.includes(issued)) break;
			cookie = cookie.replace(/ce_consent=[^;]+/, issued);
			first = await snapshot(await lookup());
		}
		expect(first.status).toBe(200);
		const doc = JSON.parse(first.body) as Doc;
		expect(doc.gpc).toBe(true);
		expect(doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc", analytics: "explicit" });

		const ctx = createExecutionContext();
		const request = new Request(`${BASE}/v1/consent?gpc=1`, {
			headers: { Cookie: cookie },
			cf: CA,
		} as RequestInit);
		const answer = worker.fetch(request as never, testEnv, ctx);
		await waitOnExecutionContext(ctx);
		expect(answer).toBeInstanceOf(Response);
		expect(await snapshot(answer as Response)).toEqual(first);
		// The same answer as the header's signal gets.
		expect((await snapshot(await get(testEnv, cookie, { headers: { "Sec-GPC": "1" } }))).body).toBe(
			first.body,
		);

		// The page's signal is taken only from an origin allowed to write, replayed or not.
		const crossSite = await lookup({ Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
		expect(crossSite.status).toBe(403);
		expect(await crossSite.json()).toEqual({
			error: { code: "forbidden_origin", message: expect.any(String) },
		});
		expect((await lookup({ Origin: "null" })).status).toBe(403);
		const ownPage = await lookup({ Origin: BASE });
		expect(ownPage.status).toBe(200);
		expect(await ownPage.text()).toBe(first.body);
	});

	it("is the same answer, with CORS, for an allowed origin's page", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		const plain = await snapshot(await get(testEnv, cookie));
		const fromPage = await get(testEnv, cookie, { headers: { Origin: BASE } });
		expect(fromPage.headers.get("Access-Control-Allow-Origin")).toBe(BASE);
		expect(fromPage.headers.get("Access-Control-Allow-Credentials")).toBe("true");
		expect(fromPage.headers.get("Vary")).toContain("Origin");
		expect(await fromPage.text()).toBe(plain.body);
		const foreign = await get(testEnv, cookie, { headers: { Origin: "https://evil.example" } });
		expect(foreign.headers.get("Access-Control-Allow-Origin")).toBeNull();
	});

	it("does not pass a ?subject= without an API key, nor a wrong key", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		await get(testEnv, cookie);
		const other = await callWithEnv(testEnv, "/v1/consent?subject=someone-else", {
			cf: CA,
			headers: { Cookie: cookie },
		});
		expect(other.status).toBe(401);
		const wrongKey = await get(testEnv, cookie, { headers: { Authorization: "Bearer not-a-key" } });
		expect(wrongKey.status).toBe(401);
		// Any other query is the same lookup: the remembered answer.
		const withQuery = await callWithEnv(testEnv, "/v1/consent?utm_source=x", {
			cf: CA,
			headers: { Cookie: cookie },
		});
		expect(withQuery.status).toBe(200);
		expect((await withQuery.json<Doc>()).reasons.ads).toBe("explicit");
	});

	it("is taken by HEAD too (the HTTP layer, not the worker, drops a HEAD answer's body)", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		const plain = await snapshot(await get(testEnv, cookie));
		const head = await callWithEnv(testEnv, "/v1/consent", {
			method: "HEAD",
			cf: CA,
			headers: { Cookie: cookie },
		});
		expect(head.status).toBe(200);
		expect([...head.headers]).toEqual(plain.headers);
	});
});

describe("a repeat visitor's GET /v1/check decided by their fresh ce_consent", () => {
	const check = (
		testEnv: Env,
		cookie: string,
		query = "?purpose=ads",
		headers: Record<string, string> = {},
	) => callWithEnv(testEnv, `/v1/check${query}`, { cf: CA, headers: { Cookie: cookie, ...headers } });

	function checkDirectly(testEnv: Env, cookie: string, query = "?purpose=ads") {
		const request = new Request(`${BASE}/v1/check${query}`, {
			headers: { Cookie: cookie },
			cf: CA,
		} as RequestInit);
		return worker.fetch(request as never, testEnv, createExecutionContext());
	}

	it("has no await on it once the cookie has been verified, and is the answer the whole way gives", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true, analytics: false });
		const first = await snapshot(await check(testEnv, cookie));
		expect(JSON.parse(first.body)).toEqual({ purpose: "ads", allowed: true, reason: "explicit" });
		const again = checkDirectly(testEnv, cookie);
		expect(again).toBeInstanceOf(Response);
		expect(await snapshot(again as Response)).toEqual(first);
		const denied = checkDirectly(testEnv, cookie, "?purpose=analytics");
		expect(denied).toBeInstanceOf(Response);
		expect(await (denied as Response).json()).toEqual({
			purpose: "analytics",
			allowed: false,
			reason: "explicit",
		});
	});

	it("follows the request's signal and location", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		const inCalifornia = await check(testEnv, cookie, "?purpose=analytics");
		expect(await inCalifornia.json()).toEqual({ purpose: "analytics", allowed: true, reason: "default" });
		// Nothing chosen for analytics: Germany asks first, wherever the cookie was issued.
		const inGermany = await callWithEnv(testEnv, "/v1/check?purpose=analytics", {
			cf: { country: "DE" },
			headers: { Cookie: cookie },
		});
		expect(await inGermany.json()).toEqual({ purpose: "analytics", allowed: false, reason: "default" });
		const withGpc = await check(testEnv, cookie, "?purpose=sale", { "Sec-GPC": "1" });
		expect(await withGpc.json()).toEqual({ purpose: "sale", allowed: false, reason: "gpc" });
		const signalled = await check(testEnv, cookie, "?purpose=ads", { "Sec-GPC": "1" });
		expect(await signalled.json()).toEqual({ purpose: "ads", allowed: false, reason: "gpc" });
		// Without the signal, the cookie's allowance decides again.
		const plain = await check(testEnv, cookie, "?purpose=ads");
		expect(await plain.json()).toEqual({ purpose: "ads", allowed: true, reason: "explicit" });
	});

	it("ends with the cookie's ten minutes: past them it goes the whole way (storage down: degraded)", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const issued = Date.now();
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		await check(testEnv, cookie);
		vi.setSystemTime(issued + 11 * MINUTE);
		const stale = checkDirectly(testEnv, cookie);
		expect(stale).toBeInstanceOf(Promise);
		expect(await (await stale).json()).toEqual({ purpose: "ads", allowed: false, reason: "degraded" });
	});

	it("belongs to the visitor the cookie was issued to", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		await check(testEnv, cookie);
		const other = cookie.replace(/ce_vid=[^;]+/, "ce_vid=someoneElse_0123456789abcdef");
		await check(testEnv, other);
		const answer = checkDirectly(testEnv, other);
		expect(answer).toBeInstanceOf(Promise);
		expect(await (await answer).json()).toEqual({ purpose: "ads", allowed: false, reason: "degraded" });
	});

	it("does not pass a ?subject= without an API key, nor a wrong key", async () => {
		const testEnv = noStorage();
		const cookie = await visitorWith({ ads: true });
		await check(testEnv, cookie);
		expect((await check(testEnv, cookie, "?purpose=ads&subject=someone-else")).status).toBe(401);
		expect((await check(testEnv, cookie, "?subject=someone-else&purpose=ads")).status).toBe(401);
		expect((await check(testEnv, cookie, "?purpose=ads", { Authorization: "Bearer not-a-key" })).status).toBe(
			401,
		);
		// Another spelling of the same query takes the whole way to the same answer.
		const spelled = await check(testEnv, cookie, "?purpose=%61ds");
		expect(await spelled.json()).toEqual({ purpose: "ads", allowed: true, reason: "explicit" });
	});
});
