/**
 * CONTRACT.md, Running it: `PUBLIC_BASE_URL` (var, base of links the worker issues; default: the
 * request's origin). Unset, the link a sender gets starts with the origin it called, whatever its
 * scheme: a sender wanting https links calls over https or sets PUBLIC_BASE_URL.
 */
import { describe, expect, it } from "vitest";
import { envWith } from "../helpers";
import { call, callWithEnv, json, keyed, suppression } from "./email-fixtures";

async function linkFrom(origin: string): Promise<{ url: string; headers: Record<string, string> }> {
	const res = await call(new URL("/v1/unsubscribe-links", origin).href, {
		method: "POST",
		...json({ email: "ada@example.com", list: "news" }, keyed()),
	});
	expect(res.status).toBe(200);
	return res.json();
}

describe("unsubscribe links without PUBLIC_BASE_URL", () => {
	it("start with the request's origin, an http one included", async () => {
		for (const origin of ["http://consent.example", "http://consent.example:8080", "http://worker:8787"]) {
			const body = await linkFrom(origin);
			expect(body.url.startsWith(`${origin}/unsubscribe?t=`), origin).toBe(true);
			expect(body.headers["List-Unsubscribe"]).toBe(`<${body.url}>`);
		}
	});

	it("start with an https request's origin, port included", async () => {
		expect((await linkFrom("https://consent.example:8443")).url).toMatch(
			/^https:\/\/consent\.example:8443\/unsubscribe\?t=/,
		);
	});
});

describe("unsubscribe links after PUBLIC_BASE_URL changes", () => {
	it("sent under the old base, still unsubscribe when the old host reaches the worker (tokens name no host)", async () => {
		const before = envWith({ PUBLIC_BASE_URL: "https://old-consent.example" } as Partial<Env>);
		const res = await callWithEnv(
			before,
			"/v1/unsubscribe-links",
			keyed({ method: "POST", ...json({ email: "moved-base@example.com", list: "news" }) }),
		);
		const { url } = await res.json<{ url: string }>();
		expect(url.startsWith("https://old-consent.example/unsubscribe?t=")).toBe(true);
		const after = envWith({ PUBLIC_BASE_URL: "https://consent.example" } as Partial<Env>);
		const post = await callWithEnv(after, url, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		expect(post.status).toBe(200);
		expect(await suppression("moved-base@example.com", "news")).toMatchObject({ suppressed: true });
	});
});
