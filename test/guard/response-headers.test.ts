/** Header helpers for guarded pages: HTML detection, Permissions-Policy, Cache-Control, Vary, labels. */
import { describe, expect, it } from "vitest";
import {
	isHtml,
	isXhtml,
	labelValue,
	mergePermissionsPolicy,
	mergeVary,
	privateCacheControl,
} from "../../workers/guard/response-headers";

describe("response header helpers", () => {
	it("isHtml: text/html and application/xhtml+xml only, parameters and case aside", () => {
		expect(isHtml("text/html")).toBe(true);
		expect(isHtml("Text/HTML; charset=UTF-8")).toBe(true);
		expect(isHtml("application/xhtml+xml")).toBe(true);
		for (const other of [null, "", "text/plain", "application/json", "text/htmlx", "image/svg+xml"]) {
			expect(isHtml(other)).toBe(false);
		}
	});

	it("isXhtml: application/xhtml+xml alone, parameters and case aside", () => {
		expect(isXhtml("application/xhtml+xml")).toBe(true);
		expect(isXhtml(" Application/XHTML+XML ; charset=utf-8")).toBe(true);
		for (const other of ["", "text/html", "application/xml", "application/xhtml+xmlx", "image/svg+xml"]) {
			expect(isXhtml(other)).toBe(false);
		}
	});

	it("mergePermissionsPolicy replaces our two features and keeps the site's others", () => {
		expect(mergePermissionsPolicy(null)).toBe("browsing-topics=(), attribution-reporting=()");
		expect(mergePermissionsPolicy("camera=(), browsing-topics=*, Attribution-Reporting=(self)")).toBe(
			"camera=(), browsing-topics=(), attribution-reporting=()",
		);
	});

	it("privateCacheControl makes any cache entry private", () => {
		expect(privateCacheControl(null)).toBe("private");
		expect(privateCacheControl("public, max-age=60, s-maxage=600, stale-while-revalidate=30")).toBe(
			"private, max-age=60, stale-while-revalidate=30",
		);
		expect(privateCacheControl("no-store")).toBe("private, no-store");
		expect(privateCacheControl('private="Set-Cookie", no-cache')).toBe("private, no-cache");
	});

	it("mergeVary adds what is missing, case-insensitively, and keeps *", () => {
		expect(mergeVary(null, ["Cookie", "Sec-GPC"])).toBe("Cookie, Sec-GPC");
		expect(mergeVary("Accept-Encoding, cookie", ["Cookie", "Sec-GPC"])).toBe(
			"Accept-Encoding, cookie, Sec-GPC",
		);
		expect(mergeVary("*", ["Cookie"])).toBe("*");
	});

	it("labelValue joins the labels in a fixed order", () => {
		expect(labelValue({ stripped: true, blocked: true, rewritten: true, private: false })).toBe(
			"stripped, blocked, rewritten",
		);
		expect(labelValue({ stripped: false, blocked: true, rewritten: false, private: false })).toBe("blocked");
		expect(labelValue({ stripped: false, blocked: true, rewritten: false, private: true })).toBe(
			"blocked, private",
		);
	});
});
