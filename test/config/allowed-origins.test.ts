/**
 * ALLOWED_ORIGINS as site owners edit it: a browser's Origin is always `scheme://host[:port]`, with
 * no path and no default port. An entry written as a host (as PUBLIC_BASE_URL may be), with a path
 * or with the default port named no browser's Origin, so every write from that site was a 403 (the
 * banner's Reject all included) while the setting looked right.
 */
import { describe, expect, it } from "vitest";
import { originMatches, parseOriginPatterns } from "../../workers/config/settings";
import { callWithEnv, envWith, json } from "../helpers";

describe("ALLOWED_ORIGINS entries", () => {
	it("written as a host, with a path or with the default port, match the site's Origin", () => {
		const patterns = parseOriginPatterns(
			"shop.example, https://blog.example/en/, https://docs.example:443, *.partner.example, http://local.example:80/",
		);
		for (const origin of [
			"https://shop.example",
			"https://blog.example",
			"https://docs.example",
			"https://a.partner.example",
			"http://local.example",
		]) {
			expect(originMatches(origin, patterns), origin).toBe(true);
		}
		// A host means its https origin only; other ports stay other origins.
		for (const origin of ["http://shop.example", "https://shop.example:8443", "http://a.partner.example"]) {
			expect(originMatches(origin, patterns), origin).toBe(false);
		}
	});

	it("a `*.` wildcard covers subdomains, not the domain itself", () => {
		const patterns = parseOriginPatterns("https://*.example.com");
		expect(originMatches("https://www.example.com", patterns)).toBe(true);
		expect(originMatches("https://example.com", patterns)).toBe(false);
	});

	it("a visitor's write from a site listed as a host is accepted", async () => {
		const testEnv = envWith({ ALLOWED_ORIGINS: "shop.example" } as Partial<Env>);
		const res = await callWithEnv(testEnv, "/v1/consent", {
			method: "PUT",
			cf: { country: "DE" },
			...json(
				{ purposes: { ads: false } },
				{ headers: { Origin: "https://shop.example", Cookie: "ce_vid=allowedOriginHost_012345" } },
			),
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://shop.example");
	});
});
