/**
 * CONTRACT.md, Running it: `PUBLIC_BASE_URL` (var, base of links the worker issues; default: the
 * request's origin). Unset, the link a sender gets starts with the origin it called, whatever its
 * scheme: a sender wanting https links calls over https or sets PUBLIC_BASE_URL.
 */
import { describe, expect, it } from "vitest";
import { call, json, keyed } from "./email-fixtures";

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
