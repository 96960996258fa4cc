/** joinable and joinPatterns: which patterns may be tried as one alternation, and the join itself. */
import { describe, expect, it } from "vitest";
import { joinable, joinPatterns } from "../../workers/guard/joined-patterns";

describe("joinable", () => {
	it("takes plain patterns, lookarounds and non-capturing groups", () => {
		for (const pattern of [/\/g\/collect$/, /(?:^|\/)tr\/?$/, /(?<=a)b/, /(?<!a)b/, /(?=x)\bfoo\b/])
			expect(joinable(pattern)).toBe(true);
	});

	it("refuses flags, backreferences and named groups, which a join would change", () => {
		for (const pattern of [/track/i, /a/g, /(a)\1/, /(?<id>a)\k<id>/, /(?<id>a)b/])
			expect(joinable(pattern)).toBe(false);
	});
});

describe("joinPatterns", () => {
	it("matches wherever one of its patterns does, anchors kept per pattern", () => {
		const joined = joinPatterns([/^\/cdn-cgi\//, /\/collect$/, /\bfbq\(/]);
		for (const text of ["/cdn-cgi/rum", "/g/collect", "x; fbq(1)"]) expect(joined.test(text)).toBe(true);
		for (const text of ["/a/cdn-cgi/", "/collect/x", "xfbq("]) expect(joined.test(text)).toBe(false);
	});

	it("joins nothing into a pattern that matches nothing", () => {
		expect(joinPatterns([]).test("")).toBe(false);
		expect(joinPatterns([]).test("anything")).toBe(false);
	});
});
