/**
 * POST /v1/suppressions: the site records an unsubscribe that came another way (a mailto:
 * List-Unsubscribe, a complaint, a request by phone). It is applied as a one-click one is, queued
 * when D1 is down, idempotent, and only for the admin key.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { brokenD1 } from "../helpers";
import {
	call,
	callWithEnv,
	envWithScopedKeys,
	json,
	keyed,
	READER_KEY,
	SENDER_KEY,
	suppression,
} from "./email-fixtures";

const add = (body: unknown, key?: string, testEnv: Env = env) =>
	callWithEnv(testEnv, "/v1/suppressions", { method: "POST", ...json(body, keyed({}, key)) });

async function exported(subject: string) {
	const res = await call(`/v1/subjects/${subject}/export`, keyed());
	return res.json<{ suppressions: { list: string; source: string }[] }>();
}

describe("POST /v1/suppressions", () => {
	it("names a missing member plainly, here and in /v1/suppressions/check", async () => {
		const res = await add({ list: "news" });
		expect(await res.json()).toEqual({ error: { code: "invalid_body", message: "email: required." } });
		const check = await call("/v1/suppressions/check", {
			method: "POST",
			...json({ list: "news" }, keyed()),
		});
		expect(await check.json()).toEqual({ error: { code: "invalid_body", message: "emails: required." } });
	});

	it("suppresses the address for the list: 201, then 200 when it already is", async () => {
		const first = await add({ email: "Mailto.Person@Example.com", list: "news", source: "mailto" });
		expect(first.status).toBe(201);
		const body = await first.json<{ suppressed: boolean; since: string; added: boolean; list: string }>();
		expect(body).toMatchObject({ list: "news", suppressed: true, added: true });
		expect(Number.isNaN(Date.parse(body.since))).toBe(false);
		expect(await suppression("mailto.person@example.com", "news")).toMatchObject({ suppressed: true });
		expect(await suppression("mailto.person@example.com", "offers")).toEqual({ suppressed: false });

		const again = await add({ email: "mailto.person@example.com", list: "news" });
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ suppressed: true, added: false, since: body.since });
	});

	it("defaults to every list, and turns email off for the subjects linked to the address", async () => {
		const put = await call("/v1/consent", {
			method: "PUT",
			...json({ subject: "user:complainer", email: "complainer@example.com", purposes: {} }, keyed()),
		});
		expect(put.status).toBe(200);
		const res = await add({ email: "complainer@example.com", source: "complaint" });
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({ list: "*", subjectsUpdated: 1 });
		expect(await suppression("complainer@example.com", "anything")).toMatchObject({ suppressed: true });
		const doc = await (await call("/v1/consent?subject=user:complainer", keyed())).json<{
			purposes: Record<string, boolean>;
		}>();
		expect(doc.purposes.email).toBe(false);
		expect((await exported("user:complainer")).suppressions).toEqual([
			expect.objectContaining({ list: "*", source: "complaint" }),
		]);
	});

	it("answers for `*` since the suppression of every list, not since an earlier one of a single list", async () => {
		const news = await add({ email: "two.lists@example.com", list: "news" });
		const newsSince = (await news.json<{ since: string }>()).since;
		await new Promise((resolve) => setTimeout(resolve, 20));
		const every = await add({ email: "two.lists@example.com", source: "complaint" });
		expect(every.status).toBe(201);
		const body = await every.json<{ list: string; since: string; added: boolean }>();
		expect(body).toMatchObject({ list: "*", suppressed: true, added: true });
		expect(Date.parse(body.since)).toBeGreaterThan(Date.parse(newsSince));
		const again = await add({ email: "two.lists@example.com" });
		expect(await again.json()).toMatchObject({ added: false, since: body.since });
		// A check of `*` still means any list at all, so it names the earlier date.
		expect(await suppression("two.lists@example.com", "*")).toEqual({ suppressed: true, since: newsSince });
		// And a list's own answer counts the suppression of every list.
		const offers = await add({ email: "two.lists@example.com", list: "offers" });
		expect(await offers.json()).toMatchObject({ added: true, since: body.since });
	});

	it("takes the admin key; a sender key (limited to links and checks), a reader key, a visitor or no key cannot", async () => {
		const scoped = envWithScopedKeys();
		expect((await add({ email: "admin-added@example.com" }, undefined, scoped)).status).toBe(201);
		expect((await add({ email: "sender-added@example.com" }, SENDER_KEY, scoped)).status).toBe(403);
		expect((await add({ email: "reader-added@example.com" }, READER_KEY, scoped)).status).toBe(403);
		const anonymous = await call("/v1/suppressions", {
			method: "POST",
			...json({ email: "nobody@example.com" }),
		});
		expect(anonymous.status).toBe(401);
		for (const email of ["sender-added@example.com", "reader-added@example.com", "nobody@example.com"])
			expect(await suppression(email, "news"), email).toEqual({ suppressed: false });
	});

	it("refuses what it cannot read with a 400 naming the field", async () => {
		for (const [body, field] of [
			[{ email: "not-an-address" }, "email"],
			[{ email: "a@example.com/x" }, "email"],
			[{ email: "a@example.com", list: "has space" }, "list"],
			[{ email: "a@example.com", source: "one-click" }, "source"],
			[{ email: 42 }, "email"],
			[{}, "email"],
		] as const) {
			const res = await add(body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			const { error } = await res.json<{ error: { code: string; message: string } }>();
			expect(error.code).toBe("invalid_body");
			expect(error.message).toContain(field);
		}
	});

	it("queues the suppression when D1 is down (202), and the consumer applies it", async () => {
		const sent: unknown[] = [];
		const queue = { send: async (message: unknown) => void sent.push(message) };
		const down = { ...env, DB: brokenD1(), CONSENT_QUEUE: queue } as unknown as Env;
		const res = await add({ email: "queued-add@example.com", list: "news" }, undefined, down);
		expect(res.status).toBe(202);
		expect(await res.json()).toEqual({ list: "news", suppressed: true, queued: true });
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ type: "email-suppression", source: "api", claim: { list: "news" } });

		const failing = {
			send: async () => {
				throw new Error("queue down");
			},
		};
		const both = await add({ email: "lost-add@example.com" }, undefined, {
			...env,
			DB: brokenD1(),
			CONSENT_QUEUE: failing,
		} as unknown as Env);
		expect(both.status).toBe(503);
		expect(both.headers.get("Retry-After")).not.toBeNull();
	});
});
