/**
 * CONTRACT.md, Endpoints: a form post to /preferences "saves (unchecked = denied) and answers 303 to
 * `/preferences?saved=1`"; POST /v1/opt-out answers "303 to `/preferences?saved=1` for a form post";
 * "hidden fields are allowed and will be sent back". A hidden field (here `return`, which the page
 * itself now adds) must not change where the 303 leads.
 */
import { describe, expect, it } from "vitest";
import { BASE, call, Visitor } from "../helpers";

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

describe("the confirmation at /preferences?saved=1", () => {
	const SAVED = '<p class="notice" role="status">Your choices have been saved.</p>';
	const formPost = (visitor: Visitor, path: string) =>
		visitor.fetch(path, { method: "POST", headers: FORM, body: "form=preferences&analytics=on" });

	it("is not claimed by a mere link: a visitor with stored choices who saved nothing is not told 'saved'", async () => {
		// Anyone can link to /preferences?saved=1 (another site, a mail): a person with a ce_vid and
		// stored choices must not read that their choices were just saved when nothing was.
		const visitor = new Visitor({ country: "DE" });
		expect((await visitor.put({ ads: false }, { headers: { Origin: BASE } })).status).toBe(200);
		for (const lang of ["ja", "en"]) {
			const html = await (await visitor.fetch(`/preferences?saved=1&lang=${lang}`)).text();
			expect(html).not.toContain(SAVED);
			expect(html).not.toContain("設定を保存しました");
			expect(html).not.toMatch(/<title>(Your choices have been saved|設定を保存しました)/);
		}
		// The browser's own save, by either form button, says so (and on a reload within the minute).
		for (const path of ["/preferences", "/v1/opt-out"]) {
			const res = await formPost(visitor, path);
			expect(res.status, path).toBe(303);
			const location = res.headers.get("Location") ?? "";
			for (let load = 0; load < 2; load++)
				expect(await (await visitor.fetch(location)).text(), path).toContain(SAVED);
		}
	});
});
