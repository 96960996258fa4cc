/**
 * Audit: the one-click body. A urlencoded body with a line ending after `One-Click` (as `curl -d @file`
 * and some HTTP libraries send) is still the RFC 8058 body; and the 415 for a non-form body should
 * name what the endpoint takes (a form), not JSON, which it refuses.
 */
import { describe, expect, it } from "vitest";
import { call, issueLink, pathOf, suppression } from "./email-fixtures";

describe("POST /unsubscribe body", () => {
	it("accepts List-Unsubscribe=One-Click followed by a line ending", async () => {
		const link = await issueLink("crlf@example.com", "news");
		const res = await call(pathOf(link.url), {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click\r\n",
		});
		expect(res.status).toBe(200);
		expect((await suppression("crlf@example.com", "news")).suppressed).toBe(true);
	});

	it("answers a JSON body with a 415 that asks for a form, not JSON", async () => {
		const link = await issueLink("json415@example.com", "news");
		const res = await call(pathOf(link.url), {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ "List-Unsubscribe": "One-Click" }),
		});
		expect(res.status).toBe(415);
		const text = await res.text();
		expect(text).not.toContain("application/json");
		expect(text).toContain("List-Unsubscribe=One-Click");
	});
});
