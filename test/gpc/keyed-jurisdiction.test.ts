/**
 * A server-to-server call runs where the calling server is: its `request.cf` is a data centre's, not
 * the person's. `?jurisdiction=` on a keyed call says where the person is, so a US backend asking about
 * a person in Germany gets Germany's opt-in defaults, prompt, Consent Mode and (no) GPP, and its
 * writes are recorded with that jurisdiction. Visitors cannot move themselves; malformed is a 400.
 */

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, json, keyed } from "../helpers";

const BACKEND = { country: "US", regionCode: "VA" };

interface Doc {
	jurisdiction: string;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	prompt: boolean;
	consentMode: Record<string, string>;
	gpp: string;
	gppSid: number[];
}

async function records(subject: string): Promise<{ jurisdiction: string; source: string }[]> {
	const res = await call(`/v1/subjects/${subject}/records`, keyed());
	return (await res.json<{ records: { jurisdiction: string; source: string }[] }>()).records;
}

describe("a keyed call's ?jurisdiction=", () => {
	it("decides a lookup where the person is, not where the backend is", async () => {
		const res = await call("/v1/consent?subject=user:kj-1&jurisdiction=DE", keyed({ cf: BACKEND }));
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc.jurisdiction).toBe("DE");
		expect(doc.purposes).toMatchObject({ analytics: false, ads: false, sale: false });
		expect(doc.reasons.ads).toBe("default");
		expect(doc.prompt).toBe(true);
		expect(doc.consentMode.ad_storage).toBe("denied");
		expect([doc.gpp, doc.gppSid]).toEqual(["", []]);

		const ca = await (
			await call("/v1/consent?subject=user:kj-1&jurisdiction=us-ca", keyed({ cf: { country: "DE" } }))
		).json<Doc>();
		expect(ca.jurisdiction).toBe("US-CA");
		expect(ca.purposes.ads).toBe(true);
		expect(ca.gppSid).toEqual([7]);
	});

	it("decides a keyed check there too", async () => {
		const res = await call("/v1/check?purpose=ads&subject=user:kj-2&jurisdiction=GB", keyed({ cf: BACKEND }));
		expect(await res.json()).toEqual({ purpose: "ads", allowed: false, reason: "default" });
	});

	it("records a keyed write and opt-out with it", async () => {
		const put = await callWithEnv(
			env,
			"/v1/consent?jurisdiction=FR",
			keyed({ method: "PUT", cf: BACKEND, ...json({ subject: "user:kj-3", purposes: { analytics: true } }) }),
		);
		expect(put.status).toBe(200);
		expect((await put.json<Doc>()).jurisdiction).toBe("FR");
		const out = await callWithEnv(
			env,
			"/v1/opt-out?jurisdiction=JP",
			keyed({ method: "POST", cf: BACKEND, ...json({ subject: "user:kj-3" }) }),
		);
		expect(out.status).toBe(200);
		expect((await records("user:kj-3")).map((r) => r.jurisdiction)).toEqual(["JP", "FR"]);
	});

	it.each(["Germany", "", "D", "DE-", "US-CALI", "DE&jurisdiction=FR", "%20DE"])(
		"?jurisdiction=%s is a 400 invalid_query",
		async (value) => {
			const res = await call(`/v1/consent?subject=user:kj-4&jurisdiction=${value}`, keyed({ cf: BACKEND }));
			expect(res.status).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
		},
	);

	it("takes a country's other ISO code as the country: UK is GB, decided opt-in", async () => {
		// `UK` is ISO 3166-1's reserved code for the United Kingdom (GB): read as an unlisted country it
		// got opt-out defaults, every purpose allowed and no prompt for a person in Britain.
		for (const stated of ["UK", "uk", "GB"]) {
			const res = await call(`/v1/consent?subject=user:kj-6&jurisdiction=${stated}`, keyed({ cf: BACKEND }));
			expect(res.status).toBe(200);
			const doc = await res.json<Doc>();
			expect(doc.jurisdiction).toBe("GB");
			expect(doc.purposes).toMatchObject({ analytics: false, ads: false, sale: false });
			expect(doc.prompt).toBe(true);
		}
		const check = await call(
			"/v1/check?purpose=ads&subject=user:kj-6&jurisdiction=UK",
			keyed({ cf: BACKEND }),
		);
		expect(await check.json()).toEqual({ purpose: "ads", allowed: false, reason: "default" });
	});

	// IC (Canary Islands) and EA (Ceuta, Melilla) are Spain's, which request.cf calls ES.
	it.each(["EU", "QQ", "AA", "UN", "EU-DE", "IC", "EA", "TA"])(
		"?jurisdiction=%s, not a country's code, is a 400 invalid_query, not opt-out defaults",
		async (value) => {
			const res = await call(`/v1/consent?subject=user:kj-7&jurisdiction=${value}`, keyed({ cf: BACKEND }));
			expect(res.status).toBe(400);
			const body = await res.json<{ error: { code: string; message: string } }>();
			expect(body.error.code).toBe("invalid_query");
			expect(body.error.message).toContain("jurisdiction");
		},
	);

	it("still reads what request.cf can say: ZZ and XX are unknown (opt-in), a US region is kept", async () => {
		for (const [stated, expected] of [
			["ZZ", "ZZ"],
			["XX", "ZZ"],
			// Tor, as request.cf (and CF-IPCountry, which a backend may forward) says it: a 400 before.
			["T1", "ZZ"],
			["t1", "ZZ"],
			["de", "DE"],
			["US-TX", "US-TX"],
			["JP-13", "JP"],
		]) {
			const res = await call(`/v1/consent?subject=user:kj-8&jurisdiction=${stated}`, keyed({ cf: BACKEND }));
			expect(res.status).toBe(200);
			expect((await res.json<Doc>()).jurisdiction).toBe(expected);
		}
	});

	// ISO 3166-2:US: the 50 states, DC, and the outlying areas with codes of their own.
	const US_REGIONS =
		"AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR UM VI".split(
			" ",
		);

	it("takes every US state, DC and territory as stated, in either case", async () => {
		expect(US_REGIONS).toHaveLength(57);
		for (const region of [...US_REGIONS, "dc", "Ny"]) {
			const res = await call(
				`/v1/consent?subject=user:kj-10&jurisdiction=US-${region}`,
				keyed({ cf: BACKEND }),
			);
			expect(res.status, region).toBe(200);
			expect((await res.json<Doc>()).jurisdiction).toBe(`US-${region.toUpperCase()}`);
		}
	});

	// A made-up state was decided as "US" defaults under a jurisdiction no state has, silently: a
	// caller's typo (or a province sent as a state) never came to light.
	it.each(["US-XX", "US-ZZ", "US-12", "US-C", "us-xx", "US-ON", "US-BC", "US-AA", "US-AE", "US-AP", "US-FM"])(
		"?jurisdiction=%s, no US state or territory, is a 400 invalid_query",
		async (value) => {
			for (const path of [
				`/v1/consent?subject=user:kj-11&jurisdiction=${value}`,
				`/v1/check?purpose=ads&subject=user:kj-11&jurisdiction=${value}`,
			]) {
				const res = await call(path, keyed({ cf: BACKEND }));
				expect(res.status).toBe(400);
				const body = await res.json<{ error: { code: string; message: string } }>();
				expect(body.error.code).toBe("invalid_query");
				expect(body.error.message).toContain("US-<state>");
			}
			const write = await call(
				`/v1/opt-out?jurisdiction=${value}`,
				keyed({ method: "POST", cf: BACKEND, ...json({ subject: "user:kj-11" }) }),
			);
			expect(write.status).toBe(400);
			expect(await records("user:kj-11")).toEqual([]);
		},
	);

	it("reads another country's subdivision as that country (only US states change a decision)", async () => {
		for (const [stated, expected] of [
			["CA-ON", "CA"],
			["CA-QC", "CA"],
			["DE-BY", "DE"],
			["GB-ENG", "GB"],
			["JP-13", "JP"],
		]) {
			const res = await call(`/v1/consent?subject=user:kj-12&jurisdiction=${stated}`, keyed({ cf: BACKEND }));
			expect(res.status, stated).toBe(200);
			expect((await res.json<Doc>()).jurisdiction).toBe(expected);
		}
	});

	it("is part of what an Idempotency-Key stands for: the same key stating another place is a 409", async () => {
		const put = (jurisdiction: string) =>
			call(
				`/v1/consent?jurisdiction=${jurisdiction}`,
				keyed({
					method: "PUT",
					cf: BACKEND,
					...json(
						{ subject: "user:kj-9", purposes: { analytics: true } },
						{ headers: { "Idempotency-Key": "kj-9-key" } },
					),
				}),
			);
		const first = await put("DE");
		expect(first.status).toBe(200);
		expect((await first.json<Doc>()).jurisdiction).toBe("DE");
		// The same request again (the code in another case is the same place) replays its answer.
		const again = await put("de");
		expect(again.status).toBe(200);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		expect((await again.json<Doc>()).jurisdiction).toBe("DE");
		// Another place is another request: replaying Germany's answer to it said what was not asked.
		const elsewhere = await put("US-CA");
		expect(elsewhere.status).toBe(409);
		expect((await elsewhere.json<{ error: { code: string } }>()).error.code).toBe("idempotency_conflict");
		expect((await records("user:kj-9")).map((r) => r.jurisdiction)).toEqual(["DE"]);
	});

	it("reads a code in any case, and refuses padding, lists and a second value, on lookups and checks", async () => {
		for (const stated of ["gb", "Gb", "gB"]) {
			const res = await call(`/v1/consent?subject=user:kj-13&jurisdiction=${stated}`, keyed({ cf: BACKEND }));
			expect((await res.json<Doc>()).jurisdiction).toBe("GB");
		}
		for (const value of [
			"%20GB",
			"GB%20",
			"GB,DE",
			"GB%3BDE",
			"GB%00",
			"%EF%BC%A7%EF%BC%A2",
			"GB&jurisdiction=GB",
			"&jurisdiction=GB",
		]) {
			for (const path of [
				`/v1/consent?subject=user:kj-13&jurisdiction=${value}`,
				`/v1/check?purpose=ads&subject=user:kj-13&jurisdiction=${value}`,
			]) {
				const res = await call(path, keyed({ cf: BACKEND }));
				expect(res.status, path).toBe(400);
				expect(res.headers.get("Content-Type"), path).toContain("application/json");
				expect((await res.json<{ error: { code: string } }>()).error.code, path).toBe("invalid_query");
			}
		}
	});

	it("is ignored on a visitor's calls however it is written: request.cf decides", async () => {
		for (const query of [
			"jurisdiction=GB&jurisdiction=DE",
			"jurisdiction=",
			"jurisdiction=%00",
			"jurisdiction=US-XX",
		]) {
			const doc = await call(`/v1/consent?${query}`, { cf: BACKEND });
			expect(doc.status, query).toBe(200);
			expect((await doc.json<Doc>()).jurisdiction).toBe("US-VA");
			const check = await call(`/v1/check?purpose=ads&${query}`, { cf: BACKEND });
			expect(await check.json(), query).toEqual({ purpose: "ads", allowed: true, reason: "default" });
		}
	});

	it("replays a keyed write stated as the same place in another code, and tells stated from unstated", async () => {
		const put = (query: string, key: string) =>
			call(
				`/v1/consent${query}`,
				keyed({
					method: "PUT",
					cf: BACKEND,
					...json(
						{ subject: "user:kj-14", purposes: { ads: false } },
						{ headers: { "Idempotency-Key": key } },
					),
				}),
			);
		expect((await put("?jurisdiction=UK", "kj-14-a")).status).toBe(200);
		const gb = await put("?jurisdiction=gb", "kj-14-a");
		expect(gb.status).toBe(200);
		expect(gb.headers.get("Idempotent-Replayed")).toBe("true");
		expect((await gb.json<Doc>()).jurisdiction).toBe("GB");
		// Unstated, the call is decided where the backend is: another request than one stated there.
		expect((await put("", "kj-14-b")).status).toBe(200);
		const stated = await put("?jurisdiction=US-VA", "kj-14-b");
		expect(stated.status).toBe(409);
		// A refused place is refused before the key is looked at: the key stays the first request's.
		expect((await put("?jurisdiction=US-XX", "kj-14-a")).status).toBe(400);
		expect((await put("?jurisdiction=GB", "kj-14-a")).headers.get("Idempotent-Replayed")).toBe("true");
		expect((await records("user:kj-14")).map((r) => r.jurisdiction)).toEqual(["GB"]);
	});

	it("leaves a visitor's Idempotency-Key alone: a stated place is ignored there, so the retry replays", async () => {
		const vid = "kj15visitor0123456789abcdef";
		const put = (query: string) =>
			call(`/v1/consent${query}`, {
				method: "PUT",
				cf: BACKEND,
				...json(
					{ purposes: { ads: false } },
					{
						headers: {
							"Idempotency-Key": "kj-15",
							Cookie: `ce_vid=${vid}`,
							Origin: "https://consent.example",
						},
					},
				),
			});
		expect((await put("?jurisdiction=DE")).status).toBe(200);
		const again = await put("?jurisdiction=FR");
		expect(again.status).toBe(200);
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		expect((await again.json<Doc>()).jurisdiction).toBe("US-VA");
	});

	it("a wrong key is still a 401, and a visitor cannot move themselves", async () => {
		const wrong = await call(
			"/v1/consent?subject=user:kj-5&jurisdiction=Germany",
			keyed({ cf: BACKEND }, "wrong-key"),
		);
		expect(wrong.status).toBe(401);
		const visitor = await call("/v1/consent?jurisdiction=DE", { cf: BACKEND });
		expect(visitor.status).toBe(200);
		expect((await visitor.json<Doc>()).jurisdiction).toBe("US-VA");
	});

	it("refuses every near miss of US-<state> on lookups and checks, and reads T1 or XX with a region as ZZ", async () => {
		for (const stated of [
			"US-",
			"-CA",
			"US--CA",
			"US-CA-X",
			"US_CA",
			"USA-CA",
			"US-CAL",
			"US-T1",
			"T1-",
			"US-CA%00",
			"%EF%BC%B5%EF%BC%B3",
			"US-%EF%BC%A3A",
		]) {
			for (const path of ["/v1/consent?subject=user:kj-20", "/v1/check?subject=user:kj-20&purpose=ads"]) {
				const res = await call(`${path}&jurisdiction=${stated}`, keyed({ cf: BACKEND }));
				expect(res.status, `${path} ${stated}`).toBe(400);
				expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
			}
		}
		for (const [stated, read] of [
			["us-ca", "US-CA"],
			["US-ca", "US-CA"],
			["US%2DCA", "US-CA"],
			["T1-CA", "ZZ"],
			["XX-CA", "ZZ"],
		]) {
			const res = await call(`/v1/consent?subject=user:kj-20&jurisdiction=${stated}`, keyed({ cf: BACKEND }));
			expect(res.status, stated).toBe(200);
			expect((await res.json<Doc>()).jurisdiction, stated).toBe(read);
		}
	});

	it("takes an Idempotency-Key's place as read: US-CA and US conflict both ways, CA-ON is CA and T1 is XX", async () => {
		const put = (stated: string, key: string) =>
			call(
				`/v1/consent?jurisdiction=${stated}`,
				keyed({
					method: "PUT",
					cf: BACKEND,
					...json(
						{ subject: "user:kj-21", purposes: { analytics: true } },
						{ headers: { "Idempotency-Key": key } },
					),
				}),
			);
		for (const [first, then, replayed] of [
			["US-CA", "US", false],
			["US", "US-CA", false],
			["CA-ON", "CA", true],
			["T1", "XX", true],
			["T1", "ZZ", true],
		] as const) {
			const key = `kj-21-${first}-${then}`;
			expect((await put(first, key)).status, first).toBe(200);
			const again = await put(then, key);
			expect(again.status, `${first} then ${then}`).toBe(replayed ? 200 : 409);
			expect(again.headers.get("Idempotent-Replayed"), `${first} then ${then}`).toBe(
				replayed ? "true" : null,
			);
		}
	});
});
