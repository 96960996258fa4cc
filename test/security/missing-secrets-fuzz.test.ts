/**
 * Every route's valid requests (fast-check, seeded) against a deploy missing a required secret, or
 * holding only SIGNING_KEY_PREVIOUS: never a 500 or an unhandled error in the logs; any 5xx is a 503
 * `not_configured` (or `storage_unavailable`) with `Retry-After`, and no answer holds a secret's value.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN_KEY, SIGNING_KEY } from "../helpers";
import { fuzzEnv, fuzzTokens, send, toRequest, validPlan } from "./route-fuzz-requests";

const SEED = 20261202;

let tokens: string[];

beforeAll(async () => {
	tokens = await fuzzTokens();
});

afterEach(() => {
	vi.restoreAllMocks();
});

const VARIANTS: Record<string, Record<string, string | undefined>> = {
	"ADMIN_API_KEY empty": { ADMIN_API_KEY: "" },
	"SIGNING_KEY absent": { SIGNING_KEY: undefined },
	"SIGNING_KEY empty, SIGNING_KEY_PREVIOUS set": { SIGNING_KEY: "", SIGNING_KEY_PREVIOUS: SIGNING_KEY },
	"EMAIL_HASH_KEY empty": { EMAIL_HASH_KEY: "" },
};

describe("every route with a secret missing", () => {
	for (const [name, vars] of Object.entries(VARIANTS)) {
		it(name, async () => {
			const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
			const testEnv = fuzzEnv() as unknown as Record<string, unknown>;
			for (const [key, value] of Object.entries(vars)) {
				if (value === undefined) delete testEnv[key];
				else testEnv[key] = value;
			}
			await fc.assert(
				fc.asyncProperty(validPlan(tokens), async (plan) => {
					const request = toRequest(plan);
					if (!request) return;
					const res = await send(testEnv as unknown as Env, request);
					const text = await res.text();
					const where = `${plan.method} ${plan.path} → ${res.status} ${text.slice(0, 200)}`;
					expect(res.status, where).not.toBe(500);
					if (res.status >= 500) {
						expect(res.status, where).toBe(503);
						expect(res.headers.get("Retry-After"), where).toMatch(/^\d+$/);
						expect(text, where).toMatch(
							/not_configured|storage_unavailable|"degraded"|not available|ご利用いただけません/,
						);
					}
					for (const secret of [ADMIN_KEY, SIGNING_KEY, env.EMAIL_HASH_KEY])
						expect(text, where).not.toContain(secret);
				}),
				{ seed: SEED, numRuns: 80 },
			);
			const unhandled = errors.mock.calls.filter((args) => String(args[0]).includes("unhandled"));
			expect(unhandled).toEqual([]);
		}, 90_000);
	}
});
