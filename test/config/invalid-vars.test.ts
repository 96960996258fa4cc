/**
 * A var set to a value the worker cannot use (README, "Configuration"). Most fall back to their
 * default, as before, but no longer quietly: each is named once in the log and in GET /v1/health
 * (`config` failing, still 200). A malformed ORIGIN cannot fall back to anything: every proxied path
 * answers 503 `not_configured` naming it (a page for a browser) instead of a 502 blaming the site,
 * and the health check is 503.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN_KEY, callWithEnv, envWith, keyed } from "../helpers";

const HEALTH = "/v1/health";

/** A fresh env object (settings are parsed once per env) with these vars. */
function envSetting(vars: Record<string, string>): Env {
	return envWith(vars as Partial<Env>);
}

interface Health {
	status: string;
	failing?: string[];
	checks?: {
		config?: {
			ok: boolean;
			invalid: string[];
			unboundShards: string[];
			weakKeys: string[];
			exampleKeys: string[];
		};
	};
}

afterEach(() => {
	vi.restoreAllMocks();
});

// Each value is one a site owner might plausibly write, and one the worker does not use.
const INVALID: Record<string, string> = {
	COOKIE_SAMESITE: "Nonee",
	DEBUG_GEO: "yes",
	PUBLIC_BASE_URL: "ftp://consent.example.com",
	CONSENT_LIFETIME_DAYS: "13 months",
	OPT_OUT_HOLD_DAYS: "-1",
	RECORD_RETENTION_DAYS: "0",
	GPC_LAST_UPDATE: "2026-13-01",
	THIRD_PARTY_PROVISION_SINCE: "2026/04/01",
	UNSUBSCRIBE_TOKEN_DAYS: "0",
	GUARD_TIMEOUT_MS: "10s",
	GUARD_KEEP_UTM: "yes",
	GUARD_TRACKER_OVERRIDES: '{"cdn.example.net": "marketing"',
	BRAND_COLOR: "blue",
	// Both were dropped from the pages without a word: no link, no logo, nothing logged.
	PRIVACY_POLICY_URL: "example.com/privacy",
	LOGO_URL: "logo.png",
};

describe("a var set to a value the worker cannot use", () => {
	for (const [name, value] of Object.entries(INVALID)) {
		it(`${name}=${JSON.stringify(value)} is logged once by name and named by /v1/health (still 200)`, async () => {
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			vi.spyOn(console, "warn").mockImplementation(() => undefined);
			const testEnv = envSetting({ [name]: value });
			const probe = await callWithEnv(testEnv, HEALTH);
			expect(probe.status).toBe(200);
			expect(await probe.json()).toEqual({ status: "ok", failing: ["config"] });
			const admin = await callWithEnv(testEnv, HEALTH, keyed());
			const body = await admin.json<Health>();
			expect(body.checks?.config).toEqual({
				ok: false,
				invalid: [name],
				unboundShards: [],
				weakKeys: [],
				exampleKeys: [],
			});
			const logged = errors.mock.calls.map((args) => String(args[0])).filter((line) => line.includes(name));
			expect(logged).toHaveLength(1);
			// The value may be a mistyped secret pasted in the wrong place: never logged.
			expect(logged[0]).not.toContain(value);
		});
	}

	it("empty and documented values are no problem", async () => {
		const testEnv = envSetting({
			COOKIE_SAMESITE: "strict",
			DEBUG_GEO: "false",
			PUBLIC_BASE_URL: "consent.example.com",
			CONSENT_LIFETIME_DAYS: "",
			OPT_OUT_HOLD_DAYS: "0",
			GUARD_TIMEOUT_MS: " 5000 ",
			GUARD_KEEP_UTM: "true",
			GUARD_TRACKER_OVERRIDES: '{"/track": "ads"}',
			BRAND_COLOR: "#0a0",
			THIRD_PARTY_PROVISION_SINCE: "",
			PRIVACY_POLICY_URL: "https://example.com/privacy",
			// On PUBLIC_BASE_URL's origin: the pages there show it.
			LOGO_URL: "https://consent.example.com/logo.svg",
		});
		const res = await callWithEnv(testEnv, HEALTH, keyed({}, ADMIN_KEY));
		expect(res.status).toBe(200);
		const body = await res.json<Health>();
		expect(body.failing).toEqual([]);
		expect(body.checks?.config).toEqual({
			ok: true,
			invalid: [],
			unboundShards: [],
			weakKeys: [],
			exampleKeys: [],
		});
	});
});

describe("a COOKIE_DOMAIN that is a public suffix", () => {
	// Browsers refuse a cookie whose Domain is one: the visitor would get a new id on every request.
	for (const domain of [
		"github.io",
		"co.uk",
		"com",
		".CO.JP",
		"pages.dev",
		"tokyo.jp",
		"lg.jp",
		"myshopify.com",
	]) {
		it(`${JSON.stringify(domain)} is logged once by name and named by /v1/health`, async () => {
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			vi.spyOn(console, "warn").mockImplementation(() => undefined);
			const res = await callWithEnv(envSetting({ COOKIE_DOMAIN: domain }), HEALTH, keyed());
			expect(res.status).toBe(200);
			expect((await res.json<Health>()).checks?.config).toMatchObject({
				ok: false,
				invalid: ["COOKIE_DOMAIN"],
			});
			const logged = errors.mock.calls
				.map((args) => String(args[0]))
				.filter((l) => l.includes("COOKIE_DOMAIN"));
			expect(logged).toHaveLength(1);
		});
	}

	it("a site's own domain under one is no problem", async () => {
		for (const domain of [
			"example.com",
			".example.co.uk",
			"me.github.io",
			"example.tokyo.jp",
			"ne.ch",
			"nic.at",
		]) {
			const res = await callWithEnv(envSetting({ COOKIE_DOMAIN: domain }), HEALTH, keyed());
			expect((await res.json<Health>()).checks?.config?.invalid, domain).toEqual([]);
		}
	});
});

describe("a LOGO_URL on another origin than PUBLIC_BASE_URL's", () => {
	it("is named at start-up and by /v1/health: the pages at PUBLIC_BASE_URL cannot show it", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envSetting({
			PUBLIC_BASE_URL: "https://consent.example.com",
			LOGO_URL: "https://cdn.example.net/logo.svg",
		});
		const res = await callWithEnv(testEnv, HEALTH, keyed());
		expect((await res.json<Health>()).checks?.config).toMatchObject({ ok: false, invalid: ["LOGO_URL"] });
		const logged = errors.mock.calls.map((args) => String(args[0])).filter((l) => l.includes("LOGO_URL"));
		expect(logged).toHaveLength(1);
		expect(logged[0]).not.toContain("cdn.example.net");
	});

	it("without PUBLIC_BASE_URL, is named once the first request shows the worker's origin", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envSetting({ LOGO_URL: "https://cdn.example.net/logo.svg" });
		// The first request is the probe itself: its answer names it already.
		const res = await callWithEnv(testEnv, HEALTH, keyed());
		expect((await res.json<Health>()).checks?.config).toMatchObject({ ok: false, invalid: ["LOGO_URL"] });
		const page = await callWithEnv(testEnv, "/preferences", { cf: { country: "DE" } });
		expect(await page.text()).not.toContain("<img");
		expect(await (await callWithEnv(testEnv, HEALTH)).json()).toEqual({ status: "ok", failing: ["config"] });
		// Once, however many requests follow, and never with the value.
		const logged = errors.mock.calls.map((args) => String(args[0])).filter((l) => l.includes("LOGO_URL"));
		expect(logged).toEqual(["LOGO_URL has an unusable value (README, Configuration)"]);
	});

	it("without PUBLIC_BASE_URL, is not named because a client's first request came over plain http", async () => {
		// Anyone may send an isolate its first request as http://, which Cloudflare passes on unless
		// "Always Use HTTPS" is on: that request's own page cannot show an https logo, but the https pages,
		// the worker's, do. /v1/health said config failing, and the log named LOGO_URL, for as long as the
		// isolate lived.
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envSetting({ LOGO_URL: "https://consent.example/logo.svg" });
		const first = await callWithEnv(testEnv, "http://consent.example/v1/health");
		expect(await first.json()).toEqual({ status: "ok" });
		const page = await callWithEnv(testEnv, "/preferences", { cf: { country: "DE" } });
		expect(await page.text()).toContain('<img src="/logo.svg"');
		const res = await callWithEnv(testEnv, HEALTH, keyed());
		expect((await res.json<Health>()).checks?.config?.invalid).toEqual([]);
		expect(errors.mock.calls.filter((args) => String(args[0]).includes("LOGO_URL"))).toEqual([]);
		// A logo on another host is still named by the first https request after such a one.
		const elsewhere = envSetting({ LOGO_URL: "https://cdn.example.net/logo.svg" });
		await callWithEnv(elsewhere, "http://cdn.example.net/v1/health");
		expect(
			(await (await callWithEnv(elsewhere, HEALTH, keyed())).json<Health>()).checks?.config,
		).toMatchObject({
			ok: false,
			invalid: ["LOGO_URL"],
		});
	});

	it("without PUBLIC_BASE_URL, is no problem on the worker's own origin", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envSetting({ LOGO_URL: "https://consent.example/logo.svg" });
		const page = await callWithEnv(testEnv, "/preferences", { cf: { country: "DE" } });
		expect(await page.text()).toContain('<img src="/logo.svg"');
		const res = await callWithEnv(testEnv, HEALTH, keyed());
		expect((await res.json<Health>()).checks?.config?.invalid).toEqual([]);
		expect(errors.mock.calls.filter((args) => String(args[0]).includes("LOGO_URL"))).toEqual([]);
	});
});

describe("the pages' URL vars, judged as a reviewer and a careless owner would write them", () => {
	it("names none of the same origin spelled otherwise, and the page shows the logo", async () => {
		for (const vars of [
			{ PUBLIC_BASE_URL: "https://consent.example", LOGO_URL: "https://CONSENT.EXAMPLE/logo.svg" },
			{ PUBLIC_BASE_URL: "https://consent.example", LOGO_URL: "https://consent.example:443/logo.svg" },
			{ PUBLIC_BASE_URL: "consent.example", LOGO_URL: "https://consent.example/logo.svg" },
			{ PUBLIC_BASE_URL: "https://consent.example/base/", LOGO_URL: " https://consent.example/logo.svg " },
		]) {
			const testEnv = envSetting(vars);
			const res = await callWithEnv(testEnv, HEALTH, keyed());
			expect((await res.json<Health>()).checks?.config?.invalid, JSON.stringify(vars)).toEqual([]);
			const page = await (await callWithEnv(testEnv, "/preferences", { cf: { country: "DE" } })).text();
			expect(page, JSON.stringify(vars)).toContain('<img src="/logo.svg" alt="">');
		}
	});

	it("names a script or document URL, never puts it in a page, and the keyless probe names no var", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		for (const [name, value] of [
			["LOGO_URL", "javascript:alert(1)"],
			["LOGO_URL", "data:text/html,<script>alert(1)</script>"],
			["LOGO_URL", "//consent.example/logo.svg"],
			["PRIVACY_POLICY_URL", "javascript:alert(1)"],
			["PRIVACY_POLICY_URL", "//evil.example/privacy"],
			["COOKIE_DOMAIN", "CO.UK"],
			["COOKIE_DOMAIN", ".github.io"],
		] as const) {
			const testEnv = envSetting({ [name]: value });
			const admin = await (await callWithEnv(testEnv, HEALTH, keyed())).json<Health>();
			expect(admin.checks?.config?.invalid, value).toEqual([name]);
			const probe = await callWithEnv(testEnv, HEALTH);
			expect(probe.status).toBe(200);
			const text = await probe.text();
			expect(JSON.parse(text), value).toEqual({ status: "ok", failing: ["config"] });
			const res = await callWithEnv(testEnv, "/preferences", { cf: { country: "DE" } });
			const page = await res.text();
			expect(page, value).not.toMatch(/javascript:|data:text\/html|evil\.example|\/\/consent\.example\/logo/);
			for (const cookie of res.headers.getSetCookie()) expect(cookie, value).not.toMatch(/Domain=/i);
		}
	});
});

describe("a malformed ORIGIN", () => {
	for (const origin of ["127.0.0.1:9000", "ftp://origin.test", "https://origin.test/?x=1", "not a url"]) {
		it(`${JSON.stringify(origin)}: proxied paths are 503 not_configured naming ORIGIN, and nothing is fetched`, async () => {
			vi.spyOn(console, "error").mockImplementation(() => undefined);
			vi.spyOn(console, "warn").mockImplementation(() => undefined);
			const fetched = vi.spyOn(globalThis, "fetch");
			const testEnv = envSetting({ ORIGIN: origin });

			const api = await callWithEnv(testEnv, "/shop/item", { cf: { country: "DE" } });
			expect(api.status).toBe(503);
			expect(api.headers.get("Retry-After")).toMatch(/^\d+$/);
			const body = await api.json<{ error: { code: string; message: string } }>();
			expect(body.error.code).toBe("not_configured");
			expect(body.error.message).toContain("ORIGIN");

			const page = await callWithEnv(testEnv, "/", { headers: { Accept: "text/html" } });
			expect(page.status).toBe(503);
			expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
			expect(fetched).not.toHaveBeenCalled();

			const probe = await callWithEnv(testEnv, HEALTH);
			expect(probe.status).toBe(503);
			expect((await probe.json<Health>()).failing).toEqual(["config"]);
			const admin = await callWithEnv(testEnv, HEALTH, keyed());
			expect((await admin.json<Health>()).checks?.config).toEqual({
				ok: false,
				invalid: ["ORIGIN"],
				unboundShards: [],
				weakKeys: [],
				exampleKeys: [],
			});
		});
	}

	it("one with a path is still a valid ORIGIN (proxied below that path)", async () => {
		const res = await callWithEnv(envSetting({ ORIGIN: "https://origin.test/site/" }), HEALTH, keyed());
		expect((await res.json<Health>()).checks?.config).toEqual({
			ok: true,
			invalid: [],
			unboundShards: [],
			weakKeys: [],
			exampleKeys: [],
		});
	});
});
