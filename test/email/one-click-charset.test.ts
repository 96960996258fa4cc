/**
 * Audit: a genuine one-click POST whose urlencoded Content-Type names a charset other than UTF-8
 * (`charset=us-ascii`, `iso-8859-1`, `windows-1252`, `shift_jis`) was a 400 "form body could not
 * be parsed" and the unsubscribe was lost (providers do not retry). The body is ASCII; the label
 * changes nothing about it. Forms to /preferences and /v1/opt-out failed the same way.
 */
import { describe, expect, it } from "vitest";
import { readBody } from "../../workers/http/request-body";
import { BASE } from "../helpers";
import { call, issueLink, pathOf, suppression } from "./email-fixtures";

const CHARSETS = ["us-ascii", "ISO-8859-1", "windows-1252", "shift_jis", "bogus"];

describe("one-click with a charset parameter", () => {
	it("unsubscribes whatever charset the urlencoded body is labelled with", async () => {
		for (const [i, charset] of CHARSETS.entries()) {
			const email = `charset${i}@example.com`;
			const link = await issueLink(email, "news");
			const res = await call(pathOf(link.url), {
				method: "POST",
				headers: { "Content-Type": `application/x-www-form-urlencoded; charset=${charset}` },
				body: "List-Unsubscribe=One-Click",
			});
			expect(res.status, charset).toBe(200);
			expect((await suppression(email, "news")).suppressed, charset).toBe(true);
		}
	});

	it("reads such a form in readBody, for every form endpoint", async () => {
		const body = await readBody(
			new Request(`${BASE}/`, {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1" },
				body: "ads=on&subject=user%3A1",
			}),
			["form"],
		);
		expect(body.value).toEqual({ ads: "on", subject: "user:1" });
	});

	it("answers a preferences form labelled iso-8859-1 with its 303", async () => {
		const res = await call("/preferences", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1" },
			body: "ads=on",
		});
		expect(res.status).toBe(303);
	});
});
