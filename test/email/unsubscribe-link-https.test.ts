/**
 * RFC 8058 §3.1 says List-Unsubscribe MUST hold an HTTPS URI. Without PUBLIC_BASE_URL the link is
 * built from the request's origin, so a sender calling over plain http got an http link and header
 * that mailbox providers ignore: it is upgraded to https on the default port. Local hosts (loopback
 * names, IP literals: development without TLS) keep the origin as it is.
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

	it("drops an http port, which would not serve TLS", async () => {
		expect((await linkFrom("http://consent.example:8080")).url).toMatch(
			/^https:\/\/consent\.example\/unsubscribe\?t=/,
		);
	});

	it("keeps an https origin, port included, as it is", async () => {
		expect((await linkFrom("https://consent.example:8443")).url).toMatch(
			/^https:\/\/consent\.example:8443\//,
		);
	});

	it("keeps http for local hosts, where development has no TLS", async () => {
		expect((await linkFrom("http://127.0.0.1:8787")).url).toMatch(/^http:\/\/127\.0\.0\.1:8787\//);
		expect((await linkFrom("http://localhost:8787")).url).toMatch(/^http:\/\/localhost:8787\//);
		expect((await linkFrom("http://192.168.1.5:8787")).url).toMatch(/^http:\/\/192\.168\.1\.5:8787\//);
		expect((await linkFrom("http://[::1]:8787")).url).toMatch(/^http:\/\/\[::1\]:8787\//);
	});
});
