/** POST /v1/unsubscribe-links: keyed (admin or sender), returns the URL and the exact RFC 8058 headers. */
import { describe, expect, it } from "vitest";
import { BASE } from "../helpers";
import { call, callWithEnv, envWithScopedKeys, json, keyed, READER_KEY, SENDER_KEY } from "./email-fixtures";

const DAY_MS = 86_400_000;

function request(body: unknown, key?: string) {
	const init = json(body, { method: "POST" });
	return key ? keyed(init, key) : init;
}

describe("POST /v1/unsubscribe-links", () => {
	it("returns the link and the exact header values, without revealing the address", async () => {
		const before = Date.now();
		const res = await call(
			"/v1/unsubscribe-links",
			keyed(request({ email: "Ada.Lovelace@Example.com", list: "news" })),
		);
		expect(res.status).toBe(200);
		const body = await res.json<{
			url: string;
			headers: Record<string, string>;
			expiresAt: string;
			list: string;
		}>();
		expect(body.url).toMatch(/^https:\/\/consent\.example\/unsubscribe\?t=u1\.[A-Za-z0-9._-]+$/);
		expect(body.headers).toEqual({
			"List-Unsubscribe": `<${body.url}>`,
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		});
		expect(body.url.toLowerCase()).not.toMatch(/ada|lovelace|example\.com|%40/);
		// Default lifetime: 400 days.
		const ttl = Date.parse(body.expiresAt) - before;
		expect(ttl).toBeGreaterThan(399 * DAY_MS);
		expect(ttl).toBeLessThanOrEqual(400 * DAY_MS + 1000);
	});

	it("gives the same address the same token whatever its case or spacing", async () => {
		const a = await (
			await call("/v1/unsubscribe-links", keyed(request({ email: " ADA@example.com ", list: "news" })))
		).json<{ url: string }>();
		const b = await (
			await call("/v1/unsubscribe-links", keyed(request({ email: "ada@example.com", list: "news" })))
		).json<{ url: string }>();
		expect(a.url.split(".")[1]).toBe(b.url.split(".")[1]);
	});

	it("builds links from PUBLIC_BASE_URL and honours UNSUBSCRIBE_TOKEN_DAYS", async () => {
		const env = envWithScopedKeys({
			PUBLIC_BASE_URL: "https://mail.example.org/",
			UNSUBSCRIBE_TOKEN_DAYS: "30",
		});
		const before = Date.now();
		const res = await callWithEnv(
			env,
			"/v1/unsubscribe-links",
			keyed(request({ email: "ada@example.com", list: "*" }), SENDER_KEY),
		);
		expect(res.status).toBe(200);
		const body = await res.json<{ url: string; expiresAt: string; list: string }>();
		expect(body.url).toMatch(/^https:\/\/mail\.example\.org\/unsubscribe\?t=u1\./);
		expect(body.list).toBe("*");
		expect(Date.parse(body.expiresAt) - before).toBeLessThanOrEqual(30 * DAY_MS + 1000);
		expect(Date.parse(body.expiresAt) - before).toBeGreaterThan(29 * DAY_MS);
	});

	it("reads a PUBLIC_BASE_URL written without a scheme as its https address, and ignores one that is no http(s) URL", async () => {
		const link = async (base: string) => {
			const env = envWithScopedKeys({ PUBLIC_BASE_URL: base });
			const res = await callWithEnv(
				env,
				"/v1/unsubscribe-links",
				keyed(request({ email: "ada@example.com", list: "news" }), SENDER_KEY),
			);
			expect(res.status).toBe(200);
			return (await res.json<{ url: string }>()).url;
		};
		// A mail client cannot follow "mail.example.org/unsubscribe?t=..." (no scheme): it is no URL.
		expect(await link("mail.example.org")).toMatch(/^https:\/\/mail\.example\.org\/unsubscribe\?t=u1\./);
		expect(await link("mail.example.org/consent/")).toMatch(
			/^https:\/\/mail\.example\.org\/consent\/unsubscribe\?t=u1\./,
		);
		// Not a web address at all: links fall back to the request's own origin, as with no base.
		expect(await link("ftp://mail.example.org")).toMatch(/^https:\/\/consent\.example\/unsubscribe\?t=u1\./);
	});

	it("needs an admin or sender key: none or a wrong one is 401, a reader key 403", async () => {
		const env = envWithScopedKeys();
		const body = { email: "ada@example.com", list: "news" };
		expect((await callWithEnv(env, "/v1/unsubscribe-links", request(body))).status).toBe(401);
		expect((await callWithEnv(env, "/v1/unsubscribe-links", request(body, "wrong-key"))).status).toBe(401);
		const reader = await callWithEnv(env, "/v1/unsubscribe-links", request(body, READER_KEY));
		expect(reader.status).toBe(403);
		expect(await reader.json()).toEqual({
			error: { code: "forbidden", message: "This API key may not call this endpoint." },
		});
		expect((await callWithEnv(env, "/v1/unsubscribe-links", request(body, SENDER_KEY))).status).toBe(200);
	});

	it("validates the body", async () => {
		const cases: [unknown, number, string][] = [
			[{ email: "not-an-address", list: "news" }, 400, "invalid_body"],
			[{ email: "ada@example.com" }, 400, "invalid_body"],
			[{ email: "ada@example.com", list: "bad list" }, 400, "invalid_body"],
			[{ email: "ada@example.com", list: "" }, 400, "invalid_body"],
			[{ email: 42, list: "news" }, 400, "invalid_body"],
			[[], 400, "invalid_body"],
		];
		for (const [body, status, code] of cases) {
			const res = await call("/v1/unsubscribe-links", keyed(request(body)));
			expect(res.status, JSON.stringify(body)).toBe(status);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe(code);
		}
		const malformed = await call(
			"/v1/unsubscribe-links",
			keyed({ method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }),
		);
		expect(malformed.status).toBe(400);
		expect((await malformed.json<{ error: { code: string } }>()).error.code).toBe("invalid_json");
		const form = await call(
			"/v1/unsubscribe-links",
			keyed({
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: "email=a@b.co",
			}),
		);
		expect(form.status).toBe(415);
	});

	it("names a missing member plainly, not in the schema library's words", async () => {
		const missing: [unknown, string][] = [
			[{ email: "ada@example.com" }, "list: required."],
			[{ list: "news" }, "email: required."],
		];
		for (const [body, message] of missing) {
			const res = await call("/v1/unsubscribe-links", keyed(request(body)));
			expect(await res.json(), JSON.stringify(body)).toEqual({ error: { code: "invalid_body", message } });
		}
	});

	it("answers other methods with 405", async () => {
		const res = await call("/v1/unsubscribe-links", keyed());
		expect(res.status).toBe(405);
		expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
		expect(BASE).toBe("https://consent.example");
	});
});
