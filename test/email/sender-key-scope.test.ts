/**
 * CONTRACT.md, Running it: `SENDER_API_KEY` is a scoped key for mail senders, "limited to unsubscribe
 * links and suppression checks". Recording a suppression (POST /v1/suppressions, which turns `email`
 * off for linked subjects) is neither.
 */
import { describe, expect, it } from "vitest";
import { callWithEnv, envWithScopedKeys, json, keyed, SENDER_KEY } from "./email-fixtures";

describe("a sender key", () => {
	it("cannot record a suppression", async () => {
		const res = await callWithEnv(envWithScopedKeys(), "/v1/suppressions", {
			method: "POST",
			...json({ email: "scope@example.com", list: "news" }, keyed({}, SENDER_KEY)),
		});
		expect(res.status).toBe(403);
	});
});
