/**
 * Wording decisions from a review of the pages' English and Japanese text, each pinned with the reason
 * it was made: what a sentence claims must be what the code does, and the same thing must be called
 * the same way everywhere.
 */
import { describe, expect, it } from "vitest";
import { call } from "../helpers";

const JA = { "Accept-Language": "ja" };

async function page(path: string, init: Parameters<typeof call>[1] = {}): Promise<string> {
	const res = await call(path, init);
	return res.text();
}

describe("page wording", () => {
	it("the Japanese default names the region the request comes from, not where the visitor lives", async () => {
		// The jurisdiction is read from the request's location (request.cf), not from a residence.
		const html = await page("/preferences", { cf: { country: "JP" }, headers: JA });
		expect(html).toContain("現在：オン（アクセス元の地域の初期設定）");
		expect(html).not.toContain("お住まい");
	});
});
