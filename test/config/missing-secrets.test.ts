/**
 * A deploy whose required secret (ADMIN_API_KEY, SIGNING_KEY, EMAIL_HASH_KEY) is missing or empty:
 * the requests that need it are a 503 `not_configured` naming it (a page where people look), logged
 * once, while everything that does without it keeps working. An empty key never grants anything.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { issueLink, pathOf, suppression } from "../email/email-fixtures";
import { ADMIN_KEY, callWithEnv, json, keyed, SIGNING_KEY, signedVisitorCookie } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

/** A fresh env object (settings are read once per env) with `name` set to `value`, or absent. */
function envWithout(name: string, value?: string, extra: Record<string, unknown> = {}): Env {
	const changed = { ...env, ...extra } as Record<string, unknown>;
	if (value === undefined) delete changed[name];
	else changed[name] = value;
	return changed as unknown as Env;
}

async function expectNotConfigured(res: Response, name: string): Promise<void> {
	expect(res.status).toBe(503);
	expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
	const body = await res.json<{ error: { code: string; message: string } }>();
	expect(body.error.code).toBe("not_configured");
	expect(body.error.message).toContain(name);
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("SIGNING_KEY missing or empty", () => {
	for (const value of ["", undefined]) {
		it(`unsubscribe links are a 503 not_configured (${JSON.stringify(value)})`, async () => {
			const res = await callWithEnv(
				envWithout("SIGNING_KEY", value),
				"/v1/unsubscribe-links",
				keyed({ method: "POST", ...json({ email: "nokey@example.com", list: "news" }) }),
			);
			await expectNotConfigured(res, "SIGNING_KEY");
		});
	}

	it("SIGNING_KEY_PREVIOUS alone signs nothing: links are a 503, not signed with the key on its way out", async () => {
		const res = await callWithEnv(
			envWithout("SIGNING_KEY", "", { SIGNING_KEY_PREVIOUS: SIGNING_KEY }),
			"/v1/unsubscribe-links",
			keyed({ method: "POST", ...json({ email: "previous-only@example.com", list: "news" }) }),
		);
		await expectNotConfigured(res, "SIGNING_KEY");
	});

	it("an unsubscribe link is a 503 page, or plain text for a mail server, never 'not valid'; nothing changes", async () => {
		const link = await issueLink("nokey-link@example.com", "news");
		const noKey = envWithout("SIGNING_KEY", "");
		const page = await callWithEnv(noKey, pathOf(link.url), { headers: { "Accept-Language": "ja" } });
		expect(page.status).toBe(503);
		expect(page.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		const html = await page.text();
		expect(html).toContain('<html lang="ja">');
		expect(html).not.toContain("SIGNING_KEY");

		const oneClick = await callWithEnv(noKey, pathOf(link.url), {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		expect(oneClick.status).toBe(503);
		expect(oneClick.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect(await oneClick.text()).toContain("not_configured");

		const pressed = await callWithEnv(noKey, pathOf(link.url), {
			method: "POST",
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				"Sec-Fetch-Mode": "navigate",
				"Sec-Fetch-Dest": "document",
			},
			body: "List-Unsubscribe=One-Click",
		});
		expect(pressed.status).toBe(503);
		expect(pressed.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(await suppression("nokey-link@example.com", "news")).toEqual({ suppressed: false });
	});

	it("visitor lookups decide from storage: no ce_consent is set, and none is trusted", async () => {
		const vid = "noSigningKeyVisitor_0123456";
		const subject = await visitorSubject(vid);
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: false } }) }),
		);
		// A cookie made under the key now gone (kept as SIGNING_KEY_PREVIOUS) that still allows ads.
		const allowing = await signedVisitorCookie(vid, { ads: true });
		const noKey = envWithout("SIGNING_KEY", "", { SIGNING_KEY_PREVIOUS: SIGNING_KEY });
		for (const path of ["/v1/consent", "/v1/check?purpose=ads", "/preferences"]) {
			const res = await callWithEnv(noKey, path, {
				cf: CA,
				headers: { Cookie: `ce_vid=${vid}; ce_consent=${allowing}` },
			});
			expect(res.status, path).toBe(200);
			expect(
				res.headers.getSetCookie().filter((c) => c.startsWith("ce_consent=")),
				path,
			).toEqual([]);
			const text = await res.text();
			if (path === "/v1/consent") expect(JSON.parse(text).purposes.ads).toBe(false);
			if (path.startsWith("/v1/check")) expect(JSON.parse(text).allowed).toBe(false);
		}
		const write = await callWithEnv(noKey, "/v1/consent", {
			method: "PUT",
			cf: CA,
			...json(
				{ purposes: { analytics: false } },
				{ headers: { Cookie: `ce_vid=${vid}`, Origin: "https://consent.example" } },
			),
		});
		expect(write.status).toBe(200);
		expect(write.headers.getSetCookie().some((c) => c.startsWith("ce_consent="))).toBe(false);
	});

	it("requests that do not need it keep working", async () => {
		const noKey = envWithout("SIGNING_KEY", undefined);
		for (const [path, init] of [
			["/v1/check?purpose=ads", { headers: { "Sec-GPC": "1" } }],
			["/.well-known/gpc.json", {}],
			["/consent.js", {}],
			["/v1/suppressions?email=a@example.com&list=news", keyed()],
		] as const) {
			expect((await callWithEnv(noKey, path, init)).status, path).toBe(200);
		}
	});

	it("is logged once for its env, by name, not on every request", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const noKey = envWithout("SIGNING_KEY", "");
		for (let i = 0; i < 3; i++) {
			await callWithEnv(
				noKey,
				"/v1/unsubscribe-links",
				keyed({ method: "POST", ...json({ email: "log-once@example.com", list: "news" }) }),
			);
		}
		const naming = errors.mock.calls.filter((args) => args.join(" ").includes("SIGNING_KEY"));
		expect(naming).toHaveLength(1);
		expect(errors.mock.calls.join(" ")).not.toContain(ADMIN_KEY);
	});
});

describe("ADMIN_API_KEY missing or empty", () => {
	const keyedCalls: [string, RequestInit][] = [
		["/v1/consent?subject=user:nokey", {}],
		["/v1/consent", { method: "PUT", ...json({ subject: "user:nokey", purposes: { ads: false } }) }],
		["/v1/subjects/user:nokey/records", {}],
		["/v1/subjects/user:nokey/export", {}],
		["/v1/subjects/user:nokey", { method: "DELETE" }],
		["/v1/unsubscribe-links", { method: "POST", ...json({ email: "a@example.com", list: "news" }) }],
		["/v1/suppressions?email=a@example.com&list=news", {}],
	];

	for (const value of ["", "  ", undefined]) {
		it(`a keyed call is a 503 not_configured, whatever key it presents (${JSON.stringify(value)})`, async () => {
			const noKey = envWithout("ADMIN_API_KEY", value);
			for (const [path, init] of keyedCalls) {
				for (const authorization of [`Bearer ${ADMIN_KEY}`, "Bearer ", "Bearer", ""]) {
					const headers = new Headers(init.headers);
					headers.set("Authorization", authorization);
					const res = await callWithEnv(noKey, path, { ...init, headers });
					await expectNotConfigured(res, "ADMIN_API_KEY");
				}
			}
		});
	}

	it("an empty or absent bearer never matches an empty optional key", async () => {
		const emptyKeys = envWithout("READER_API_KEY", "", {
			SENDER_API_KEY: "",
			ADMIN_API_KEY_PREVIOUS: "",
		});
		for (const [path, init] of keyedCalls) {
			for (const authorization of ["Bearer ", "Bearer", "", "Bearer  "]) {
				const headers = new Headers(init.headers);
				headers.set("Authorization", authorization);
				const res = await callWithEnv(emptyKeys, path, { ...init, headers });
				expect(res.status, `${path} ${JSON.stringify(authorization)}`).toBe(401);
			}
		}
	});

	it("a key stored with a trailing newline (secret bulk, the API) matches the bare token", async () => {
		const newline = envWithout("ADMIN_API_KEY", `${ADMIN_KEY}\n`, {
			READER_API_KEY: " reader-key-spaced \n",
		});
		const admin = await callWithEnv(newline, "/v1/consent?subject=user:newline", keyed({}));
		expect(admin.status).toBe(200);
		const reader = await callWithEnv(
			newline,
			"/v1/consent?subject=user:newline",
			keyed({}, "reader-key-spaced"),
		);
		expect(reader.status).toBe(200);
		const wrong = await callWithEnv(newline, "/v1/consent?subject=user:newline", keyed({}, "reader-key"));
		expect(wrong.status).toBe(401);
	});

	it("a configured reader key and visitors keep working", async () => {
		const noKey = envWithout("ADMIN_API_KEY", "", { READER_API_KEY: "reader-key-without-admin" });
		const reader = await callWithEnv(
			noKey,
			"/v1/consent?subject=user:nokey",
			keyed({}, "reader-key-without-admin"),
		);
		expect(reader.status).toBe(200);
		const visitor = await callWithEnv(noKey, "/v1/consent", { cf: CA });
		expect(visitor.status).toBe(200);
		const unkeyed = await callWithEnv(noKey, "/v1/subjects/user:nokey/records", {});
		expect(unkeyed.status).toBe(401);
	});
});

describe("EMAIL_HASH_KEY missing or empty", () => {
	const hashingCalls: [string, RequestInit][] = [
		[
			"/v1/consent",
			{ method: "PUT", ...json({ subject: "user:nohash", purposes: {}, email: "a@example.com" }) },
		],
		["/v1/subjects/user:nohash/export", {}],
		["/v1/subjects/user:nohash", { method: "DELETE" }],
		["/v1/unsubscribe-links", { method: "POST", ...json({ email: "a@example.com", list: "news" }) }],
		["/v1/suppressions?email=a@example.com&list=news", {}],
		["/v1/suppressions", { method: "POST", ...json({ email: "a@example.com", list: "news" }) }],
		["/v1/suppressions/check", { method: "POST", ...json({ emails: ["a@example.com"], list: "news" }) }],
	];

	for (const value of ["", undefined]) {
		it(`what hashes an address or a subject is a 503 not_configured (${JSON.stringify(value)})`, async () => {
			const noKey = envWithout("EMAIL_HASH_KEY", value);
			for (const [path, init] of hashingCalls) {
				const res = await callWithEnv(noKey, path, keyed(init as never));
				await expectNotConfigured(res, "EMAIL_HASH_KEY");
			}
		});
	}

	it("the rest keeps working: a link already sent still unsubscribes (its token holds the hash)", async () => {
		const link = await issueLink("nohash-link@example.com", "news");
		const noKey = envWithout("EMAIL_HASH_KEY", "");
		const oneClick = await callWithEnv(noKey, pathOf(link.url), {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		expect(oneClick.status).toBe(200);
		expect(await suppression("nohash-link@example.com", "news")).toMatchObject({ suppressed: true });
		const records = await callWithEnv(noKey, "/v1/subjects/user:nohash/records", keyed());
		expect(records.status).toBe(200);
		const visitor = await callWithEnv(noKey, "/v1/consent", { cf: CA });
		expect(visitor.status).toBe(200);
	});
});
