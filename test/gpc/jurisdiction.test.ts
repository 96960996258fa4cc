import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jurisdictionFromCf, requestJurisdiction } from "../../workers/gpc/jurisdiction";

describe("jurisdictionFromCf", () => {
	it.each([
		[{ country: "US", regionCode: "CA" }, "US-CA"],
		[{ country: "US", regionCode: "co" }, "US-CO"],
		[{ country: "US" }, "US"],
		[{ country: "DE", regionCode: "BE" }, "DE"],
		[{ country: "JP" }, "JP"],
		[{ country: "T1" }, "ZZ"],
		[{ country: "XX" }, "ZZ"],
		[{ country: "" }, "ZZ"],
		[{ country: 42 }, "ZZ"],
		[{}, "ZZ"],
		[undefined, "ZZ"],
	])("%j → %s", (cf, expected) => {
		expect(jurisdictionFromCf(cf)).toBe(expected);
	});
});

describe("requestJurisdiction", () => {
	const req = (headers: Record<string, string>, cf?: object) =>
		new Request("https://x/", { headers, cf } as RequestInit);

	const NOW = Date.UTC(2026, 10, 30, 12);

	it("honours X-Debug-Geo only under DEBUG_GEO", () => {
		const r = req({ "X-Debug-Geo": "de" }, { country: "US", regionCode: "TX" });
		expect(requestJurisdiction(r, "true", NOW)).toBe("DE");
		expect(requestJurisdiction(r, "false", NOW)).toBe("US-TX");
		expect(requestJurisdiction(r, undefined, NOW)).toBe("US-TX");
	});

	it("ignores malformed overrides", () => {
		expect(requestJurisdiction(req({ "X-Debug-Geo": "Germany" }, { country: "JP" }), "true", NOW)).toBe("JP");
		expect(requestJurisdiction(req({ "X-Debug-Geo": "US-CA" }), "true", NOW)).toBe("US-CA");
	});

	it("reads an override as it reads request.cf: Tor and unknown are ZZ, a region only in the US", () => {
		for (const [override, expected] of [
			["T1", "ZZ"],
			["XX", "ZZ"],
			["xx", "ZZ"],
			["XX-YY", "ZZ"],
			["DE-BY", "DE"],
			["US", "US"],
			["us-ca", "US-CA"],
		]) {
			const r = req({ "X-Debug-Geo": override as string }, { country: "US", regionCode: "TX" });
			expect(requestJurisdiction(r, "true", NOW), override).toBe(expected);
		}
	});

	it("answers a Tor override with the opt-in defaults of an unknown location", async () => {
		const res = await exports.default.fetch(
			new Request("https://consent.example/v1/consent", {
				headers: { "X-Debug-Geo": "T1" },
				cf: { country: "US", regionCode: "TX" },
			} as RequestInit),
		);
		const doc = await res.json<{ jurisdiction: string; purposes: Record<string, boolean> }>();
		expect(doc.jurisdiction).toBe("ZZ");
		expect(doc.purposes.ads).toBe(false);
	});

	/** A request whose `cf` says where it is from, counting how often `cf` is read. */
	function located(address: string | null, cf: object) {
		const reads = { count: 0 };
		const headers = new Headers(address === null ? {} : { "CF-Connecting-IP": address });
		const request = {
			headers,
			get cf() {
				reads.count++;
				return cf;
			},
		} as unknown as Request;
		return { request, reads };
	}

	it("remembers an address's location for a minute, without reading request.cf again", () => {
		const first = located("192.0.2.10", { country: "US", regionCode: "CA" });
		expect(requestJurisdiction(first.request, undefined, NOW)).toBe("US-CA");
		expect(first.reads.count).toBe(1);
		// The same address a moment later: Cloudflare located it the same way, so cf is not read.
		const again = located("192.0.2.10", { country: "US", regionCode: "CA" });
		expect(requestJurisdiction(again.request, undefined, NOW + 59_999)).toBe("US-CA");
		expect(again.reads.count).toBe(0);
		// A minute on, the address is located afresh (a geolocation update is seen).
		const later = located("192.0.2.10", { country: "JP" });
		expect(requestJurisdiction(later.request, undefined, NOW + 60_000)).toBe("JP");
		expect(later.reads.count).toBe(1);
		const after = located("192.0.2.10", { country: "US", regionCode: "CA" });
		expect(requestJurisdiction(after.request, undefined, NOW + 60_001)).toBe("JP");
	});

	it("locates each address on its own", () => {
		expect(requestJurisdiction(located("192.0.2.20", { country: "DE" }).request, undefined, NOW)).toBe("DE");
		expect(requestJurisdiction(located("2001:db8::20", { country: "FR" }).request, undefined, NOW)).toBe(
			"FR",
		);
		const other = located("192.0.2.21", { country: "US", regionCode: "TX" });
		expect(requestJurisdiction(other.request, undefined, NOW)).toBe("US-TX");
		expect(other.reads.count).toBe(1);
		expect(requestJurisdiction(located("192.0.2.20", { country: "JP" }).request, undefined, NOW + 1)).toBe(
			"DE",
		);
	});

	it("reads request.cf on every request that names no client address", () => {
		for (const country of ["DE", "JP", "BR"]) {
			const r = located(null, { country });
			expect(requestJurisdiction(r.request, undefined, NOW)).toBe(country);
			expect(r.reads.count).toBe(1);
		}
	});

	it("lets X-Debug-Geo override a remembered location", () => {
		requestJurisdiction(located("192.0.2.30", { country: "DE" }).request, undefined, NOW);
		const r = located("192.0.2.30", { country: "DE" });
		r.request.headers.set("X-Debug-Geo", "US-CO");
		expect(requestJurisdiction(r.request, "true", NOW)).toBe("US-CO");
	});
});

describe("X-Debug-Geo naming no US state (DEBUG_GEO on, as in the tests)", () => {
	it.each(["US-XX", "us-zz", "US-ON", "US-12"])(
		"%s is a 400 invalid_header, on the API and on a page",
		async (geo) => {
			for (const path of ["/v1/consent", "/v1/check?purpose=ads"]) {
				const res = await exports.default.fetch(
					new Request(`https://consent.example${path}`, { headers: { "X-Debug-Geo": geo } }),
				);
				expect(res.status, path).toBe(400);
				const body = await res.json<{ error: { code: string; message: string } }>();
				expect(body.error.code).toBe("invalid_header");
				expect(body.error.message).toContain("US-<state>");
			}
			const page = await exports.default.fetch(
				new Request("https://consent.example/preferences", { headers: { "X-Debug-Geo": geo } }),
			);
			expect(page.status).toBe(400);
			expect(page.headers.get("Content-Type")).toContain("text/html");
		},
	);

	it.each(["EU", "eu-be", "IC", "QQ"])(
		"%s, a code naming no country, is a 400 invalid_header",
		async (geo) => {
			const res = await exports.default.fetch(
				new Request("https://consent.example/v1/consent", { headers: { "X-Debug-Geo": geo } }),
			);
			expect(res.status).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_header");
		},
	);

	// Read as ?jurisdiction= reads a country: `UK` decided as a country of its own got opt-out defaults.
	it.each([
		["UK", "GB"],
		["uk", "GB"],
		["DD", "DE"],
	])("%s is read as the country it names (%s), with its defaults", async (geo, expected) => {
		const res = await exports.default.fetch(
			new Request("https://consent.example/v1/consent", { headers: { "X-Debug-Geo": geo } }),
		);
		expect(res.status).toBe(200);
		const doc = await res.json<{
			jurisdiction: string;
			purposes: Record<string, boolean>;
			prompt: boolean;
		}>();
		expect(doc.jurisdiction).toBe(expected);
		expect(doc.purposes.analytics).toBe(false);
		expect(doc.prompt).toBe(true);
	});

	it.each([
		["US-TX", "US-TX"],
		["US-dc", "US-DC"],
		["US", "US"],
		["DE-BY", "DE"],
	])("%s is still read (%s)", async (geo, expected) => {
		const res = await exports.default.fetch(
			new Request("https://consent.example/v1/consent", { headers: { "X-Debug-Geo": geo } }),
		);
		expect(res.status).toBe(200);
		expect((await res.json<{ jurisdiction: string }>()).jurisdiction).toBe(expected);
	});
});
