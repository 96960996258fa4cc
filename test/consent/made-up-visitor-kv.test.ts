/**
 * A `ce_vid` is a random id anyone can make up, and lookups are never rate limited, while KV takes
 * 1,000 writes a day on the free plan: a lookup for an id with nothing stored must not write KV.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { callWithEnv, envWith, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

/** The test's KV, counting its puts. */
function countingKv(): { kv: KVNamespace; puts: () => number } {
	let puts = 0;
	const kv = new Proxy(env.CONSENT_KV, {
		get(target, name) {
			if (name === "put") puts++;
			const value = Reflect.get(target, name);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { kv, puts: () => puts };
}

const madeUp = (i: number) => `madeUpVisitor_${String(i).padStart(10, "0")}`;

describe("lookups for made-up visitor ids", () => {
	it("write nothing to KV on /v1/check, /v1/consent or a keyed lookup", async () => {
		const { kv, puts } = countingKv();
		const testEnv = envWith({ CONSENT_KV: kv });
		for (let i = 0; i < 10; i++) {
			const headers = { Cookie: `ce_vid=${madeUp(i)}` };
			const check = await callWithEnv(testEnv, "/v1/check?purpose=ads", { cf: CA, headers });
			expect(await check.json()).toMatchObject({ purpose: "ads", allowed: true, reason: "default" });
			expect((await callWithEnv(testEnv, "/v1/consent", { cf: CA, headers })).status).toBe(200);
		}
		const subject = await visitorSubject(madeUp(99));
		const res = await callWithEnv(testEnv, `/v1/check?purpose=ads&subject=${subject}`, keyed({ cf: CA }));
		expect(res.status).toBe(200);
		expect(puts()).toBe(0);
		expect(await env.CONSENT_KV.get(`state:${await visitorSubject(madeUp(0))}`)).toBeNull();
	});
});
