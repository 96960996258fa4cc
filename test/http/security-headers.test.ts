import { describe, expect, it } from "vitest";
import { call } from "../helpers";

function expectHardened(res: Response) {
	const csp = res.headers.get("Content-Security-Policy") ?? "";
	expect(csp).toMatch(/default-src 'none'/);
	expect(csp).toMatch(/frame-ancestors 'none'/);
	expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
	expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
	expect(res.headers.get("Referrer-Policy")).toBeTruthy();
}

describe("HTML pages carry strict security headers", () => {
	it("the preference centre", async () => {
		const res = await call("/preferences");
		expect(res.status).toBe(200);
		expectHardened(res);
	});

	it("the unsubscribe pages, including their errors", async () => {
		for (const path of ["/unsubscribe", "/unsubscribe?t=forged"]) {
			const res = await call(path);
			expect(res.status).toBeGreaterThanOrEqual(400);
			expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
			expectHardened(res);
		}
	});

	it("HTML error pages of form posts", async () => {
		const res = await call("/v1/opt-out", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
			body: "",
		});
		expect(res.status).toBe(403);
		expectHardened(res);
	});

	it("visitor cookies carry SameSite, Secure on https, HttpOnly for the id", async () => {
		const res = await call("/preferences");
		const vid = res.headers.getSetCookie().find((c) => c.startsWith("ce_vid="));
		expect(vid).toMatch(/SameSite=Lax/);
		expect(vid).toMatch(/Secure/);
		expect(vid).toMatch(/HttpOnly/);
	});
});
