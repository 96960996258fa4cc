import { describe, expect, it } from "vitest";
import { cookieHeader, parseCookies, requestCookies } from "../../workers/http/cookies";

const withCookie = (cookie: string | null) =>
	new Request("https://example.com/", cookie === null ? {} : { headers: { Cookie: cookie } });

describe("a request's cookies", () => {
	it("are each request's own, though the header is read from the runtime once per request", () => {
		const a = withCookie("ce_vid=aaaaaaaaaaaaaaaaaaaaaa; lang=ja");
		const b = withCookie("ce_vid=bbbbbbbbbbbbbbbbbbbbbb");
		const none = withCookie(null);
		expect(requestCookies(a).get("ce_vid")).toBe("aaaaaaaaaaaaaaaaaaaaaa");
		expect(requestCookies(b).get("ce_vid")).toBe("bbbbbbbbbbbbbbbbbbbbbb");
		expect(requestCookies(a).get("lang")).toBe("ja");
		expect(requestCookies(none).size).toBe(0);
		expect(cookieHeader(none)).toBeNull();

		// The second read of the same request does not ask the runtime again.
		let reads = 0;
		const counted = withCookie("x=1");
		const get = counted.headers.get.bind(counted.headers);
		counted.headers.get = (name: string) => {
			reads++;
			return get(name);
		};
		expect(cookieHeader(counted)).toBe("x=1");
		expect(cookieHeader(counted)).toBe("x=1");
		expect(requestCookies(counted).get("x")).toBe("1");
		expect(reads).toBe(1);
	});

	it("keep the first of a repeated name and skip parts without a value", () => {
		const cookies = parseCookies("a=1; junk; a=2; b = two words ");
		expect([...cookies]).toEqual([
			["a", "1"],
			["b", "two words"],
		]);
	});
});
