/**
 * CONTRACT.md, Endpoints: a form post to /preferences "saves (unchecked = denied) and answers 303 to
 * `/preferences?saved=1`"; POST /v1/opt-out answers "303 to `/preferences?saved=1` for a form post";
 * "hidden fields are allowed and will be sent back". A hidden field (here `return`, which the page
 * itself now adds) must not change where the 303 leads.
 */
import { describe, expect, it } from "vitest";
import { BASE, call } from "../helpers";

const FORM = { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE };
const post = (path: string, body: string) =>
	call(path, { method: "POST", cf: { country: "DE" }, headers: FORM, body });

describe("a form post's 303", () => {
	it("leads to /preferences?saved=1 whatever hidden fields the form sent back", async () => {
		const back = encodeURIComponent(`${BASE}/article`);
		for (const path of ["/preferences", "/v1/opt-out"]) {
			const res = await post(path, `form=preferences&analytics=on&return=${back}`);
			expect(res.status, path).toBe(303);
			expect(res.headers.get("Location"), path).toBe("/preferences?saved=1");
		}
	});
});
