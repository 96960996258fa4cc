/**
 * Two writes to one subject within a second, and what KV ends with. KV takes one write per second
 * per key and has no compare-and-set, so the second write's put can land before the first's: a put
 * KV refused and tried again after that second, or two puts from two isolates arriving out of order.
 * The older state left cached must not stand for long where it lacks a newer denial: a purpose it
 * does not name is decided by the jurisdiction default, which allows in opt-out regions.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { BASE, brokenKV, callWithEnv, envWith, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

/** The test's KV whose first `state:` put is handled by `first` (refused, or held); the rest pass. */
function firstStatePut(first: (pass: () => Promise<void>) => Promise<void>): KVNamespace {
	let seen = false;
	return new Proxy(env.CONSENT_KV, {
		get(target, name) {
			if (name === "put")
				return (...args: Parameters<KVNamespace["put"]>) => {
					const pass = () => target.put(...args);
					if (seen || !String(args[0]).startsWith("state:")) return pass();
					seen = true;
					return first(pass);
				};
			const value = Reflect.get(target, name);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

const put = (subject: string, purposes: Record<string, boolean>) =>
	keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) });

/** Starts a write without waiting for its background work (the KV put). */
async function startWrite(testEnv: Env, subject: string, purposes: Record<string, boolean>) {
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request(new URL("/v1/consent", BASE), put(subject, purposes)) as never,
		testEnv,
		ctx,
	);
	expect(res.status).toBe(200);
	return () => waitOnExecutionContext(ctx);
}

const checkAnalytics = async (subject: string) =>
	(await callWithEnv(env, `/v1/check?purpose=analytics&subject=${subject}`, keyed({ cf: CA }))).json();

describe("two writes to one subject within a second", () => {
	it("a first write's put refused and tried again never lands over the second write's entry", async () => {
		const subject = "user:quick-retry";
		const refusing = firstStatePut(() => Promise.reject(new Error("KV PUT failed: 429 Too Many Requests")));
		const testEnv = envWith({ CONSENT_KV: refusing });
		const firstDone = await startWrite(testEnv, subject, { ads: false });
		await callWithEnv(testEnv, "/v1/consent", put(subject, { analytics: false }));
		await firstDone();
		const cached = await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json");
		expect(cached?.version).toBe(2);
		expect(await checkAnalytics(subject)).toEqual({
			purpose: "analytics",
			allowed: false,
			reason: "explicit",
		});
	});

	it("an older entry landing last, lacking a newer denial, lives no longer than 10 minutes", async () => {
		const subject = "user:quick-order";
		let release: () => void = () => undefined;
		const released = new Promise<void>((resolve) => {
			release = resolve;
		});
		const holding = firstStatePut(async (pass) => {
			await released;
			await pass();
		});
		const testEnv = envWith({ CONSENT_KV: holding });
		const firstDone = await startWrite(testEnv, subject, { ads: false });
		await callWithEnv(testEnv, "/v1/consent", put(subject, { analytics: false }));
		release();
		await firstDone();
		// No compare-and-set: KV now holds version 1 (ads denied, analytics not named).
		const listed = (await env.CONSENT_KV.list({ prefix: `state:${subject}` })).keys[0];
		expect(await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json")).toMatchObject({
			version: 1,
		});
		expect(listed?.expiration ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(
			Math.ceil(Date.now() / 1000) + 600,
		);
	});

	it("an entry a write could not replace (KV down for it) lives no longer than 10 minutes when it lacks a denial", async () => {
		const subject = "user:kv-down-write";
		await callWithEnv(env, "/v1/consent", put(subject, { ads: false }));
		const written = await callWithEnv(
			envWith({ CONSENT_KV: brokenKV() }),
			"/v1/consent",
			put(subject, { analytics: false }),
		);
		expect(written.status).toBe(200);
		// KV still holds version 1, which leaves analytics to the default (allowed in California).
		expect(await env.CONSENT_KV.get<{ version: number }>(`state:${subject}`, "json")).toMatchObject({
			version: 1,
		});
		const listed = (await env.CONSENT_KV.list({ prefix: `state:${subject}` })).keys[0];
		expect(listed?.expiration ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(
			Math.ceil(Date.now() / 1000) + 600,
		);
	});
});
