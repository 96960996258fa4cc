/** Query values read by scanning agree with splitting the query into a map of first values. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { queryNames, queryValue } from "../../workers/guard/query-values";

/** The obvious reading: split on `&`, skip empty parts, first value of each name wins. */
function firstValues(search: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const part of search.replace(/^\?/, "").split("&")) {
		if (part === "") continue;
		const eq = part.indexOf("=");
		const name = eq === -1 ? part : part.slice(0, eq);
		if (!out.has(name)) out.set(name, eq === -1 ? "" : part.slice(eq + 1));
	}
	return out;
}

const NAMES = ["id", "i", "idx", "v", "tid", "en", "d", ""];

describe("queryValue and queryNames", () => {
	it("agree with a map of first values on any query built of likely names, values and separators", () => {
		const token = fc.constantFrom(...NAMES, "=", "&", "?", "1", "G-ABC", "id=", "%3D", "==");
		const query = fc.array(token, { maxLength: 12 }).map((parts) => parts.join(""));
		fc.assert(
			fc.property(query, fc.constantFrom(...NAMES.filter(Boolean)), (search, name) => {
				const map = firstValues(search);
				expect(queryValue(search, name)).toBe(map.get(name));
				expect(new Set(queryNames(search))).toEqual(new Set(map.keys()));
			}),
			{ numRuns: 2000 },
		);
	});

	it("reads first values, bare names and names that are prefixes of others", () => {
		const search = "?idx=9&id&tid=G-1&id=2&v=";
		expect(queryValue(search, "id")).toBe("");
		expect(queryValue(search, "idx")).toBe("9");
		expect(queryValue(search, "tid")).toBe("G-1");
		expect(queryValue(search, "v")).toBe("");
		expect(queryValue(search, "i")).toBeUndefined();
		expect(queryValue("", "id")).toBeUndefined();
		expect(queryValue("id=1", "id")).toBe("1");
		expect(queryNames(search)).toEqual(["idx", "id", "tid", "id", "v"]);
	});
});
