/**
 * A key copied from `.dev.vars.example` into production is public (the file is in the repository):
 * anyone can forge `ce_consent` cookies and unsubscribe links with its SIGNING_KEY, or call the
 * admin API with its ADMIN_API_KEY. Long enough not to be weak, it was taken without a word. It is
 * named in the log as the example key and by /v1/health (`config` under `warnings`, still 200; the
 * admin view's `exampleKeys`), never its value, and used all the same, as a weak key is. Under
 * `npm start` it is true of all three, so it is one warning there, not three errors.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import devVarsExample from "../../.dev.vars.example?raw";
import { callWithEnv, envWith, keyed } from "../helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

/** The file's `NAME=value` lines, as `npm start` copies them to `.dev.vars`. */
const EXAMPLE = Object.fromEntries(
	devVarsExample
		.split("\n")
		.map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
		.filter((match) => match !== null)
		.map((match) => [match[1], match[2]]),
) as Record<string, string>;

/** A 32-character key that is no finding. */
const OWN_KEY = "q8Vx2mLr9TfKc4Wn7Hb3Zp6Ys1Ju5Ea0";

interface AdminHealth {
	failing: string[];
	warnings?: string[];
	checks: { config: { ok: boolean; weakKeys: string[]; exampleKeys: string[] } };
}

const health = async (testEnv: Env, adminKey?: string) => {
	const probe = await callWithEnv(testEnv, "/v1/health");
	const admin = await callWithEnv(testEnv, "/v1/health", keyed({}, adminKey));
	return { status: probe.status, probe: await probe.json(), admin: await admin.json<AdminHealth>() };
};

describe("a key left at .dev.vars.example's value", () => {
	it("the example holds the three required keys", () => {
		expect(Object.keys(EXAMPLE).sort()).toEqual(["ADMIN_API_KEY", "EMAIL_HASH_KEY", "SIGNING_KEY"]);
	});

	const cases: readonly (readonly [string, () => string])[] = [
		["SIGNING_KEY", () => EXAMPLE.SIGNING_KEY ?? ""],
		["EMAIL_HASH_KEY", () => EXAMPLE.EMAIL_HASH_KEY ?? ""],
		["SIGNING_KEY_PREVIOUS", () => `${OWN_KEY},${EXAMPLE.SIGNING_KEY}`],
		["ADMIN_API_KEY_PREVIOUS", () => EXAMPLE.ADMIN_API_KEY ?? ""],
		// Another name's example value is just as public.
		["READER_API_KEY", () => EXAMPLE.EMAIL_HASH_KEY ?? ""],
	];
	for (const [name, value] of cases) {
		it(`${name} is named once in the log as the example key and by /v1/health (still 200), never its value`, async () => {
			const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			const { status, probe, admin } = await health(envWith({ [name]: value() } as Partial<Env>));
			expect(status).toBe(200);
			expect(probe).toEqual({ status: "ok", warnings: ["config"] });
			expect(admin).toMatchObject({ failing: [], warnings: ["config"] });
			expect(admin.checks.config).toMatchObject({ ok: true, weakKeys: [], exampleKeys: [name] });
			expect(errors).not.toHaveBeenCalled();
			const logged = warnings.mock.calls.map((args) => String(args[0])).filter((line) => line.includes(name));
			expect(logged).toEqual([
				`${name} is the example key from .dev.vars.example: public, fine for npm start only (README, Configuration)`,
			]);
			for (const part of value().split(",")) expect(logged[0]).not.toContain(part);
		});
	}

	it("ADMIN_API_KEY at the example is named too, and still opens the admin view", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const adminKey = EXAMPLE.ADMIN_API_KEY ?? "";
		const { probe, admin } = await health(envWith({ ADMIN_API_KEY: adminKey }), adminKey);
		expect(probe).toEqual({ status: "ok", warnings: ["config"] });
		expect(admin.checks.config.exampleKeys).toEqual(["ADMIN_API_KEY"]);
	});

	it("all three, as under npm start, are named in one warning; the worker signs with them all the same", async () => {
		const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const testEnv = envWith(EXAMPLE as Partial<Env>);
		const { admin } = await health(testEnv, EXAMPLE.ADMIN_API_KEY);
		expect(admin.checks.config.exampleKeys).toEqual(["ADMIN_API_KEY", "SIGNING_KEY", "EMAIL_HASH_KEY"]);
		expect(errors).not.toHaveBeenCalled();
		expect(warnings.mock.calls.map((args) => String(args[0]))).toEqual([
			"ADMIN_API_KEY, SIGNING_KEY, EMAIL_HASH_KEY are the example keys from .dev.vars.example: public, fine for npm start only (README, Configuration)",
		]);
		const lookup = await callWithEnv(testEnv, "/v1/consent", { cf: { country: "DE" } });
		expect(lookup.status).toBe(200);
		expect(lookup.headers.getSetCookie().some((c) => c.startsWith("ce_consent="))).toBe(true);
	});

	it("the test keys, and a key that merely contains the example, are no finding", async () => {
		const { probe, admin } = await health(envWith({ SIGNING_KEY: `${EXAMPLE.SIGNING_KEY}-mine` }));
		expect(probe).toEqual({ status: "ok" });
		expect(admin.checks.config).toMatchObject({ ok: true, exampleKeys: [] });
	});
});
