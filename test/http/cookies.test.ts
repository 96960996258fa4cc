import { describe, expect, it } from "vitest";
import { parseCookies, requestCookies } from "../../workers/http/cookies";
import { cookieHeader } from "../../workers/http/request-inputs";

const withCookie = (cookie: string | null) =>
	new Request("https://example.com/", cookie === null ? {} : { headers: { Cookie: cookie } });

describe("a request's cookies", () => {
	it("are each request's own", () => {
		const a = withCookie("ce_vid=aaaaaaaaaaaaaaaaaaaaaa; lang=ja");
		const b = withCookie("ce_vid=bbbbbbbbbbbbbbbbbbbbbb");
		const none = withCookie(null);
		expect(requestCookies(a).get("ce_vid")).toBe("aaaaaaaaaaaaaaaaaaaaaa");
		expect(requestCookies(b).get("ce_vid")).toBe("bbbbbbbbbbbbbbbbbbbbbb");
		expect(requestCookies(a).get("lang")).toBe("ja");
		expect(requestCookies(none).size).toBe(0);
		expect(cookieHeader(none)).toBeNull();
	});

	it("keep the first of a repeated name and skip parts without a value", () => {
		const cookies = parseCookies("a=1; junk; a=2; b = two words ");
		expect([...cookies]).toEqual([
			["a", "1"],
			["b", "two words"],
		]);
	});
});
