/** POST /v1/opt-out's body: a JSON body of the wrong type is 400 `invalid_body` like any schema violation. */
import { describe, expect, it } from "vitest";
import { call, countRecords, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

const code = async (res: Response) => (await res.json<{ error: { code: string } }>()).error.code;

describe("JSON bodies of the wrong type", () => {
	it.each(["[1,2]", "[]", "null", '"x"', "5", "true", '[{"subject":"user:1"}]'])(
		"a visitor's opt-out with %s is 400 invalid_body and writes nothing",
		async (body) => {
			const visitor = new Visitor(CA);
			const res = await visitor.fetch("/v1/opt-out", {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body,
			});
			expect(res.status).toBe(400);
			expect(await code(res)).toBe("invalid_body");
			const doc = await (await visitor.fetch("/v1/consent")).json<{ subject: string; version: number }>();
			expect(doc.version).toBe(0);
			expect(await countRecords(doc.subject)).toBe(0);
		},
	);

	it.each(["null", "[]", '[{"subject":"user:arr"}]'])(
		"a keyed opt-out with %s is 400 invalid_body",
		async (body) => {
			const res = await call(
				"/v1/opt-out",
				keyed({ method: "POST", headers: { "Content-Type": "application/json" }, body }),
			);
			expect(res.status).toBe(400);
			expect(await code(res)).toBe("invalid_body");
		},
	);

	it("an empty body and {} still opt out", async () => {
		expect((await call("/v1/opt-out", { method: "POST", cf: CA })).status).toBe(200);
		expect((await call("/v1/opt-out", { method: "POST", cf: CA, ...json({}) })).status).toBe(200);
	});

	it.each(["null", "[]", '[{"subject":"user:arr","purposes":{}}]', '[{"purposes":{"ads":false}}]'])(
		"PUT /v1/consent with %s is 400 invalid_body (visitor and keyed)",
		async (body) => {
			const init = { method: "PUT", headers: { "Content-Type": "application/json" }, body };
			for (const res of [
				await call("/v1/consent", { ...init, cf: CA }),
				await call("/v1/consent", keyed(init)),
			]) {
				expect(res.status).toBe(400);
				expect(await code(res)).toBe("invalid_body");
			}
		},
	);
});
