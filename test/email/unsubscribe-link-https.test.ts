/**
 * Audit: RFC 8058 §3.1 says List-Unsubscribe MUST hold an HTTPS URI. Without PUBLIC_BASE_URL the
 * link is built from the request's origin, so a sender calling over plain http got an http link and
 * header that mailbox providers ignore. Loopback hosts (local development) keep http.
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

describe("unsubscribe links are https", () => {
	it("issues an https link when the sender calls over http", async () => {
		const body = await linkFrom("http://consent.example");
		expect(body.url).toMatch(/^https:\/\/consent\.example\/unsubscribe\?t=/);
		expect(body.headers["List-Unsubscribe"]).toBe(`<${body.url}>`);
	});

	it("keeps http for loopback hosts, where local development has no TLS", async () => {
		expect((await linkFrom("http://127.0.0.1:8787")).url).toMatch(/^http:\/\/127\.0\.0\.1:8787\//);
		expect((await linkFrom("http://localhost:8787")).url).toMatch(/^http:\/\/localhost:8787\//);
	});
});
