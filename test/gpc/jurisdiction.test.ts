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

	it("honours X-Debug-Geo only under DEBUG_GEO", () => {
		const r = req({ "X-Debug-Geo": "de" }, { country: "US", regionCode: "TX" });
		expect(requestJurisdiction(r, "true")).toBe("DE");
		expect(requestJurisdiction(r, "false")).toBe("US-TX");
		expect(requestJurisdiction(r, undefined)).toBe("US-TX");
	});

	it("ignores malformed overrides", () => {
		expect(requestJurisdiction(req({ "X-Debug-Geo": "Germany" }, { country: "JP" }), "true")).toBe("JP");
		expect(requestJurisdiction(req({ "X-Debug-Geo": "US-CA" }), "true")).toBe("US-CA");
	});
});
