import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cookieValue, parseCookies, requestCookie } from "../../workers/http/cookies";
import { cookieHeader } from "../../workers/http/request-inputs";

const withCookie = (cookie: string | null) =>
	new Request("https://example.com/", cookie === null ? {} : { headers: { Cookie: cookie } });

describe("a request's cookies", () => {
	it("are each request's own", () => {
		const a = withCookie("ce_vid=aaaaaaaaaaaaaaaaaaaaaa; lang=ja");
		const b = withCookie("ce_vid=bbbbbbbbbbbbbbbbbbbbbb");
		const none = withCookie(null);
		expect(requestCookie(a, "ce_vid")).toBe("aaaaaaaaaaaaaaaaaaaaaa");
		expect(requestCookie(b, "ce_vid")).toBe("bbbbbbbbbbbbbbbbbbbbbb");
		expect(requestCookie(a, "lang")).toBe("ja");
		expect(requestCookie(b, "lang")).toBeUndefined();
		expect(requestCookie(none, "ce_vid")).toBeUndefined();
		expect(cookieHeader(none)).toBeNull();
	});

	it("keep the first of a repeated name and skip parts without a value", () => {
		const cookies = parseCookies("a=1; junk; a=2; b = two words ");
		expect([...cookies]).toEqual([
			["a", "1"],
			["b", "two words"],
		]);
	});

	it("are found by name as the full parse finds them, however the header is written", () => {
		expect(cookieValue("xce_vid=1; ce_vid=2", "ce_vid")).toBe("2");
		expect(cookieValue("a=ce_vid=1; ce_vid=2", "ce_vid")).toBe("2");
		expect(cookieValue(" ce_vid =1;ce_vid=2", "ce_vid")).toBe("1");
		expect(cookieValue("ce_vid= 3 ;x=1", "ce_vid")).toBe("3");
		expect(cookieValue("ce_vid", "ce_vid")).toBeUndefined();
		// Headers built from the pieces that make parsing hard: names that contain the wanted one,
		// spaces and tabs around names and values, `=` in values, empty and valueless pairs.
		const piece = fc.constantFrom("ce_vid", "ce_vi", "xce_vid", "ce_vidx", "=", ";", " ", "\t", "1", "a", "");
		const header = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(""));
		const name = fc.constantFrom("ce_vid", "ce_vi", "a", "1");
		fc.assert(
			fc.property(header, name, (h, n) => {
				expect(cookieValue(h, n)).toBe(parseCookies(h).get(n));
			}),
			{ numRuns: 5000 },
		);
	});
});
