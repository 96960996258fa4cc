/**
 * /unsubscribe: GET shows a confirmation (en/ja) and changes nothing; POST with the RFC 8058 body
 * (urlencoded or multipart, no cookies, no auth) suppresses at once with a 200 and no redirect,
 * idempotently; tokens that do not verify are 400/403 and change nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import { signUnsubscribeToken } from "../../workers/email/unsubscribe-token";
import { consumeDeferredWrites, type DeferredWrite } from "../../workers/queue/deferred-writes";
import { brokenD1, SIGNING_KEY } from "../helpers";
import {
	call,
	callWithEnv,
	issueLink,
	oneClick,
	pathOf,
	suppression,
	suppressionRows,
	tamperMac,
} from "./email-fixtures";

async function tokenFor(email: string, list: string, expiresAt: number, key = SIGNING_KEY): Promise<string> {
	const emailHash = await hashEmail(email, env.EMAIL_HASH_KEY);
	return signUnsubscribeToken({ emailHash, list, expiresAt }, key);
}

describe("GET /unsubscribe", () => {
	it("shows a confirmation whose form posts the one-click body to the same URL, and changes nothing", async () => {
		const link = await issueLink("grace@example.com", "news");
		const path = pathOf(link.url);
		const rows = await suppressionRows();
		for (let i = 0; i < 3; i++) {
			const res = await call(path);
			expect(res.status).toBe(200);
			expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
			expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
			expect(res.headers.getSetCookie()).toEqual([]);
			const html = await res.text();
			expect(html).toContain('<html lang="en">');
			expect(html).toContain(`<form method="post" action="${path.replace(/&/g, "&amp;")}">`);
			expect(html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
			expect(html).toContain("Stop sending email from the list “news” to this address?");
			expect(html).toMatch(/<button type="submit" class="button">Unsubscribe<\/button>/);
		}
		expect(await suppressionRows()).toBe(rows);
		expect(await suppression("grace@example.com", "news")).toEqual({ suppressed: false });
	});

	it("speaks Japanese by Accept-Language or ?lang, keeping the token in the switch link and the form", async () => {
		const link = await issueLink("grace@example.com", "*");
		const path = pathOf(link.url);
		const html = await (await call(path, { headers: { "Accept-Language": "ja" } })).text();
		expect(html).toContain('<html lang="ja">');
		expect(html).toContain("このアドレスへの、すべての配信リストのメール配信を停止しますか？");
		expect(html).toContain('<button type="submit" class="button">配信を停止する</button>');
		expect(html).toContain(`href="/unsubscribe?t=${link.url.split("t=")[1]}&amp;lang=en"`);
		const viaQuery = await (await call(`${path}&lang=ja`)).text();
		expect(viaQuery).toContain('<html lang="ja">');
		expect(viaQuery).toContain(`action="${path}&amp;lang=ja"`);
	});

	it("says so when the address is already unsubscribed", async () => {
		const link = await issueLink("already@example.com", "news");
		await oneClick(pathOf(link.url));
		const html = await (await call(pathOf(link.url))).text();
		expect(html).toContain("This address is already unsubscribed from “news”.");
		expect(html).not.toContain("<form");
	});

	it("answers missing, malformed, forged and expired tokens with HTML 400/403", async () => {
		const link = await issueLink("grace@example.com", "news");
		const token = link.url.split("t=")[1] ?? "";
		const expired = await tokenFor("grace@example.com", "news", Date.now() - 60_000);
		const cases: [string, number, string][] = [
			["/unsubscribe", 400, "The link has no unsubscribe token."],
			["/unsubscribe?t=", 400, "The link has no unsubscribe token."],
			["/unsubscribe?t=nonsense", 400, "The link is incomplete or damaged."],
			[`/unsubscribe?t=${token.slice(0, -44)}`, 400, "The link is incomplete or damaged."],
			[`/unsubscribe?t=${tamperMac(token)}`, 403, "The link is not valid."],
			[`/unsubscribe?t=${expired}`, 403, "The link has expired."],
		];
		for (const [path, status, message] of cases) {
			const res = await call(path);
			expect(res.status, path).toBe(status);
			expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
			expect(await res.text()).toContain(message);
		}
		const ja = await call(`/unsubscribe?t=${expired}&lang=ja`);
		expect(ja.status).toBe(403);
		expect(await ja.text()).toContain("このリンクは有効期限が切れています。");
	});
});

describe("POST /unsubscribe (one-click)", () => {
	it("suppresses at once with 200, no redirect and no cookies (urlencoded)", async () => {
		const link = await issueLink("lin@example.com", "news");
		const res = await oneClick(pathOf(link.url));
		expect(res.status).toBe(200);
		expect(res.headers.get("Location")).toBeNull();
		expect(res.headers.getSetCookie()).toEqual([]);
		expect(await res.text()).toContain("You are unsubscribed from “news”.");
		const status = await suppression("lin@example.com", "news");
		expect(status.suppressed).toBe(true);
		expect(Date.now() - Date.parse(status.since ?? "")).toBeLessThan(60_000);
		// Bound to its list: other lists are still allowed.
		expect(await suppression("lin@example.com", "offers")).toEqual({ suppressed: false });
	});

	it("accepts multipart bodies", async () => {
		const link = await issueLink("multi@example.com", "news");
		const res = await oneClick(pathOf(link.url), "multipart");
		expect(res.status).toBe(200);
		expect((await suppression("multi@example.com", "news")).suppressed).toBe(true);
	});

	it("is idempotent: repeats answer 200 and keep the first time", async () => {
		const link = await issueLink("again@example.com", "news");
		await oneClick(pathOf(link.url));
		const first = await suppression("again@example.com", "news");
		const rows = await suppressionRows();
		for (let i = 0; i < 3; i++) expect((await oneClick(pathOf(link.url))).status).toBe(200);
		expect(await suppressionRows()).toBe(rows);
		expect(await suppression("again@example.com", "news")).toEqual(first);
	});

	it("ignores cookies and authorization sent along", async () => {
		const link = await issueLink("cookies@example.com", "news");
		const res = await call(pathOf(link.url), {
			method: "POST",
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				Cookie: "ce_vid=AAAAAAAAAAAAAAAAAAAAAAAA",
				Authorization: "Bearer wrong",
			},
			body: "List-Unsubscribe=One-Click",
		});
		expect(res.status).toBe(200);
		expect((await suppression("cookies@example.com", "news")).suppressed).toBe(true);
	});

	it("records the confirmation page's button as `link`, a mail client's post as `one-click`", async () => {
		const page = await issueLink("page@example.com", "news");
		const client = await issueLink("client@example.com", "news");
		const pageRes = await oneClick(pathOf(page.url), "urlencoded", "&via=page");
		expect(pageRes.status).toBe(200);
		expect(await pageRes.text()).toContain('<html lang="en">');
		await oneClick(pathOf(client.url));
		const sources = await env.DB.prepare(
			"SELECT email_hash, source FROM email_suppressions WHERE email_hash IN (?, ?)",
		)
			.bind(
				await hashEmail("page@example.com", env.EMAIL_HASH_KEY),
				await hashEmail("client@example.com", env.EMAIL_HASH_KEY),
			)
			.all<{ email_hash: string; source: string }>();
		const bySource = new Map(sources.results.map((r) => [r.email_hash, r.source]));
		expect(bySource.get(await hashEmail("page@example.com", env.EMAIL_HASH_KEY))).toBe("link");
		expect(bySource.get(await hashEmail("client@example.com", env.EMAIL_HASH_KEY))).toBe("one-click");
	});

	it("stores only the keyed hash, never the address", async () => {
		const link = await issueLink("secret.person@example.com", "news");
		await oneClick(pathOf(link.url));
		const dump = await env.DB.prepare("SELECT * FROM email_suppressions").all();
		expect(JSON.stringify(dump.results)).not.toContain("secret.person");
	});

	it("rejects forged, truncated, expired and other-list tokens in plain text, changing nothing", async () => {
		const link = await issueLink("forge@example.com", "news");
		const other = await issueLink("forge@example.com", "offers");
		const token = link.url.split("t=")[1] ?? "";
		const otherParts = (other.url.split("t=")[1] ?? "").split(".");
		const parts = token.split(".");
		const swappedList = [parts[0], parts[1], otherParts[2], parts[3], parts[4]].join(".");
		const expired = await tokenFor("forge@example.com", "news", Date.now() - 1000);
		const foreignKey = await tokenFor(
			"forge@example.com",
			"news",
			Date.now() + 60_000,
			"someone-elses-key-0123456789",
		);
		const rows = await suppressionRows();
		const cases: [string, number][] = [
			["", 400],
			["garbage", 400],
			[token.slice(0, 60), 400],
			[tamperMac(token), 403],
			[swappedList, 403],
			[expired, 403],
			[foreignKey, 403],
		];
		for (const [t, status] of cases) {
			const res = await oneClick(t ? `/unsubscribe?t=${t}` : "/unsubscribe");
			expect(res.status, t).toBe(status);
			expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
			expect(res.headers.get("Location")).toBeNull();
		}
		expect(await suppressionRows()).toBe(rows);
		expect(await suppression("forge@example.com", "news")).toEqual({ suppressed: false });
		expect(await (await oneClick(`/unsubscribe?t=${expired}`)).text()).toBe(
			"403 expired_token: This unsubscribe link has expired.\n",
		);
	});

	it("rejects a token whose MAC has a bit changed in its last character (the spare bits base64url leaves there)", async () => {
		const link = await issueLink("spare-bits@example.com", "news");
		const token = link.url.split("t=")[1] ?? "";
		// 32 bytes are 43 base64url characters: the last carries 4 bits of the MAC and 2 spare ones.
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const last = alphabet.indexOf(token.at(-1) ?? "");
		const rows = await suppressionRows();
		for (const bit of [1, 2]) {
			const tampered = `${token.slice(0, -1)}${alphabet[last ^ bit]}`;
			const page = await call(`/unsubscribe?t=${tampered}`);
			expect(page.status, tampered).toBe(403);
			expect(await page.text()).toContain("The link is not valid.");
			const post = await oneClick(`/unsubscribe?t=${tampered}`);
			expect(post.status, tampered).toBe(403);
			expect(await post.text()).toBe("403 invalid_token: This unsubscribe link is not valid.\n");
		}
		expect(await suppressionRows()).toBe(rows);
		expect(await suppression("spare-bits@example.com", "news")).toEqual({ suppressed: false });
		expect((await oneClick(pathOf(link.url))).status).toBe(200);
	});

	it("answers a browser without Fetch Metadata that asks for HTML with a page; a server asking for anything keeps plain text", async () => {
		const expired = await tokenFor("old-browser@example.com", "news", Date.now() - 1000);
		const post = (accept: string) =>
			call(`/unsubscribe?t=${expired}&lang=ja`, {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
				body: "List-Unsubscribe=One-Click&via=page",
			});
		const browser = await post("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
		expect(browser.status).toBe(403);
		expect(browser.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(await browser.text()).toContain("このリンクは有効期限が切れています。");
		const server = await post("*/*");
		expect(server.status).toBe(403);
		expect(server.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
		expect(server.headers.get("Location")).toBeNull();
	});

	it("needs the RFC 8058 body: other fields 400, other content types 415, nothing changes", async () => {
		const link = await issueLink("body@example.com", "news");
		const path = pathOf(link.url);
		const wrong = await call(path, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=Maybe",
		});
		expect(wrong.status).toBe(400);
		expect(wrong.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
		const jsonBody = await call(path, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ "List-Unsubscribe": "One-Click" }),
		});
		expect(jsonBody.status).toBe(415);
		expect(await suppression("body@example.com", "news")).toEqual({ suppressed: false });
	});

	it("limits invalid-token posts per client when a limiter is bound, never genuine ones", async () => {
		let calls = 0;
		const limiter = { limit: async () => ({ success: ++calls <= 2 }) };
		const testEnv = { ...env, UNSUBSCRIBE_LIMITER: limiter } as unknown as Env;
		const post = (path: string) =>
			callWithEnv(testEnv, path, {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": "203.0.113.9" },
				body: "List-Unsubscribe=One-Click",
			});
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await post("/unsubscribe?t=garbage")).status);
		expect(statuses).toEqual([400, 400, 429, 429]);
		const limited = await post("/unsubscribe?t=garbage");
		expect(limited.headers.get("Retry-After")).toBe("60");
		const link = await issueLink("limited@example.com", "news");
		expect((await post(pathOf(link.url))).status).toBe(200);
		expect(calls).toBe(5);
	});

	it("queues the unsubscribe when D1 is down and still answers 200; the consumer applies it", async () => {
		const link = await issueLink("outage@example.com", "news");
		const sent: unknown[] = [];
		const queue = { send: async (message: unknown) => void sent.push(message) };
		const res = await callWithEnv(
			{ ...env, DB: brokenD1(), CONSENT_QUEUE: queue } as unknown as Env,
			pathOf(link.url),
			{
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: "List-Unsubscribe=One-Click",
			},
		);
		expect(res.status).toBe(200);
		expect(res.headers.get("Location")).toBeNull();
		expect(sent).toEqual([
			{
				type: "email-suppression",
				claim: {
					emailHash: await hashEmail("outage@example.com", env.EMAIL_HASH_KEY),
					list: "news",
					expiresAt: expect.any(Number),
				},
				source: "one-click",
				jurisdiction: "ZZ",
				gpc: false,
				now: expect.any(Number),
			},
		]);
		expect(await suppression("outage@example.com", "news")).toEqual({ suppressed: false });

		const acked: string[] = [];
		const batch = {
			queue: "consent-edge-writes",
			messages: sent.map((body, i) => ({
				id: `m${i}`,
				body,
				attempts: 1,
				timestamp: new Date(),
				ack: () => acked.push(`m${i}`),
				retry: () => {
					throw new Error("should not retry");
				},
			})),
		};
		await consumeDeferredWrites(batch as unknown as MessageBatch<DeferredWrite>, env);
		expect(acked).toEqual(["m0"]);
		expect((await suppression("outage@example.com", "news")).suppressed).toBe(true);
	});

	it("answers 503 with Retry-After only when D1 and the queue both fail", async () => {
		const link = await issueLink("outage2@example.com", "news");
		const queue = {
			send: async () => {
				throw new Error("queue down");
			},
		};
		const res = await callWithEnv(
			{ ...env, DB: brokenD1(), CONSENT_QUEUE: queue } as unknown as Env,
			pathOf(link.url),
			{
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: "List-Unsubscribe=One-Click",
			},
		);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toBe("5");
		expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
	});

	it("tells a person who pressed the Japanese confirmation's button during the outage in a Japanese page", async () => {
		const link = await issueLink("outage3@example.com", "news");
		const queue = {
			send: async () => {
				throw new Error("queue down");
			},
		};
		const res = await callWithEnv(
			{ ...env, DB: brokenD1(), CONSENT_QUEUE: queue } as unknown as Env,
			`${pathOf(link.url)}&lang=ja`,
			{
				method: "POST",
				headers: {
					"Content-Type": "application/x-www-form-urlencoded",
					"Sec-Fetch-Mode": "navigate",
					"Sec-Fetch-Site": "same-origin",
				},
				body: "List-Unsubscribe=One-Click&via=page",
			},
		);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toBe("5");
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		const html = await res.text();
		expect(html).toContain('<html lang="ja">');
		expect(html).toContain("しばらくしてから、もう一度お試しください。");
		expect(html).not.toContain("storage_unavailable");
	});
});
