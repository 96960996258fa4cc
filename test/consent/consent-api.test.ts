import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import {
	BASE,
	call,
	callWithEnv,
	countRecords,
	envWith,
	type Geo,
	json,
	keyed,
	setCookieNamed,
	Visitor,
} from "../helpers";

const DE = { country: "DE" };
const CA = { country: "US", regionCode: "CA" };

describe("GET /v1/consent (visitor)", () => {
	it("issues ce_vid and ce_consent and answers the full decision document", async () => {
		const res = await call("/v1/consent", { cf: DE });
		expect(res.status).toBe(200);
		expect(res.headers.get("Cache-Control")).toBe("private, no-store");
		expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
		const vid = setCookieNamed(res, "ce_vid");
		expect(vid).toMatch(
			/^ce_vid=[A-Za-z0-9_-]{22,64}; Path=\/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly$/,
		);
		const consent = setCookieNamed(res, "ce_consent");
		expect(consent).toMatch(
			/^ce_consent=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; Max-Age=31536000; SameSite=Lax; Secure$/,
		);
		const doc = await res.json<Record<string, unknown>>();
		expect(Object.keys(doc).sort()).toEqual(
			[
				"consentMode",
				"gpc",
				"gpp",
				"gppSections",
				"gppSid",
				"jurisdiction",
				"prompt",
				"purposes",
				"reasons",
				"subject",
				"version",
			].sort(),
		);
		expect(doc.subject).toMatch(/^v:[A-Za-z0-9_-]+$/);
		expect(doc.subject).not.toContain(vid?.split(";")[0]?.slice(7));
		expect(doc).toMatchObject({
			jurisdiction: "DE",
			gpc: false,
			version: 0,
			prompt: true,
			gpp: "",
			gppSid: [],
			gppSections: {},
		});
		expect(doc.consentMode).toEqual({
			ad_storage: "denied",
			ad_user_data: "denied",
			ad_personalization: "denied",
			analytics_storage: "denied",
			functionality_storage: "granted",
			personalization_storage: "denied",
			security_storage: "granted",
		});
	});

	it("locates each client address by request.cf, and the same address alike for a minute", async () => {
		const at = (address: string, cf: Geo) =>
			call("/v1/consent", { cf, headers: { "CF-Connecting-IP": address } }).then((r) =>
				r.json<{ jurisdiction: string }>(),
			);
		expect((await at("198.51.100.41", DE)).jurisdiction).toBe("DE");
		expect((await at("198.51.100.42", CA)).jurisdiction).toBe("US-CA");
		// Cloudflare locates a request by its address: a repeat from it is answered for the place
		// already found, without request.cf being parsed again (here it says otherwise, to show it).
		expect((await at("198.51.100.41", { country: "JP" })).jurisdiction).toBe("DE");
		expect((await at("198.51.100.43", { country: "JP" })).jurisdiction).toBe("JP");
	});

	it("keeps a well-formed ce_vid as a stable subject and replaces a malformed one", async () => {
		const vid = "A".repeat(22);
		const a = await call("/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${vid}` } });
		const b = await call("/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${vid}` } });
		expect(setCookieNamed(a, "ce_vid")).toBeUndefined();
		expect((await a.json<{ subject: string }>()).subject).toBe((await b.json<{ subject: string }>()).subject);
		for (const bad of ["short", "A".repeat(65), "bad*chars*bad*chars*bad*", ""]) {
			const res = await call("/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${bad}` } });
			expect(res.status).toBe(200);
			expect(setCookieNamed(res, "ce_vid")).toMatch(/^ce_vid=[A-Za-z0-9_-]{22,64};/);
		}
	});

	it("omits Secure on plain http", async () => {
		const res = await call("http://localhost:8787/v1/consent", { cf: CA });
		expect(setCookieNamed(res, "ce_vid")).not.toMatch(/Secure/);
	});

	it("answers US visitors with a usnat GPP string", async () => {
		const doc = await (await call("/v1/consent", { cf: CA })).json<{
			gpp: string;
			gppSid: number[];
			gppSections: { usnat: Record<string, unknown> };
		}>();
		expect(doc.gpp).toMatch(/^DBABLA~/);
		expect(doc.gppSid).toEqual([7]);
		expect(doc.gppSections.usnat).toMatchObject({
			SaleOptOut: 2,
			SharingOptOut: 2,
			TargetedAdvertisingOptOut: 2,
			Gpc: false,
			MspaCoveredTransaction: 2,
		});
	});

	it("?subject= without a key is 401", async () => {
		const res = await call("/v1/consent?subject=user:1");
		expect(res.status).toBe(401);
		expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
	});
});

describe("keyed calls", () => {
	it("need the right key", async () => {
		for (const auth of [
			"Bearer wrong",
			"Bearer ",
			"Basic dGVzdA==",
			"test-admin-key-0123456789abcdef0123",
			"Bearer test-admin-key-0123456789abcdef0123 extra",
		]) {
			const res = await call("/v1/consent?subject=user:1", { headers: { Authorization: auth } });
			expect(res.status, auth).toBe(401);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
		}
	});

	it("a JSON write naming a subject without a key is 401, and writes for nobody", async () => {
		// A server that forgot its key must not be told 200 while a cookieless "visitor" got the choice.
		const writes: [string, unknown][] = [
			["PUT", { subject: "user:nokey", purposes: { ads: false } }],
			["POST", { subject: "user:nokey" }],
		];
		const callers: Record<string, string>[] = [{}, { Cookie: "ce_vid=NoKeySubjectVisitor000000" }];
		for (const [method, body] of writes) {
			for (const headers of callers) {
				const path = method === "PUT" ? "/v1/consent" : "/v1/opt-out";
				const res = await call(path, { method, ...json(body, { headers }) });
				expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
				expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
				expect(res.headers.getSetCookie()).toEqual([]);
			}
		}
		expect(await countRecords("user:nokey")).toBe(0);
		expect(await countRecords(await visitorSubject("NoKeySubjectVisitor000000"))).toBe(0);
	});

	it("a visitor's write naming its own subject (a decision document sent back) is the visitor's", async () => {
		// Only another subject makes a write server-to-server: a page that PUTs back the document it
		// was given (subject included) is still the visitor choosing.
		const vid = "OwnSubjectVisitor000000000";
		const own = await visitorSubject(vid);
		const headers = { Cookie: `ce_vid=${vid}` };
		const res = await call("/v1/consent", {
			method: "PUT",
			...json({ subject: own, purposes: { ads: false } }, { headers }),
		});
		expect(res.status).toBe(200);
		expect((await res.json<{ subject: string; purposes: { ads: boolean } }>()).purposes.ads).toBe(false);
		const opt = await call("/v1/opt-out", { method: "POST", ...json({ subject: own }, { headers }) });
		expect(opt.status).toBe(200);
		expect(await countRecords(own)).toBe(2);
		// Without the cookie the same subject is someone else's: 401.
		const bare = await call("/v1/consent", {
			method: "PUT",
			...json({ subject: own, purposes: { ads: true } }),
		});
		expect(bare.status).toBe(401);
		expect(await countRecords(own)).toBe(2);
	});

	it("refuse a subject given twice (which one was meant?) with invalid_query", async () => {
		for (const path of ["/v1/consent", "/v1/check?purpose=ads&"]) {
			const sep = path.endsWith("&") ? "" : "?";
			const res = await call(`${path}${sep}subject=user:a&subject=user:b`, keyed({ cf: DE }));
			expect(res.status, path).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
		}
	});

	it("ignore cookies and need a valid subject", async () => {
		const missing = await call(
			"/v1/consent",
			keyed({ headers: { Cookie: "ce_vid=AAAAAAAAAAAAAAAAAAAAAA" } }),
		);
		expect(missing.status).toBe(400);
		expect((await missing.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
		for (const bad of ["...", "a b", "a/b", "x".repeat(129), "user%00", "ü"]) {
			const res = await call(`/v1/consent?subject=${encodeURIComponent(bad)}`, keyed());
			expect(res.status, bad).toBe(400);
		}
		const ok = await call("/v1/consent?subject=user:42", keyed({ cf: DE }));
		expect(ok.status).toBe(200);
		expect(ok.headers.getSetCookie()).toEqual([]);
		expect((await ok.json<{ subject: string }>()).subject).toBe("user:42");
	});

	it("PUT merges named purposes; only a real change appends a record", async () => {
		const put = (purposes: Record<string, boolean>) =>
			call("/v1/consent", keyed({ method: "PUT", cf: DE, ...json({ subject: "user:merge", purposes }) }));
		let res = await put({ analytics: true });
		expect(res.status).toBe(200);
		let doc = await res.json<{
			purposes: Record<string, boolean>;
			reasons: Record<string, string>;
			version: number;
		}>();
		expect(doc.purposes).toMatchObject({ analytics: true, ads: false });
		expect(doc.reasons).toMatchObject({ analytics: "explicit", ads: "default" });
		expect(doc.version).toBe(1);
		res = await put({ ads: true });
		doc = await res.json();
		expect(doc.purposes).toMatchObject({ analytics: true, ads: true });
		expect(doc.version).toBe(2);
		res = await put({ ads: true, analytics: true });
		doc = await res.json();
		expect(doc.version).toBe(2);
		res = await put({});
		expect((await res.json<{ version: number }>()).version).toBe(2);
		expect(await countRecords("user:merge")).toBe(2);
	});
});

describe("write errors", () => {
	const put = (init: RequestInit) => call("/v1/consent", keyed({ method: "PUT", ...init }));
	const code = async (res: Response) => (await res.json<{ error: { code: string } }>()).error.code;

	it("malformed JSON is 400 invalid_json", async () => {
		const res = await put({ headers: { "Content-Type": "application/json" }, body: "{nope" });
		expect(res.status).toBe(400);
		expect(await code(res)).toBe("invalid_json");
	});

	it.each([
		[{ purposes: { ads: "yes" } }],
		[{ purposes: { nonsense: true } }],
		[JSON.parse('{"subject":"user:1","purposes":{"__proto__":true}}')],
		[{ purposes: { essential: false } }],
		[{ purposes: [] }],
		[{ purposes: null }],
		[{}],
		[[]],
		["string"],
		[{ purposes: { ads: true }, policyVersion: 5 }],
		[{ purposes: { ads: true }, subject: "..." }],
		[{ purposes: { ads: true }, subject: 42 }],
	])("schema violation %j is 400 invalid_body", async (body) => {
		const payload =
			typeof body === "object" && body !== null && !Array.isArray(body) && !("subject" in body)
				? { subject: "user:1", ...body }
				: body;
		const res = await put({ headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
		expect(res.status).toBe(400);
		expect(await code(res)).toBe("invalid_body");
	});

	it("names a missing member plainly, not in the schema library's words", async () => {
		const res = await put(json({ subject: "user:1" }));
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({ error: { code: "invalid_body", message: "purposes: required." } });
	});

	it("essential may be sent as true", async () => {
		const res = await put(json({ subject: "user:1", purposes: { essential: true, ads: false } }));
		expect(res.status).toBe(200);
	});

	it("a body over 16 KiB is 413, whatever its declared length", async () => {
		const big = JSON.stringify({ subject: "user:1", purposes: {}, pad: "x".repeat(17 * 1024) });
		const res = await put({ headers: { "Content-Type": "application/json" }, body: big });
		expect(res.status).toBe(413);
		expect(await code(res)).toBe("payload_too_large");
		const stream = new ReadableStream({
			start(c) {
				c.enqueue(new TextEncoder().encode(big));
				c.close();
			},
		});
		const chunked = await put({
			headers: { "Content-Type": "application/json" },
			body: stream,
			duplex: "half",
		} as RequestInit);
		expect(chunked.status).toBe(413);
	});

	it("other content types are 415", async () => {
		for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
			const res = await put({ headers: { "Content-Type": type }, body: "purposes=x" });
			expect(res.status, type).toBe(415);
			expect(await code(res)).toBe("unsupported_media_type");
		}
	});
});

describe("Origin check on visitor writes", () => {
	const write = (headers: Record<string, string>) =>
		call("/v1/consent", {
			method: "PUT",
			cf: CA,
			headers: { "Content-Type": "application/json", ...headers },
			body: JSON.stringify({ purposes: { ads: false } }),
		});

	it("accepts the worker's own origin, and a missing Origin unless the fetch is cross-site", async () => {
		expect((await write({ Origin: BASE })).status).toBe(200);
		expect((await write({})).status).toBe(200);
		expect((await write({ "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
		expect((await write({ "Sec-Fetch-Site": "none" })).status).toBe(200);
	});

	it("refuses other origins, Origin: null and cross-site fetches without Origin", async () => {
		const cases: Record<string, string>[] = [
			{ Origin: "https://evil.example" },
			{ Origin: "null" },
			{ "Sec-Fetch-Site": "cross-site" },
			{ "Sec-Fetch-Site": "same-site" },
		];
		for (const headers of cases) {
			const res = await write(headers);
			expect(res.status, JSON.stringify(headers)).toBe(403);
			expect(await res.json()).toEqual({ error: { code: "forbidden_origin", message: expect.any(String) } });
		}
	});
});

describe("visitor writes", () => {
	it("PUT sets the decision cookie and later lookups see the choice", async () => {
		const v = new Visitor(DE);
		await v.fetch("/v1/consent");
		const res = await v.put({ analytics: true });
		expect(res.status).toBe(200);
		expect(setCookieNamed(res, "ce_consent")).toBeDefined();
		const doc = await (await v.fetch("/v1/consent")).json<{
			purposes: Record<string, boolean>;
			version: number;
			prompt: boolean;
		}>();
		expect(doc.purposes.analytics).toBe(true);
		expect(doc.version).toBe(1);
		expect(doc.prompt).toBe(false);
	});

	it("a first write without ce_vid gets one", async () => {
		const res = await call("/v1/consent", { method: "PUT", ...json({ purposes: { ads: false } }) });
		expect(res.status).toBe(200);
		expect(setCookieNamed(res, "ce_vid")).toBeDefined();
	});

	it("a write renews the visitor's ce_vid, same value, for another year from the choice", async () => {
		// ce_vid was set once, for a year from the first visit: a choice made in its eleventh month
		// would have been lost a month later, the stored opt-out then belonging to an id nobody has.
		const vid = "C".repeat(24);
		const headers = { Cookie: `ce_vid=${vid}`, Origin: BASE };
		const expected = new RegExp(`^ce_vid=${vid}; Path=/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly$`);
		const put = await call("/v1/consent", json({ purposes: { ads: false } }, { method: "PUT", headers }));
		expect(put.status).toBe(200);
		expect(setCookieNamed(put, "ce_vid")).toMatch(expected);
		const optOut = await call("/v1/opt-out", {
			method: "POST",
			headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
			body: "",
		});
		expect(optOut.status).toBe(303);
		expect(setCookieNamed(optOut, "ce_vid")).toMatch(expected);
		const form = await call("/preferences", {
			method: "POST",
			headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
			body: "analytics=on",
		});
		expect(form.status).toBe(303);
		expect(setCookieNamed(form, "ce_vid")).toMatch(expected);
		// A lookup right after leaves it be: lookups renew it only once a month (visitor-id-renewal.test.ts).
		expect(setCookieNamed(await call("/v1/consent", { headers }), "ce_vid")).toBeUndefined();
	});

	it("email may only be linked by keyed calls", async () => {
		const v = new Visitor();
		const res = await v.fetch("/v1/consent", {
			method: "PUT",
			...json({ purposes: {}, email: "a@example.com" }),
		});
		expect(res.status).toBe(400);
	});
});

describe("POST /v1/opt-out", () => {
	it("opts out of everything non-essential (JSON)", async () => {
		const v = new Visitor(CA);
		const res = await v.fetch("/v1/opt-out", { method: "POST", ...json({}) });
		expect(res.status).toBe(200);
		const doc = await res.json<{ purposes: Record<string, boolean> }>();
		expect(doc.purposes).toEqual({
			essential: true,
			analytics: false,
			personalization: false,
			ads: false,
			sale: false,
			email: false,
		});
	});

	it("accepts an empty body", async () => {
		const res = await call("/v1/opt-out", { method: "POST", cf: CA });
		expect(res.status).toBe(200);
	});

	it("answers a form post with 303 to the preference centre, whatever Accept says", async () => {
		const v = new Visitor(CA);
		const res = await v.fetch("/v1/opt-out", {
			method: "POST",
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				Accept: "application/json",
				"Sec-Fetch-Mode": "cors",
			},
			body: "extra=1",
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		const doc = await (await v.fetch("/v1/consent")).json<{ purposes: Record<string, boolean> }>();
		expect(doc.purposes.analytics).toBe(false);
	});

	it("a visitor who lost ce_consent but has stored choices gets them merged, not overwritten", async () => {
		const v = new Visitor(CA);
		expect((await v.put({ email: true, analytics: true })).status).toBe(200);
		const subject = (await (await v.fetch("/v1/consent")).json<{ subject: string }>()).subject;
		// Only the id is left: the write guesses "new visitor", its insert meets the stored row, and
		// it falls back to reading and merging.
		v.cookies.delete("ce_consent");
		const res = await v.fetch("/v1/opt-out", { method: "POST", ...json({}) });
		expect(res.status).toBe(200);
		const doc = await res.json<{ version: number; purposes: Record<string, boolean> }>();
		expect(doc.version).toBe(2);
		expect(doc.purposes).toMatchObject({ analytics: false, email: false, ads: false });
		const records = await env.DB.prepare(
			"SELECT version, changes, previous_record_id FROM consent_records WHERE subject = ? ORDER BY version",
		)
			.bind(subject)
			.all<{ version: number; changes: string; previous_record_id: string | null }>();
		expect(records.results.map((r) => r.version)).toEqual([1, 2]);
		expect(records.results[1]?.previous_record_id).not.toBeNull();
		// The second record names only what changed from the stored state (ads and sale were unset,
		// analytics and email were true): all five non-essential purposes, each now false.
		expect(JSON.parse(records.results[1]?.changes ?? "{}")).toEqual({
			analytics: false,
			personalization: false,
			ads: false,
			sale: false,
			email: false,
		});
		const state = await env.DB.prepare("SELECT version, sources FROM consent_subjects WHERE subject = ?")
			.bind(subject)
			.first<{ version: number; sources: string }>();
		expect(state?.version).toBe(2);
	});

	it("a visitor without ce_consent whose first record was purged still gets the next version", async () => {
		const v = new Visitor(CA);
		expect((await v.put({ email: true })).status).toBe(200);
		const subject = (await (await v.fetch("/v1/consent")).json<{ subject: string }>()).subject;
		// As after the retention purge: the state row stays, record 1 is gone.
		await env.DB.prepare("DELETE FROM consent_records WHERE subject = ?").bind(subject).run();
		v.cookies.delete("ce_consent");
		const res = await v.fetch("/v1/opt-out", { method: "POST", ...json({}) });
		expect(res.status).toBe(200);
		expect((await res.json<{ version: number }>()).version).toBe(2);
		const versions = await env.DB.prepare("SELECT version FROM consent_records WHERE subject = ?")
			.bind(subject)
			.all<{ version: number }>();
		expect(versions.results).toEqual([{ version: 2 }]);
	});

	it("a new visitor's opt-out is version 1 with no previous record", async () => {
		const v = new Visitor(CA);
		const res = await v.fetch("/v1/opt-out", { method: "POST", ...json({}) });
		const doc = await res.json<{ subject: string; version: number }>();
		expect(doc.version).toBe(1);
		const row = await env.DB.prepare(
			"SELECT version, previous_record_id FROM consent_records WHERE subject = ?",
		)
			.bind(doc.subject)
			.first<{ version: number; previous_record_id: string | null }>();
		expect(row).toEqual({ version: 1, previous_record_id: null });
	});

	it("keyed opt-out needs a subject in the body", async () => {
		const bad = await call("/v1/opt-out", keyed({ method: "POST", ...json({}) }));
		expect(bad.status).toBe(400);
		const ok = await call("/v1/opt-out", keyed({ method: "POST", ...json({ subject: "user:out" }) }));
		expect(ok.status).toBe(200);
		expect(await countRecords("user:out")).toBe(1);
	});

	it("a cross-site form post is refused with an HTML error", async () => {
		const res = await call("/v1/opt-out", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
			body: "",
		});
		expect(res.status).toBe(403);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
	});
});

describe("GET /v1/check", () => {
	it("answers purpose, allowed and reason, without cookies", async () => {
		const res = await call("/v1/check?purpose=ads", { cf: CA });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ purpose: "ads", allowed: true, reason: "default" });
		expect(res.headers.getSetCookie()).toEqual([]);
		expect(res.headers.get("Cache-Control")).toBe("private, no-store");
	});

	it("GPC decides GPC-governed purposes", async () => {
		const res = await call("/v1/check?purpose=sale", { cf: CA, headers: { "Sec-GPC": "1" } });
		expect(await res.json()).toEqual({ purpose: "sale", allowed: false, reason: "gpc" });
		const analytics = await call("/v1/check?purpose=analytics", { cf: CA, headers: { "Sec-GPC": "1" } });
		expect(await analytics.json()).toEqual({ purpose: "analytics", allowed: true, reason: "default" });
	});

	it("allows essential purposes whatever the signal or the choice, and GPC decides after a choice too", async () => {
		for (const gpc of [{}, { "Sec-GPC": "1" }] as Record<string, string>[]) {
			const res = await call("/v1/check?purpose=essential", { cf: CA, headers: gpc });
			expect(await res.json()).toEqual({ purpose: "essential", allowed: true, reason: "essential" });
		}
		const v = new Visitor(CA);
		await v.put({ ads: true });
		const chosen = await v.fetch("/v1/check?purpose=ads");
		expect(await chosen.json()).toEqual({ purpose: "ads", allowed: true, reason: "explicit" });
		const signalled = await v.fetch("/v1/check?purpose=ads", { headers: { "Sec-GPC": "1" } });
		expect(await signalled.json()).toEqual({ purpose: "ads", allowed: false, reason: "gpc" });
	});

	it("reads a visitor's stored choice", async () => {
		const v = new Visitor(CA);
		await v.put({ analytics: false });
		const res = await v.fetch("/v1/check?purpose=analytics");
		expect(await res.json()).toEqual({ purpose: "analytics", allowed: false, reason: "explicit" });
		expect(res.headers.getSetCookie()).toEqual([]);
	});

	it("reads the purpose from any query spelling, not only the plain one", async () => {
		for (const q of ["?purpose=%61ds", "?x=1&purpose=ads", "?purpose=ads&x=1", "?purpose=ads#frag"]) {
			const res = await call(`/v1/check${q}`, { cf: CA, headers: { "Sec-GPC": "1" } });
			expect(res.status, q).toBe(200);
			expect(await res.json(), q).toMatchObject({ purpose: "ads", allowed: false, reason: "gpc" });
		}
	});

	it("answers a fixed answer only to a caller who may ask: a wrong key, or ?subject= without one, is 401", async () => {
		const gpc = { "Sec-GPC": "1" };
		for (const [q, headers] of [
			["?purpose=essential&subject=user:1", {}],
			["?subject=user:1&purpose=ads", gpc],
			["?purpose=essential", { Authorization: "Bearer wrong" }],
			["?purpose=ads", { ...gpc, Authorization: "Bearer wrong" }],
			["?purpose=ads&subject=user:1", { ...gpc, Authorization: "Bearer wrong" }],
		] as [string, Record<string, string>][]) {
			const res = await call(`/v1/check${q}`, { cf: CA, headers });
			expect(res.status, `${q} ${JSON.stringify(headers)}`).toBe(401);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
		}
		const sender = await callWithEnv(
			envWith({ SENDER_API_KEY: "test-sender-key" } as Partial<Env>),
			"/v1/check?purpose=essential&subject=user:1",
			{ cf: CA, headers: { Authorization: "Bearer test-sender-key" } },
		);
		expect(sender.status).toBe(403);
		const keyedCall = await call("/v1/check?purpose=ads&subject=user:1", keyed({ cf: CA, headers: gpc }));
		expect(keyedCall.status).toBe(200);
		expect(await keyedCall.json()).toEqual({ purpose: "ads", allowed: false, reason: "gpc" });
		const badSubject = await call("/v1/check?purpose=essential&subject=..", keyed({ cf: CA }));
		expect(badSubject.status).toBe(400);
	});

	it("rejects unknown and missing purposes", async () => {
		const unknown = await call("/v1/check?purpose=nope");
		expect(unknown.status).toBe(400);
		expect((await unknown.json<{ error: { code: string } }>()).error.code).toBe("unknown_purpose");
		for (const q of ["", "?purpose=", "?purpose=ads&purpose=sale", "?subject=x?purpose=ads"]) {
			const res = await call(`/v1/check${q}`);
			expect(res.status, q).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
		}
	});
});

describe("subject records, export, erasure", () => {
	it("lists records newest first with a cursor", async () => {
		const subject = "user:pages";
		for (let i = 0; i < 5; i++) {
			await call(
				"/v1/consent",
				keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: i % 2 === 0 } }) }),
			);
		}
		const first = await call(`/v1/subjects/${subject}/records?limit=2`, keyed());
		expect(first.status).toBe(200);
		const page1 = await first.json<{
			records: { version: number; previousRecordId: string | null; recordId: string }[];
			next?: string;
		}>();
		expect(page1.records.map((r) => r.version)).toEqual([5, 4]);
		expect(page1.next).toBeDefined();
		expect(page1.records[0]?.previousRecordId).toBe(page1.records[1]?.recordId);
		const page2 = await (
			await call(`/v1/subjects/${subject}/records?limit=2&cursor=${page1.next}`, keyed())
		).json<typeof page1>();
		expect(page2.records.map((r) => r.version)).toEqual([3, 2]);
		const page3 = await (
			await call(`/v1/subjects/${subject}/records?limit=2&cursor=${page2.next}`, keyed())
		).json<typeof page1>();
		expect(page3.records.map((r) => r.version)).toEqual([1]);
		expect(page3.next).toBeUndefined();
		expect(page3.records[0]?.previousRecordId).toBeNull();
	});

	it("records carry the contract's fields", async () => {
		await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: DE,
				...json({ subject: "user:fields", purposes: { analytics: true }, policyVersion: "v7" }),
			}),
		);
		const { records } = await (await call("/v1/subjects/user:fields/records", keyed())).json<{
			records: Record<string, unknown>[];
		}>();
		expect(records[0]).toMatchObject({
			recordId: expect.any(String),
			subject: "user:fields",
			timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
			jurisdiction: "DE",
			purposes: { analytics: true },
			source: "api",
			gpc: false,
			policyVersion: "v7",
			previousRecordId: null,
		});
	});

	it("rejects bad limits and cursors", async () => {
		for (const q of ["limit=0", "limit=1001", "limit=abc", "cursor=-1", "cursor=x", "limit=1&limit=2"]) {
			const res = await call(`/v1/subjects/user:1/records?${q}`, keyed());
			expect(res.status, q).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
		}
	});

	it("need a key", async () => {
		for (const [path, method] of [
			["/v1/subjects/user:1/records", "GET"],
			["/v1/subjects/user:1/export", "GET"],
			["/v1/subjects/user:1", "DELETE"],
		] as const) {
			expect((await call(path, { method })).status).toBe(401);
			expect((await call(path, { method, headers: { Authorization: "Bearer nope" } })).status).toBe(401);
		}
	});

	it("export returns every stored datum; erasure falls back to defaults and leaves a tombstone", async () => {
		const subject = "user:erase";
		await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json({ subject, purposes: { ads: false, analytics: true }, email: "Someone@Example.com" }),
			}),
		);
		const exported = await (await call(`/v1/subjects/${subject}/export`, keyed())).json<{
			state: Record<string, unknown>;
			records: unknown[];
		}>();
		expect(exported.state).toMatchObject({
			version: 1,
			purposes: { ads: false, analytics: true },
			emailLinked: true,
		});
		expect(exported.records).toHaveLength(1);
		expect(JSON.stringify(exported)).not.toContain("omeone@");

		const del = await call(`/v1/subjects/${subject}`, keyed({ method: "DELETE" }));
		expect(del.status).toBe(204);
		expect(await del.text()).toBe("");
		const after = await (await call(`/v1/consent?subject=${subject}`, keyed({ cf: CA }))).json<{
			purposes: Record<string, boolean>;
			reasons: Record<string, string>;
			version: number;
		}>();
		expect(after.purposes.ads).toBe(true);
		expect(after.reasons.ads).toBe("default");
		expect(after.version).toBe(0);
		expect(await countRecords(subject)).toBe(0);
		const tombstones = await env.DB.prepare("SELECT opted_out, record_count FROM erasures").all<{
			opted_out: string;
			record_count: number;
		}>();
		expect(tombstones.results).toContainEqual({ opted_out: '["ads"]', record_count: 1 });
		const raw = await env.DB.prepare("SELECT * FROM erasures").all();
		expect(JSON.stringify(raw.results)).not.toContain(subject);
	});
});

describe("routing", () => {
	it("answers a wrong method with 405 and Allow", async () => {
		const res = await call("/v1/consent", { method: "DELETE" });
		expect(res.status).toBe(405);
		expect(res.headers.get("Allow")).toBe("GET, PUT, HEAD, OPTIONS");
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("method_not_allowed");
		const check = await call("/v1/check?purpose=ads", { method: "POST" });
		expect(check.status).toBe(405);
		expect(check.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
	});

	it("routes a trailing slash like the path without it, and patterns as well as exact paths", async () => {
		const slash = await call("/v1/check/?purpose=ads", { headers: { "Sec-GPC": "1" } });
		expect(slash.status).toBe(200);
		expect(await slash.json()).toMatchObject({ purpose: "ads", allowed: false });
		const records = await call("/v1/subjects/nobody/records", { method: "POST" });
		expect(records.status).toBe(405);
		expect(records.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
		const unknownUnderPattern = await call("/v1/subjects/nobody/elsewhere");
		expect(unknownUnderPattern.status).toBe(404);
	});

	it("answers unknown paths with the JSON 404", async () => {
		const res = await call("/v1/nope");
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
	});

	it("serves gpc.json identically with and without the signal", async () => {
		const a = await call("/.well-known/gpc.json");
		const b = await call("/.well-known/gpc.json", { headers: { "Sec-GPC": "1" } });
		expect(a.status).toBe(200);
		expect(a.headers.get("Content-Type")).toBe("application/json");
		expect(a.headers.get("Cache-Control")).toMatch(/public, max-age=\d+/);
		const body = await a.text();
		expect(body).toBe(await b.text());
		expect(JSON.parse(body)).toEqual({ gpc: true, lastUpdate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
	});
});

describe("CORS", () => {
	it("grants credentials only to allowed origins", async () => {
		const own = await call("/v1/consent", { headers: { Origin: BASE } });
		expect(own.headers.get("Access-Control-Allow-Origin")).toBe(BASE);
		expect(own.headers.get("Access-Control-Allow-Credentials")).toBe("true");
		const foreign = await call("/v1/consent", { headers: { Origin: "https://evil.example" } });
		expect(foreign.headers.get("Access-Control-Allow-Origin")).toBeNull();
		const pre = await call("/v1/consent", {
			method: "OPTIONS",
			headers: { Origin: BASE, "Access-Control-Request-Method": "PUT" },
		});
		expect(pre.status).toBe(204);
		expect(pre.headers.get("Access-Control-Allow-Methods")).toContain("PUT");
		const preForeign = await call("/v1/consent", {
			method: "OPTIONS",
			headers: { Origin: "https://evil.example" },
		});
		expect(preForeign.headers.get("Access-Control-Allow-Origin")).toBeNull();
	});

	it("lets a page on another origin send X-Debug-Geo under DEBUG_GEO only (its preflight allows it)", async () => {
		const { callWithEnv, envWith } = await import("../helpers");
		const preflight = {
			method: "OPTIONS",
			headers: {
				Origin: BASE,
				"Access-Control-Request-Method": "GET",
				"Access-Control-Request-Headers": "x-debug-geo",
			},
		};
		const debug = await call("/v1/consent", preflight);
		expect(debug.headers.get("Access-Control-Allow-Headers")).toContain("X-Debug-Geo");
		const publicDebug = await call("/v1/check", {
			...preflight,
			headers: { ...preflight.headers, Origin: "https://ads.example" },
		});
		expect(publicDebug.headers.get("Access-Control-Allow-Origin")).toBe("*");
		expect(publicDebug.headers.get("Access-Control-Allow-Headers")).toBe("X-Debug-Geo");
		const deployed = envWith({ DEBUG_GEO: "false" } as Partial<Env>);
		const plain = await callWithEnv(deployed, "/v1/consent", preflight);
		expect(plain.headers.get("Access-Control-Allow-Origin")).toBe(BASE);
		expect(plain.headers.get("Access-Control-Allow-Headers")).not.toContain("X-Debug-Geo");
		const publicPlain = await callWithEnv(deployed, "/v1/check", {
			...preflight,
			headers: { ...preflight.headers, Origin: "https://ads.example" },
		});
		expect(publicPlain.headers.get("Access-Control-Allow-Headers")).toBeNull();
	});

	it("lets any page read /v1/check without credentials", async () => {
		const res = await call("/v1/check?purpose=ads", { headers: { Origin: "https://ads.example" } });
		expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
		expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
	});
});

describe("key rotation", () => {
	it("accepts ADMIN_API_KEY_PREVIOUS during a rotation window, and nothing else", async () => {
		const { callWithEnv, envWith } = await import("../helpers");
		const rotating = envWith({
			ADMIN_API_KEY: "new-admin-key",
			ADMIN_API_KEY_PREVIOUS: "old-admin-key",
		} as Partial<Env>);
		for (const [key, status] of [
			["new-admin-key", 200],
			["old-admin-key", 200],
			["test-admin-key-0123456789abcdef0123", 401],
		] as const) {
			const res = await callWithEnv(rotating, "/v1/consent?subject=user:rot", keyed({}, key));
			expect(res.status, key).toBe(status);
		}
	});
});
