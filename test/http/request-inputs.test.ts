import { describe, expect, it } from "vitest";
import {
	authorizationHeader,
	cookieHeader,
	requestMethod,
	requestUrl,
} from "../../workers/http/request-inputs";

/** A request whose URL, method and headers count how often they are read from the runtime. */
function counted(url: string, init: RequestInit = {}) {
	const request = new Request(url, init);
	const reads = { url: 0, method: 0, headers: 0 };
	const { url: realUrl, method: realMethod } = request;
	Object.defineProperty(request, "url", {
		get: () => {
			reads.url++;
			return realUrl;
		},
	});
	Object.defineProperty(request, "method", {
		get: () => {
			reads.method++;
			return realMethod;
		},
	});
	const get = request.headers.get.bind(request.headers);
	request.headers.get = (name: string) => {
		reads.headers++;
		return get(name);
	};
	return { request, reads };
}

describe("a request's inputs", () => {
	it("are read from the runtime once per request", () => {
		const { request, reads } = counted("https://site.example/v1/consent?x=1", {
			method: "PUT",
			headers: { Cookie: "a=1", Authorization: "Bearer k" },
		});
		for (let i = 0; i < 3; i++) {
			expect(requestUrl(request)).toBe("https://site.example/v1/consent?x=1");
			expect(requestMethod(request)).toBe("PUT");
			expect(cookieHeader(request)).toBe("a=1");
			expect(authorizationHeader(request)).toBe("Bearer k");
		}
		expect(reads).toEqual({ url: 1, method: 1, headers: 2 });
	});

	it("are each request's own when requests interleave (as they do across an await)", () => {
		const a = counted("https://site.example/a", { headers: { Cookie: "who=a" } });
		const b = counted("https://site.example/b", { method: "POST" });
		expect(requestUrl(a.request)).toBe("https://site.example/a");
		expect(cookieHeader(a.request)).toBe("who=a");
		expect(requestUrl(b.request)).toBe("https://site.example/b");
		expect(cookieHeader(b.request)).toBeNull();
		expect(authorizationHeader(b.request)).toBeNull();
		expect(requestMethod(b.request)).toBe("POST");
		// Back to the first: read again, never another request's values.
		expect(requestUrl(a.request)).toBe("https://site.example/a");
		expect(cookieHeader(a.request)).toBe("who=a");
		expect(requestMethod(a.request)).toBe("GET");
		expect(a.reads).toEqual({ url: 2, method: 1, headers: 2 });
		// An absent header is remembered as absent, not read again.
		expect(cookieHeader(b.request)).toBeNull();
		expect(cookieHeader(b.request)).toBeNull();
	});
});
