/**
 * Errors on the API's paths answer a machine caller in the contract's JSON error shape: a keyed call
 * sending a form to a JSON-only path got its 415 (and a form post's 401, 404 or 405) as an HTML page.
 * Pages keep theirs: the preference centre, /unsubscribe, and a form post to /v1/opt-out, the one API
 * path that takes a form (CONTRACT.md: its errors keep their status with an HTML body).
 */
import { describe, expect, it } from "vitest";
import { call, keyed } from "../helpers";

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

async function expectJsonError(res: Response, status: number, code: string, label: string) {
	expect(res.status, label).toBe(status);
	expect(res.headers.get("Content-Type"), label).toBe("application/json; charset=utf-8");
	expect(await res.json(), label).toEqual({ error: { code, message: expect.any(String) } });
}

describe("a form sent to a JSON-only API path", () => {
	it("keyed, is a 415 in the JSON error shape", async () => {
		for (const path of ["/v1/unsubscribe-links", "/v1/suppressions", "/v1/suppressions/check"]) {
			const res = await call(
				path,
				keyed({ method: "POST", headers: FORM, body: "email=a%40example.com&list=news" }),
			);
			await expectJsonError(res, 415, "unsupported_media_type", path);
		}
		const multipart = new FormData();
		multipart.set("email", "a@example.com");
		const res = await call("/v1/unsubscribe-links", keyed({ method: "POST", body: multipart }));
		await expectJsonError(res, 415, "unsupported_media_type", "multipart");
	});

	it("keyed with a wrong key, or without a key, is a 401 in the JSON error shape", async () => {
		const wrongKey = await call(
			"/v1/unsubscribe-links",
			keyed(
				{ method: "POST", headers: FORM, body: "email=a%40example.com" },
				"wrong-key-0123456789abcdef0123456",
			),
		);
		await expectJsonError(wrongKey, 401, "unauthorized", "wrong key");
		const noKey = await call("/v1/suppressions", {
			method: "POST",
			headers: FORM,
			body: "email=a%40example.com",
		});
		await expectJsonError(noKey, 401, "unauthorized", "no key");
	});

	it("on a path or method no route takes, is the JSON 404 or 405", async () => {
		const body = "purposes=ads";
		await expectJsonError(
			await call("/v1/nope", { method: "POST", headers: FORM, body }),
			404,
			"not_found",
			"404",
		);
		for (const path of ["/v1/consent", "/v1/check", "/v1/subjects/user:1/records", "/.well-known/gpc.json"]) {
			const res = await call(path, keyed({ method: "POST", headers: FORM, body }));
			expect(res.headers.get("Allow"), path).toMatch(/OPTIONS$/);
			await expectJsonError(res, 405, "method_not_allowed", path);
		}
	});
});

describe("pages keep their HTML errors", () => {
	it("a visitor's form post to /v1/opt-out from another site is a 403 page", async () => {
		const res = await call("/v1/opt-out", {
			method: "POST",
			headers: { ...FORM, Origin: "https://evil.example", Accept: "application/json" },
			body: "",
		});
		expect(res.status).toBe(403);
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
	});

	it("the preference centre answers a method it does not take with a 405 page", async () => {
		const res = await call("/preferences", { method: "PUT", headers: FORM, body: "ads=on" });
		expect(res.status).toBe(405);
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
	});
});
