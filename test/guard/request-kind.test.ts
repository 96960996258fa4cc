/** Fetch Metadata: what counts as a navigation (redirected) and as a document request. */
import { describe, expect, it } from "vitest";
import { isDocumentRequest, isNavigation } from "../../workers/guard/request-kind";

function request(method: string, headers: Record<string, string> = {}): Request {
	return new Request("https://shop.example/x", { method, headers });
}

describe("isNavigation", () => {
	it("GET or HEAD in navigate mode, or a GET with no Fetch Metadata", () => {
		expect(isNavigation(request("GET", { "Sec-Fetch-Mode": "navigate" }))).toBe(true);
		expect(isNavigation(request("HEAD", { "Sec-Fetch-Mode": "navigate" }))).toBe(true);
		expect(isNavigation(request("GET"))).toBe(true);
		expect(isNavigation(request("HEAD"))).toBe(false);
		expect(isNavigation(request("POST", { "Sec-Fetch-Mode": "navigate" }))).toBe(false);
		expect(isNavigation(request("GET", { "Sec-Fetch-Mode": "no-cors" }))).toBe(false);
		expect(isNavigation(request("GET", { "Sec-Fetch-Dest": "image" }))).toBe(false);
		expect(isNavigation(request("GET", { "Sec-Fetch-Site": "same-origin" }))).toBe(false);
	});
});

describe("isDocumentRequest", () => {
	it("navigations, frames, and metadata-less requests that accept HTML", () => {
		expect(isDocumentRequest(request("GET", { "Sec-Fetch-Mode": "navigate" }))).toBe(true);
		expect(isDocumentRequest(request("GET", { "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "iframe" }))).toBe(
			true,
		);
		expect(isDocumentRequest(request("GET", { Accept: "text/html,application/xhtml+xml" }))).toBe(true);
		expect(isDocumentRequest(request("GET", { Accept: "image/avif,image/*" }))).toBe(false);
		expect(isDocumentRequest(request("GET"))).toBe(false);
		expect(isDocumentRequest(request("GET", { "Sec-Fetch-Dest": "script", Accept: "text/html" }))).toBe(
			false,
		);
	});
});
