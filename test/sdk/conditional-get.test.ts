/** If-None-Match matching for the SDK's ETag. */
import { describe, expect, it } from "vitest";
import { ifNoneMatchMatches } from "../../workers/sdk/conditional-get";

describe("ifNoneMatchMatches", () => {
	const etag = '"abc"';
	it.each([
		['"abc"', true],
		['W/"abc"', true],
		[' "x" , "abc" ', true],
		["*", true],
		['"abcd"', false],
		['"ab"', false],
		["abc", false],
		["", false],
	])("%j → %s", (header, expected) => {
		expect(ifNoneMatchMatches(header, etag)).toBe(expected);
	});

	it("is false without the header", () => {
		expect(ifNoneMatchMatches(null, etag)).toBe(false);
	});
});
