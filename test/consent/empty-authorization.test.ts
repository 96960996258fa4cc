/**
 * CONTRACT.md, Identity: any `Authorization` header makes a call keyed, so an empty one is a keyed call
 * without a key (401), never a visitor's. Called past the runtime's HTTP layer, which (like
 * `wrangler dev`) drops an empty header before the worker sees it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callWithEnv } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

describe("an empty Authorization header", () => {
	it.each([
		["GET", "/v1/consent"],
		["GET", "/v1/check?purpose=ads"],
		["POST", "/v1/opt-out"],
	])("%s %s is 401 unauthorized and sets no cookie", async (method, path) => {
		const res = await callWithEnv(env, path, {
			method,
			cf: CA,
			headers: { Authorization: "", "Content-Type": "application/json" },
			...(method === "POST" ? { body: "{}" } : {}),
		});
		expect(res.status).toBe(401);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
		expect(res.headers.get("Set-Cookie")).toBeNull();
	});
});
