/**
 * The visitor write limit counts writes, not requests refused before any I/O: a page on another site
 * can make a visitor's browser post to /v1/consent, /v1/opt-out or /preferences (refused 403
 * `forbidden_origin`), and when those counted, it used up the address's writes for 60 s, so the
 * person's own choices on the site were refused 429.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, callWithEnv, envWith } from "../helpers";

const FORM = "application/x-www-form-urlencoded";
const EVIL = "https://evil.example";

/** A WRITE_LIMITER that records the keys it is asked about and admits everything. */
function countingEnv() {
	const keys: string[] = [];
	const binding = {
		limit: async ({ key }: { key: string }) => {
			keys.push(key);
			return { success: true };
		},
	};
	return { keys, env: envWith({ WRITE_LIMITER: binding as unknown as RateLimit }) };
}

const post = (testEnv: Env, path: string, headers: Record<string, string>, body: string, method = "POST") =>
	callWithEnv(testEnv, path, { method, cf: { country: "DE" }, headers, body });

describe("the visitor write limit", { timeout: 120_000 }, () => {
	it("does not count a write refused by the Origin check or for its declared size", async () => {
		const counting = countingEnv();
		const ip = { "CF-Connecting-IP": "198.51.100.71" };
		const refused = [
			post(
				counting.env,
				"/v1/consent",
				{ ...ip, Origin: EVIL, "Content-Type": "application/json" },
				'{"purposes":{"ads":true}}',
				"PUT",
			),
			post(counting.env, "/v1/opt-out", { ...ip, Origin: EVIL, "Content-Type": FORM }, "form=x"),
			post(
				counting.env,
				"/preferences",
				{ ...ip, "Sec-Fetch-Site": "cross-site", "Content-Type": FORM },
				"ads=on",
			),
			post(counting.env, "/preferences/erase", { ...ip, Origin: "null", "Content-Type": FORM }, "form=erase"),
		];
		for (const res of await Promise.all(refused)) expect(res.status).toBe(403);
		const big = await post(
			counting.env,
			"/v1/consent",
			{ ...ip, Origin: BASE, "Content-Type": "application/json", "Content-Length": "20000" },
			"x".repeat(20_000),
			"PUT",
		);
		expect(big.status).toBe(413);
		expect(counting.keys).toEqual([]);
		// A write that passes is counted, once.
		const made = await post(
			counting.env,
			"/v1/opt-out",
			{ ...ip, Origin: BASE, "Content-Type": FORM },
			"form=x",
		);
		expect(made.status).toBe(303);
		expect(counting.keys).toEqual(["write:198.51.100.71"]);
	});

	it("is not used up by another site's posts: the person's own write afterwards is saved", async () => {
		const ip = { "CF-Connecting-IP": "198.51.100.72" };
		// 300 cross-site posts would cross at least one limit of 120 per 60 s, were they counted.
		for (let i = 0; i < 300; i += 30) {
			const batch = await Promise.all(
				Array.from({ length: 30 }, () =>
					post(env, "/v1/opt-out", { ...ip, Origin: EVIL, "Content-Type": FORM }, "form=x"),
				),
			);
			expect(batch.map((r) => r.status)).toEqual(Array(30).fill(403));
		}
		const own = await post(
			env,
			"/preferences",
			{ ...ip, Origin: BASE, "Content-Type": FORM },
			"analytics=on",
		);
		expect(own.status).toBe(303);
		expect(own.headers.get("Location")).toBe("/preferences?saved=1");
	});

	it("does not count a refused write without a body either, and each refusal keeps its shape", async () => {
		const counting = countingEnv();
		const ip = { "CF-Connecting-IP": "198.51.100.73" };
		const refusals: [string, string, Record<string, string>, string | undefined, string][] = [
			["PUT", "/v1/consent", { Origin: EVIL }, undefined, "application/json"],
			["POST", "/v1/opt-out", { Origin: EVIL }, undefined, "application/json"],
			["POST", "/v1/opt-out", { Origin: EVIL, "Content-Length": "0" }, "", "application/json"],
			["POST", "/v1/opt-out", { "Sec-Fetch-Site": "cross-site" }, undefined, "application/json"],
			// A form post to /v1/opt-out, and the pages, answer a person's page.
			["POST", "/v1/opt-out", { Origin: EVIL, "Content-Type": FORM }, "", "text/html"],
			["POST", "/preferences", { "Sec-Fetch-Site": "cross-site" }, undefined, "text/html"],
			["POST", "/preferences/erase", { Origin: "null" }, undefined, "text/html"],
			["POST", "/preferences/erase", { "Sec-Fetch-Site": "same-site" }, undefined, "text/html"],
		];
		for (const [method, path, headers, body, type] of refusals) {
			const res = await post(counting.env, path, { ...ip, ...headers }, body as string, method);
			const label = `${method} ${path} ${JSON.stringify(headers)}`;
			expect(res.status, label).toBe(403);
			expect(res.headers.get("Content-Type"), label).toContain(type);
			const text = await res.text();
			if (type === "application/json") expect(JSON.parse(text).error.code, label).toBe("forbidden_origin");
		}
		expect(counting.keys).toEqual([]);
	});

	it("counts a write whose Content-Length no number can be, or refuses it for its size", async () => {
		// The limit skips a body declared over 16 KiB (every route refuses it 413 before any I/O); a
		// body reader that took `Infinity` for no declaration read and stored the write, uncounted.
		const counting = countingEnv();
		const res = await post(
			counting.env,
			"/v1/consent",
			{
				"CF-Connecting-IP": "198.51.100.74",
				Origin: BASE,
				"Content-Type": "application/json",
				"Content-Length": "Infinity",
			},
			'{"purposes":{"ads":false}}',
			"PUT",
		);
		expect(res.status).toBe(413);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("payload_too_large");
		expect(counting.keys).toEqual([]);
	});
});
