/**
 * Suppression lookups: GET /v1/suppressions (per list, global `*` covering every list, `list=*`
 * meaning any list) and POST /v1/suppressions/check for up to 1000 addresses in input order.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import { brokenD1 } from "../helpers";
import {
	call,
	callWithEnv,
	envWithScopedKeys,
	issueLink,
	json,
	keyed,
	oneClick,
	pathOf,
	READER_KEY,
	SENDER_KEY,
	suppression,
} from "./email-fixtures";

async function unsubscribe(email: string, list: string): Promise<void> {
	const res = await oneClick(pathOf((await issueLink(email, list)).url));
	if (res.status !== 200) throw new Error(`unsubscribe failed: ${res.status}`);
}

async function seed(email: string, list: string, at: number): Promise<void> {
	await env.DB.prepare(
		"INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES (?, ?, ?, 'import')",
	)
		.bind(await hashEmail(email, env.EMAIL_HASH_KEY), list, at)
		.run();
}

function check(body: unknown, key?: string) {
	const init = json(body, { method: "POST" });
	return key ? keyed(init, key) : keyed(init);
}

describe("GET /v1/suppressions", () => {
	it("answers per list, with the time of the first suppression", async () => {
		await seed("one@example.com", "news", Date.UTC(2025, 0, 2, 3, 4, 5));
		expect(await suppression("one@example.com", "news")).toEqual({
			suppressed: true,
			since: "2025-01-02T03:04:05.000Z",
		});
		expect(await suppression("ONE@example.com ", "news")).toEqual({
			suppressed: true,
			since: "2025-01-02T03:04:05.000Z",
		});
		expect(await suppression("one@example.com", "offers")).toEqual({ suppressed: false });
		expect(await suppression("nobody@example.com", "news")).toEqual({ suppressed: false });
	});

	it("names a list exactly, as README says: a suppression of News is none of news", async () => {
		await unsubscribe("cased@example.com", "News");
		expect((await suppression("cased@example.com", "News")).suppressed).toBe(true);
		expect(await suppression("cased@example.com", "news")).toEqual({ suppressed: false });
		const res = await call("/v1/suppressions/check", check({ emails: ["cased@example.com"], list: "NEWS" }));
		expect(await res.json()).toMatchObject({ results: [{ suppressed: false }] });
	});

	it("a global suppression covers every list, and list=* asks about any list", async () => {
		await seed("global@example.com", "*", Date.UTC(2025, 5, 1));
		expect(await suppression("global@example.com", "news")).toEqual({
			suppressed: true,
			since: "2025-06-01T00:00:00.000Z",
		});
		expect(await suppression("global@example.com", "*")).toEqual({
			suppressed: true,
			since: "2025-06-01T00:00:00.000Z",
		});
		await seed("listed@example.com", "offers", Date.UTC(2025, 1, 1));
		expect(await suppression("listed@example.com", "*")).toEqual({
			suppressed: true,
			since: "2025-02-01T00:00:00.000Z",
		});
		const byDefault = await call("/v1/suppressions?email=listed@example.com", keyed());
		expect(await byDefault.json()).toEqual({ suppressed: true, since: "2025-02-01T00:00:00.000Z" });
	});

	it("reports the earliest of a list and a global suppression", async () => {
		await seed("both@example.com", "news", Date.UTC(2025, 3, 1));
		await seed("both@example.com", "*", Date.UTC(2025, 2, 1));
		expect(await suppression("both@example.com", "news")).toEqual({
			suppressed: true,
			since: "2025-03-01T00:00:00.000Z",
		});
	});

	it("reflects a one-click unsubscribe at once", async () => {
		expect(await suppression("fresh@example.com", "news")).toEqual({ suppressed: false });
		await unsubscribe("fresh@example.com", "news");
		expect((await suppression("fresh@example.com", "news")).suppressed).toBe(true);
	});

	it("reads a bare + inside the address as +, as %2B is; at either end, or as %20 inside, it is a space", async () => {
		await seed("a+tag@example.com", "news", Date.UTC(2025, 2, 3));
		const found = { suppressed: true, since: "2025-03-03T00:00:00.000Z" };
		for (const query of [
			"email=a+tag@example.com&list=news",
			"email=a%2Btag@example.com&list=news",
			"list=news&email=%20a+tag@example.com%20",
			"email=+a+tag@example.com++&list=news",
		]) {
			const res = await call(`/v1/suppressions?${query}`, keyed());
			expect(await res.json(), query).toEqual(found);
		}
		const spaced = await call("/v1/suppressions?email=a%20tag@example.com", keyed());
		expect(spaced.status).toBe(400);
	});

	it("validates the query with 400 invalid_query", async () => {
		for (const query of [
			"",
			"?email=nope",
			"?email=a@b.co&email=c@d.co",
			"?email=a@b.co&list=bad%20list",
			"?email=a@b.co&list=a&list=b",
		]) {
			const res = await call(`/v1/suppressions${query}`, keyed());
			expect(res.status, query).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_query");
		}
	});

	it("needs an admin or sender key", async () => {
		const testEnv = envWithScopedKeys();
		const path = "/v1/suppressions?email=a@example.com&list=news";
		expect((await callWithEnv(testEnv, path)).status).toBe(401);
		expect((await callWithEnv(testEnv, path, keyed({}, "nope"))).status).toBe(401);
		expect((await callWithEnv(testEnv, path, keyed({}, READER_KEY))).status).toBe(403);
		expect((await callWithEnv(testEnv, path, keyed({}, SENDER_KEY))).status).toBe(200);
	});

	it("fails closed when storage cannot be read: suppressed, flagged degraded, never a 5xx", async () => {
		const res = await callWithEnv(
			{ ...env, DB: brokenD1() } as Env,
			"/v1/suppressions?email=a@example.com&list=news",
			keyed(),
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ suppressed: true, degraded: true });
	});
});

describe("POST /v1/suppressions/check", () => {
	it("answers per address in input order, invalid addresses flagged", async () => {
		await seed("c1@example.com", "news", Date.UTC(2025, 0, 1));
		await seed("c2@example.com", "*", Date.UTC(2025, 0, 2));
		await seed("c3@example.com", "offers", Date.UTC(2025, 0, 3));
		const res = await call(
			"/v1/suppressions/check",
			check({
				emails: [
					"c3@example.com",
					"C1@Example.com",
					"not-an-email",
					"c2@example.com",
					"c4@example.com",
					"c1@example.com",
				],
				list: "news",
			}),
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			list: "news",
			results: [
				{ email: "c3@example.com", suppressed: false },
				{ email: "C1@Example.com", suppressed: true, since: "2025-01-01T00:00:00.000Z" },
				{ email: "not-an-email", suppressed: false, error: "invalid_email" },
				{ email: "c2@example.com", suppressed: true, since: "2025-01-02T00:00:00.000Z" },
				{ email: "c4@example.com", suppressed: false },
				{ email: "c1@example.com", suppressed: true, since: "2025-01-01T00:00:00.000Z" },
			],
		});
	});

	it("defaults to any list", async () => {
		await seed("any@example.com", "offers", Date.UTC(2025, 0, 1));
		const body = await (await call("/v1/suppressions/check", check({ emails: ["any@example.com"] }))).json();
		expect(body).toEqual({
			list: "*",
			results: [{ email: "any@example.com", suppressed: true, since: "2025-01-01T00:00:00.000Z" }],
		});
	});

	it("checks 1000 addresses in one call, chunked under D1's 100 bound parameters", async () => {
		const emails = Array.from({ length: 1000 }, (_, i) => `bulk${i}@example-${i % 7}.com`);
		const suppressedIndexes = [0, 97, 98, 99, 500, 998, 999];
		for (const i of suppressedIndexes) await seed(emails[i] ?? "", "news", Date.UTC(2025, 0, 1) + i);
		const res = await call("/v1/suppressions/check", check({ emails, list: "news" }));
		expect(res.status).toBe(200);
		const { results } = await res.json<{
			results: { email: string; suppressed: boolean; since?: string }[];
		}>();
		expect(results).toHaveLength(1000);
		results.forEach((r, i) => {
			expect(r.email).toBe(emails[i]);
			expect(r.suppressed).toBe(suppressedIndexes.includes(i));
			if (r.suppressed) expect(r.since).toBe(new Date(Date.UTC(2025, 0, 1) + i).toISOString());
		});
	});

	it("rejects more than 1000 addresses, an empty list of them and a bad list name", async () => {
		const tooMany = Array.from({ length: 1001 }, (_, i) => `x${i}@example.com`);
		for (const body of [
			{ emails: tooMany },
			{ emails: [] },
			{ emails: ["a@example.com"], list: "no spaces" },
			{ emails: "a@example.com" },
			{},
		]) {
			const res = await call("/v1/suppressions/check", check(body));
			expect(res.status).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_body");
		}
	});

	it("needs an admin or sender key", async () => {
		const testEnv = envWithScopedKeys();
		const body = { emails: ["a@example.com"] };
		expect(
			(await callWithEnv(testEnv, "/v1/suppressions/check", json(body, { method: "POST" }))).status,
		).toBe(401);
		expect((await callWithEnv(testEnv, "/v1/suppressions/check", check(body, READER_KEY))).status).toBe(403);
		expect((await callWithEnv(testEnv, "/v1/suppressions/check", check(body, SENDER_KEY))).status).toBe(200);
	});

	it("fails closed per address when storage cannot be read", async () => {
		const res = await callWithEnv(
			{ ...env, DB: brokenD1() } as Env,
			"/v1/suppressions/check",
			check({ emails: ["a@example.com", "bad"] }),
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			list: "*",
			results: [
				{ email: "a@example.com", suppressed: true, degraded: true },
				{ email: "bad", suppressed: false, error: "invalid_email" },
			],
		});
	});
});
