/**
 * A keyed write names its subject in the body (CONTRACT.md, Identity). A `?subject=` on it, as lookups
 * take it, must not be passed over: naming another subject than the body's it is a 400 and nothing is
 * written (before, the body's subject was written while the caller may have meant the query's); alone,
 * the 400 says where the subject goes.
 */
import { describe, expect, it } from "vitest";
import { call, countRecords, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const JSON_TYPE = { "Content-Type": "application/json" };
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

const error = async (res: Response) => (await res.json<{ error: { code: string; message: string } }>()).error;

describe("a keyed write with ?subject=", () => {
	it("naming another subject than the body's is a 400 invalid_query and writes neither", async () => {
		const writes = [
			["PUT", "/v1/consent", JSON_TYPE, JSON.stringify({ subject: "user:qbody1", purposes: { ads: false } })],
			["POST", "/v1/opt-out", JSON_TYPE, JSON.stringify({ subject: "user:qbody1" })],
			["POST", "/v1/opt-out", FORM, "subject=user%3Aqbody1"],
		] as const;
		for (const [method, path, headers, body] of writes) {
			const res = await call(`${path}?subject=user:qquery1`, keyed({ method, cf: CA, headers, body }));
			expect(res.status, `${method} ${path} ${headers["Content-Type"]}`).toBe(400);
			// A form post's error is a page (CONTRACT.md); a JSON call's carries the code.
			if (headers === JSON_TYPE) expect((await error(res)).code).toBe("invalid_query");
			else expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
		}
		expect(await countRecords("user:qbody1")).toBe(0);
		expect(await countRecords("user:qquery1")).toBe(0);
	});

	it("with no subject in the body is a 400 invalid_body that says the subject goes in the body", async () => {
		const res = await call(
			"/v1/consent?subject=user:qonly",
			keyed({
				method: "PUT",
				cf: CA,
				headers: JSON_TYPE,
				body: JSON.stringify({ purposes: { ads: false } }),
			}),
		);
		expect(res.status).toBe(400);
		const { code, message } = await error(res);
		expect(code).toBe("invalid_body");
		expect(message).toMatch(/body/);
		expect(message).toMatch(/\?subject=/);
		expect(await countRecords("user:qonly")).toBe(0);
	});

	it("naming the body's own subject is written as before", async () => {
		const res = await call(
			"/v1/consent?subject=user:qsame",
			keyed({
				method: "PUT",
				cf: CA,
				headers: JSON_TYPE,
				body: JSON.stringify({ subject: "user:qsame", purposes: { ads: false } }),
			}),
		);
		expect(res.status).toBe(200);
		expect(await countRecords("user:qsame")).toBe(1);
	});
});
