/**
 * CORS answers that depend on `Origin` say so in `Vary` when a shared cache may store them, and the
 * `*.` wildcard of ALLOWED_ORIGINS matches only real host names.
 */
import { describe, expect, it } from "vitest";
import { originMatches, parseOriginPatterns } from "../../workers/config/settings";
import { callWithEnv, envWith } from "../helpers";

const allowing = () => envWith({ ALLOWED_ORIGINS: "https://*.partner.example" } as Partial<Env>);

function varyNames(res: Response): string[] {
	return (res.headers.get("Vary") ?? "").split(",").map((name) => name.trim().toLowerCase());
}

describe("CORS and caches", () => {
	it("/consent.js, cacheable, varies on Origin whatever the Origin", async () => {
		const env = allowing();
		const origins = [undefined, "https://unlisted.example", "https://shop.partner.example"];
		for (const origin of origins) {
			const res = await callWithEnv(env, "/consent.js", origin ? { headers: { Origin: origin } } : {});
			expect(res.status).toBe(200);
			expect(res.headers.get("Cache-Control")).toMatch(/public/);
			expect(varyNames(res)).toContain("origin");
			// Named once, even when the answer is a credentialed one.
			expect(varyNames(res).filter((name) => name === "origin")).toHaveLength(1);
		}
	});

	it("a 304 for /consent.js varies on Origin too", async () => {
		const env = allowing();
		const first = await callWithEnv(env, "/consent.js");
		const etag = first.headers.get("ETag") ?? "";
		const res = await callWithEnv(env, "/consent.js", { headers: { "If-None-Match": etag } });
		expect(res.status).toBe(304);
		expect(varyNames(res)).toContain("origin");
	});
});

describe("ALLOWED_ORIGINS wildcards", () => {
	const patterns = parseOriginPatterns("https://*.partner.example");

	it("match subdomains", () => {
		expect(originMatches("https://shop.partner.example", patterns)).toBe(true);
		expect(originMatches("https://a.b.partner.example", patterns)).toBe(true);
	});

	it("never match an origin whose host is not a host name", () => {
		for (const origin of [
			"https://evil.test?.partner.example",
			"https://evil.test#.partner.example",
			"https://evil.test\\x.partner.example",
			"https://evil.test%2f.partner.example",
			"https://evil.test x.partner.example",
			"https://evil.test:443.partner.example",
			"https://..partner.example",
		]) {
			expect(originMatches(origin, patterns), origin).toBe(false);
		}
	});
});
