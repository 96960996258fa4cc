/**
 * COOKIE_SAMESITE=None (for cross-site callers) needs https: browsers refuse a `SameSite=None` cookie
 * without `Secure`, and a `Secure` one set over plain http. Over http the worker falls back to Lax, so
 * a visitor reached that way (a staging host, a proxy that ends TLS before the worker) keeps their id
 * and the choices stored under it.
 */
import { describe, expect, it } from "vitest";
import { callWithEnv, envWith } from "../helpers";

const cross = () => envWith({ COOKIE_SAMESITE: "None" } as Partial<Env>);

describe("COOKIE_SAMESITE=None", () => {
	it("is sent over https with Secure", async () => {
		const res = await callWithEnv(cross(), "https://consent.example/v1/consent", { cf: { country: "DE" } });
		const lines = res.headers.getSetCookie();
		expect(lines.length).toBe(2);
		for (const line of lines) expect(line).toMatch(/; SameSite=None; Secure/);
	});

	it("falls back to Lax over plain http, where a browser would refuse the cookie", async () => {
		const res = await callWithEnv(cross(), "http://consent.example/v1/consent", { cf: { country: "DE" } });
		const lines = res.headers.getSetCookie();
		expect(lines.length).toBe(2);
		for (const line of lines) {
			expect(line).toMatch(/; SameSite=Lax/);
			expect(line).not.toMatch(/Secure/);
		}
	});
});
