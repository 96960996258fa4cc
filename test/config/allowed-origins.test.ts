/**
 * ALLOWED_ORIGINS as site owners edit it: a browser's Origin is always `scheme://host[:port]`, with
 * no path and no default port. An entry written as a host (as PUBLIC_BASE_URL may be), with a path
 * or with the default port named no browser's Origin, so every write from that site was a 403 (the
 * banner's Reject all included) while the setting looked right.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { originMatches, parseOriginPatterns } from "../../workers/config/settings";
import { callWithEnv, envWith, json, keyed } from "../helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

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

/**
 * `*` is what people type for "any origin", but ALLOWED_ORIGINS grants credentialed CORS answers
 * (a visitor's decision, their subject hash) and passes the CSRF Origin check for cookie writes: any
 * origin there would let every site read and change every visitor's choices. So it grants nothing,
 * and no longer quietly: the var is named in the log and by /v1/health, and its usable entries apply.
 */
describe("ALLOWED_ORIGINS with a bare wildcard", () => {
	const visitorWrite = (testEnv: Env, origin: string) =>
		callWithEnv(testEnv, "/v1/consent", {
			method: "PUT",
			cf: { country: "DE" },
			...json(
				{ purposes: { ads: true } },
				{ headers: { Origin: origin, Cookie: "ce_vid=allowedOriginStar_0123456" } },
			),
		});

	for (const value of ["*", "https://*", "shop.example, *", "https://*.*.example.com"]) {
		it(`${JSON.stringify(value)} is named at start-up and by /v1/health, and lets no other site in`, async () => {
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			const testEnv = envWith({ ALLOWED_ORIGINS: value } as Partial<Env>);
			const probe = await callWithEnv(testEnv, "/v1/health");
			expect(probe.status).toBe(200);
			expect(await probe.json()).toEqual({ status: "ok", failing: ["config"] });
			const admin = await callWithEnv(testEnv, "/v1/health", keyed());
			const body = await admin.json<{ checks: { config: { invalid: string[] } } }>();
			expect(body.checks.config.invalid).toEqual(["ALLOWED_ORIGINS"]);
			const logged = errors.mock.calls
				.map((args) => String(args[0]))
				.filter((l) => l.includes("ALLOWED_ORIGINS"));
			expect(logged).toHaveLength(1);

			const write = await visitorWrite(testEnv, "https://evil.example");
			expect(write.status).toBe(403);
			expect(write.headers.get("Access-Control-Allow-Origin")).toBeNull();
			const read = await callWithEnv(testEnv, "/v1/consent", {
				headers: { Origin: "https://evil.example", Cookie: "ce_vid=allowedOriginStar_0123456" },
			});
			expect(read.headers.get("Access-Control-Allow-Origin")).toBeNull();
			expect(read.headers.get("Access-Control-Allow-Credentials")).toBeNull();
		});
	}

	it("the usable entries beside it still apply", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		const res = await visitorWrite(
			envWith({ ALLOWED_ORIGINS: "shop.example, *" } as Partial<Env>),
			"https://shop.example",
		);
		expect(res.status).toBe(200);
		expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://shop.example");
	});

	it("a `*.` wildcard and plain entries are no finding", async () => {
		const testEnv = envWith({
			ALLOWED_ORIGINS: "https://*.example.com, shop.example, http://localhost:8080",
		} as Partial<Env>);
		const admin = await callWithEnv(testEnv, "/v1/health", keyed());
		const body = await admin.json<{ checks: { config: { invalid: string[] } } }>();
		expect(body.checks.config.invalid).toEqual([]);
	});
});

/**
 * A `*.` wildcard over a public suffix (`*.com`, `*.co.uk`, `*.github.io`) covers every site anyone
 * can register under it: as much "any origin" as `*` for the sites there, so it is refused the same
 * way. The suffixes known are a partial built-in guess (guard/public-suffix.ts), not the whole list.
 */
describe("ALLOWED_ORIGINS with a wildcard over a public suffix", () => {
	const cases: readonly (readonly [string, string])[] = [
		["https://*.com", "https://evil.com"],
		["*.co.uk", "https://evil.co.uk"],
		["https://*.co.jp", "https://evil.co.jp"],
		["*.ne.jp", "https://evil.ne.jp"],
		["*.or.jp", "https://evil.or.jp"],
		["*.com.au", "https://evil.com.au"],
		["*.com.br", "https://evil.com.br"],
		["*.co.in", "https://evil.co.in"],
		["*.github.io", "https://evil.github.io"],
		["*.tokyo.jp", "https://evil.tokyo.jp"],
		["https://*.osaka.jp", "https://evil.osaka.jp"],
		["*.lg.jp", "https://evil.lg.jp"],
		["*.gr.jp", "https://evil.gr.jp"],
		["*.myshopify.com", "https://evil.myshopify.com"],
		["*.r2.dev", "https://evil.r2.dev"],
		["*.workers.dev", "https://evil.workers.dev"],
		["https://*.com:443", "https://evil.com"],
		["http://*.localhost:8080", "http://evil.localhost:8080"],
		// A trailing dot names the same suffix: `https://evil.com.` is a host its owner serves.
		["https://*.com.", "https://evil.com."],
		["shop.example, *.CO.UK", "https://evil.co.uk"],
	];
	for (const [value, origin] of cases) {
		it(`${JSON.stringify(value)} is named at start-up and by /v1/health, and lets ${origin} in neither to write nor to read`, async () => {
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			const testEnv = envWith({ ALLOWED_ORIGINS: value } as Partial<Env>);
			const probe = await callWithEnv(testEnv, "/v1/health");
			expect(probe.status).toBe(200);
			expect(await probe.json()).toEqual({ status: "ok", failing: ["config"] });
			const admin = await callWithEnv(testEnv, "/v1/health", keyed());
			const body = await admin.json<{ checks: { config: { invalid: string[] } } }>();
			expect(body.checks.config.invalid).toEqual(["ALLOWED_ORIGINS"]);
			const logged = errors.mock.calls
				.map((args) => String(args[0]))
				.filter((l) => l.includes("ALLOWED_ORIGINS"));
			expect(logged).toHaveLength(1);

			const write = await callWithEnv(testEnv, "/v1/consent", {
				method: "PUT",
				cf: { country: "DE" },
				...json(
					{ purposes: { ads: true } },
					{ headers: { Origin: origin, Cookie: "ce_vid=allowedOriginSuffix_012345" } },
				),
			});
			expect(write.status).toBe(403);
			expect(write.headers.get("Access-Control-Allow-Origin")).toBeNull();
			const read = await callWithEnv(testEnv, "/v1/consent", {
				headers: { Origin: origin, Cookie: "ce_vid=allowedOriginSuffix_012345" },
			});
			expect(read.headers.get("Access-Control-Allow-Origin")).toBeNull();
		});
	}

	it("a wildcard one label below a public suffix is no finding and covers that site's hosts", async () => {
		const value =
			"*.example.com, *.example.co.uk, https://*.shop.co.jp, *.my-site.github.io, *.example.tokyo.jp, *.ne.ch";
		expect(
			(
				await (
					await callWithEnv(envWith({ ALLOWED_ORIGINS: value } as Partial<Env>), "/v1/health", keyed())
				).json<{
					checks: { config: { invalid: string[] } };
				}>()
			).checks.config.invalid,
		).toEqual([]);
		const patterns = parseOriginPatterns(value);
		for (const origin of [
			"https://www.example.com",
			"https://www.example.co.uk",
			"https://a.shop.co.jp",
			"https://preview.my-site.github.io",
			"https://www.example.tokyo.jp",
			"https://www.ne.ch",
		]) {
			expect(originMatches(origin, patterns), origin).toBe(true);
		}
		for (const origin of ["https://evil.com", "https://evil.co.uk", "https://evil.github.io"]) {
			expect(originMatches(origin, patterns), origin).toBe(false);
		}
	});

	it("the usable entries beside it still apply", () => {
		const patterns = parseOriginPatterns("*.co.uk, shop.example");
		expect(originMatches("https://shop.example", patterns)).toBe(true);
		expect(originMatches("https://evil.co.uk", patterns)).toBe(false);
	});
});
