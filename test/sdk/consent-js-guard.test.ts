/**
 * What /consent.js tells the SDK about guard mode: with ORIGIN set, the runtime's path, its version
 * (the `v` /v1/guard/runtime.js caches for good, overrides included) and the purposes it blocks, so
 * the SDK can load it on a page whose visitor says no there; without ORIGIN, nothing (a page on an
 * unguarded site loads nothing extra). The worker's configuration decides it, not the request: no
 * Vary beyond Origin and Sec-GPC (consent-js-route.test.ts), and each configuration has its own ETag.
 */
import { describe, expect, it } from "vitest";
import { guardRuntime, RUNTIME_PATH } from "../../workers/guard/guard-runtime";
import { guardSettingsFor } from "../../workers/guard/guard-settings";
import { callWithEnv, envWith } from "../helpers";
import { fetchWorker } from "./fetch-worker";
import { GZIP_BUDGET_BYTES, gzipSize } from "./gzip-budget";

interface GuardConfig {
	readonly runtime: string;
	readonly version: string;
	readonly purposes: readonly string[];
}

function configOf(body: string): { guard?: GuardConfig | null } {
	const match = /\}\)\(window,document,(\{.*\})\);\s*$/.exec(body);
	return JSON.parse(match?.[1] ?? "null");
}

const OVERRIDES = JSON.stringify({ "cdn.example.net": "ads", "G-OWN": null });

describe("GET /consent.js and guard mode", () => {
	it("names no guard runtime when ORIGIN is not set", async () => {
		const config = configOf(await (await fetchWorker("/consent.js")).text());
		expect(config.guard).toBeNull();
	});

	it("names the runtime's path, version and purposes when ORIGIN is set", async () => {
		const env = envWith({ ORIGIN: "https://origin.test" } as Partial<Env>);
		const res = await callWithEnv(env, "/consent.js");
		expect(res.status).toBe(200);
		expect(res.headers.get("Vary")).toBe("Origin, Sec-GPC");
		expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
		expect(configOf(await res.text()).guard).toEqual({
			runtime: RUNTIME_PATH,
			version: guardRuntime(undefined).version,
			purposes: ["ads", "analytics"],
		});
	});

	it("names the version the site's overrides give, which the runtime's route caches for good", async () => {
		const env = envWith({
			ORIGIN: "https://origin.test",
			GUARD_TRACKER_OVERRIDES: OVERRIDES,
		} as Partial<Env>);
		const guard = configOf(await (await callWithEnv(env, "/consent.js")).text()).guard;
		const version = guardRuntime(guardSettingsFor(env).overrides).version;
		expect(version).not.toBe(guardRuntime(undefined).version);
		expect(guard?.version).toBe(version);
		const runtime = await callWithEnv(env, `${guard?.runtime}?deny=analytics&v=${guard?.version}`);
		expect(runtime.status).toBe(200);
		expect(runtime.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
		await runtime.body?.cancel();
	});

	it("gives each configuration its own ETag, and a 304 only for its own", async () => {
		const plain = await fetchWorker("/consent.js");
		await plain.body?.cancel();
		const env = envWith({ ORIGIN: "https://origin.test" } as Partial<Env>);
		const guarded = await callWithEnv(env, "/consent.js");
		await guarded.body?.cancel();
		const etag = guarded.headers.get("ETag") ?? "";
		expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
		expect(etag).not.toBe(plain.headers.get("ETag"));
		const stale = await callWithEnv(env, "/consent.js", {
			headers: { "If-None-Match": plain.headers.get("ETag") ?? "" },
		});
		expect(stale.status).toBe(200);
		await stale.body?.cancel();
		const fresh = await callWithEnv(env, "/consent.js", { headers: { "If-None-Match": etag } });
		expect(fresh.status).toBe(304);
	});

	it(`stays under ${GZIP_BUDGET_BYTES} bytes gzipped with the guard's runtime named too`, async () => {
		const env = envWith({
			ORIGIN: "https://origin.test",
			GUARD_TRACKER_OVERRIDES: OVERRIDES,
		} as Partial<Env>);
		const body = await (await callWithEnv(env, "/consent.js")).text();
		expect(configOf(body).guard).not.toBeNull();
		const size = await gzipSize(body);
		console.info(`consent.js in guard mode: ${body.length} bytes, ${size} bytes gzipped`);
		expect(size).toBeLessThan(GZIP_BUDGET_BYTES);
	});
});
