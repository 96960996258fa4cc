/**
 * A key too short or too simple to resist guessing (a one-character SIGNING_KEY was accepted without
 * a word): a `ce_consent` is readable by page JavaScript and carries its MAC, so a weak SIGNING_KEY
 * can be found offline and cookies and unsubscribe links forged. It is named in the log and by
 * /v1/health (`config` under `warnings`, still 200), never its value, and the worker keeps serving:
 * a deployed site must keep honouring opt-outs (README, "Configuration"). It is no failure: the
 * keyless probe listed `failing: ["config"]` while naming nothing and answering 200.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { callWithEnv, envWith, json, keyed } from "../helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

interface ConfigCheck {
	ok: boolean;
	invalid: string[];
	weakKeys: string[];
}

interface AdminHealth {
	failing: string[];
	warnings?: string[];
	checks: { config: ConfigCheck };
}

const health = async (testEnv: Env) => {
	const probe = await callWithEnv(testEnv, "/v1/health");
	const admin = await (await callWithEnv(testEnv, "/v1/health", keyed())).json<AdminHealth>();
	return { status: probe.status, probe: await probe.json(), admin, config: admin.checks.config };
};

/** What `openssl rand -base64 24` prints: 32 characters, the shortest key that is no finding. */
const LONG_ENOUGH = "q8Vx2mLr9TfKc4Wn7Hb3Zp6Ys1Ju5Ea0";

// A weak value per key; ADMIN_API_KEY's own would lock the admin view out, so it is checked alone below.
const WEAK: Record<string, string> = {
	SIGNING_KEY: "x",
	SIGNING_KEY_PREVIOUS: `${LONG_ENOUGH}, short-previous-key`,
	EMAIL_HASH_KEY: "0123456789abcdef0123456789abcde",
	ADMIN_API_KEY_PREVIOUS: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	READER_API_KEY: "reader",
	SENDER_API_KEY: "sender-key",
};

describe("a weak key", () => {
	for (const [name, value] of Object.entries(WEAK)) {
		it(`${name}=${JSON.stringify(value)} is named once in the log and by /v1/health (still 200), never its value`, async () => {
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			const testEnv = envWith({ [name]: value } as Partial<Env>);
			const { status, probe, admin, config } = await health(testEnv);
			expect(status).toBe(200);
			expect(probe).toEqual({ status: "ok", warnings: ["config"] });
			expect(admin).toMatchObject({ failing: [], warnings: ["config"] });
			expect(config).toMatchObject({ ok: true, invalid: [], weakKeys: [name] });
			const logged = errors.mock.calls.map((args) => String(args[0])).filter((line) => line.includes(name));
			expect(logged).toHaveLength(1);
			for (const part of value.split(",")) expect(logged[0]).not.toContain(part.trim());
		});
	}

	it("ADMIN_API_KEY too short is named too", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envWith({ ADMIN_API_KEY: "admin" } as Partial<Env>);
		const probe = await callWithEnv(testEnv, "/v1/health");
		expect(await probe.json()).toEqual({ status: "ok", warnings: ["config"] });
		const admin = await callWithEnv(testEnv, "/v1/health", keyed({}, "admin"));
		expect((await admin.json<{ checks: { config: ConfigCheck } }>()).checks.config.weakKeys).toEqual([
			"ADMIN_API_KEY",
		]);
		const logged = errors.mock.calls
			.map((args) => String(args[0]))
			.filter((l) => l.includes("ADMIN_API_KEY"));
		expect(logged).toHaveLength(1);
	});

	it("a one-character SIGNING_KEY still signs: cookies are set and links issued", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envWith({ SIGNING_KEY: "x" } as Partial<Env>);
		const lookup = await callWithEnv(testEnv, "/v1/consent", { cf: { country: "DE" } });
		expect(lookup.status).toBe(200);
		expect(lookup.headers.getSetCookie().some((c) => c.startsWith("ce_consent="))).toBe(true);
		const link = await callWithEnv(
			testEnv,
			"/v1/unsubscribe-links",
			keyed({ method: "POST", ...json({ email: "weak-key@example.com", list: "news" }) }),
		);
		expect(link.status).toBe(200);
	});

	it("beside an unusable var, config is both failing (the var is ignored) and warned of (the key)", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envWith({ SIGNING_KEY: "x", COOKIE_SAMESITE: "Nonee" } as Partial<Env>);
		const { status, probe, config } = await health(testEnv);
		expect(status).toBe(200);
		expect(probe).toEqual({ status: "ok", failing: ["config"], warnings: ["config"] });
		expect(config).toMatchObject({ ok: false, invalid: ["COOKIE_SAMESITE"], weakKeys: ["SIGNING_KEY"] });
	});

	it("a 503 names it too, beside the failing checks", async () => {
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envWith({ SIGNING_KEY: "x", EMAIL_HASH_KEY: "" } as Partial<Env>);
		const probe = await callWithEnv(testEnv, "/v1/health");
		expect(probe.status).toBe(503);
		expect(await probe.json()).toMatchObject({
			status: "degraded",
			failing: ["secrets"],
			warnings: ["config"],
		});
	});

	it("keys of 32 bytes or more with some variety are no finding", async () => {
		const testEnv = envWith({
			SIGNING_KEY: LONG_ENOUGH,
			SIGNING_KEY_PREVIOUS: `${LONG_ENOUGH.split("").reverse().join("")},${LONG_ENOUGH.toLowerCase()}`,
			READER_API_KEY: `${LONG_ENOUGH}-reader`,
			SENDER_API_KEY: "",
		} as Partial<Env>);
		const { probe, admin, config } = await health(testEnv);
		expect(probe).toEqual({ status: "ok" });
		expect(admin.warnings).toBeUndefined();
		expect(config).toMatchObject({ ok: true, weakKeys: [] });
	});
});
