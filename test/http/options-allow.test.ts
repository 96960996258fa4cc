/**
 * OPTIONS and method errors (RFC 9110 §9.3.7, §15.5.6): a plain OPTIONS (no
 * Access-Control-Request-Method, so no CORS preflight) is answered with the route's `Allow`; an
 * unknown path stays 404; a preflight keeps its CORS answer; a method the route does not take is 405
 * with `Allow` in the contract's JSON error shape.
 */
import { describe, expect, it } from "vitest";
import { BASE, call, keyed } from "../helpers";

describe("a plain OPTIONS request", () => {
	it("is answered with the methods the route takes, exact and pattern routes alike", async () => {
		for (const [path, allow] of [
			["/v1/consent", "GET, PUT, HEAD, OPTIONS"],
			["/v1/consent/", "GET, PUT, HEAD, OPTIONS"],
			["/v1/opt-out", "POST, OPTIONS"],
			["/v1/check?purpose=ads", "GET, HEAD, OPTIONS"],
			["/v1/subjects/user:1/records", "GET, HEAD, OPTIONS"],
			["/v1/subjects/user:1", "DELETE, OPTIONS"],
			["/v1/unsubscribe-links", "POST, OPTIONS"],
			["/preferences", "GET, POST, HEAD, OPTIONS"],
			["/unsubscribe?t=x", "GET, POST, HEAD, OPTIONS"],
			["/consent.js", "GET, HEAD, OPTIONS"],
		] as const) {
			const res = await call(path, { method: "OPTIONS" });
			expect(res.status, path).toBe(204);
			expect(res.headers.get("Allow"), path).toBe(allow);
			expect(res.headers.get("Access-Control-Allow-Methods"), path).toBeNull();
			expect(await res.text(), path).toBe("");
		}
	});

	it("keyed or from a page of an allowed origin, still carries Allow and sets no cookie", async () => {
		const keyedRes = await call("/v1/consent", keyed({ method: "OPTIONS" }));
		expect(keyedRes.status).toBe(204);
		expect(keyedRes.headers.get("Allow")).toBe("GET, PUT, HEAD, OPTIONS");
		const fromPage = await call("/v1/consent", { method: "OPTIONS", headers: { Origin: BASE } });
		expect(fromPage.status).toBe(204);
		expect(fromPage.headers.get("Allow")).toBe("GET, PUT, HEAD, OPTIONS");
		expect(fromPage.headers.getSetCookie()).toEqual([]);
	});

	it("is a 404 in the JSON error shape on a path no route takes", async () => {
		for (const path of ["/v1/nope", "/v1/subjects/user:1/elsewhere"]) {
			const res = await call(path, { method: "OPTIONS" });
			expect(res.status, path).toBe(404);
			expect(res.headers.get("Allow"), path).toBeNull();
			expect(await res.json(), path).toEqual({ error: { code: "not_found", message: expect.any(String) } });
		}
	});
});

describe("a CORS preflight", () => {
	it("keeps its answer, for an allowed origin and for a public path", async () => {
		const pre = await call("/v1/consent", {
			method: "OPTIONS",
			headers: { Origin: BASE, "Access-Control-Request-Method": "PUT" },
		});
		expect(pre.status).toBe(204);
		expect(pre.headers.get("Access-Control-Allow-Origin")).toBe(BASE);
		expect(pre.headers.get("Access-Control-Allow-Methods")).toBe("GET, HEAD, PUT, POST, DELETE");
		const open = await call("/v1/check", {
			method: "OPTIONS",
			headers: { Origin: "https://ads.example", "Access-Control-Request-Method": "GET" },
		});
		expect(open.status).toBe(204);
		expect(open.headers.get("Access-Control-Allow-Origin")).toBe("*");
		expect(open.headers.get("Access-Control-Allow-Methods")).toBe("GET, HEAD");
	});
});

describe("a method the route does not take", () => {
	it("is a 405 with Allow in the contract's JSON error shape, whatever the body's type", async () => {
		for (const [method, path, allow] of [
			["DELETE", "/v1/consent", "GET, PUT, HEAD, OPTIONS"],
			["PATCH", "/v1/opt-out", "POST, OPTIONS"],
			["PUT", "/v1/subjects/user:1/export", "GET, HEAD, OPTIONS"],
			["GET", "/v1/unsubscribe-links", "POST, OPTIONS"],
			["DELETE", "/v1/suppressions", "GET, POST, HEAD, OPTIONS"],
		] as const) {
			const res = await call(path, keyed({ method, body: method === "GET" ? undefined : "{}" }));
			expect(res.status, `${method} ${path}`).toBe(405);
			expect(res.headers.get("Allow"), `${method} ${path}`).toBe(allow);
			expect(res.headers.get("Content-Type"), `${method} ${path}`).toBe("application/json; charset=utf-8");
			expect(await res.json()).toEqual({
				error: { code: "method_not_allowed", message: expect.any(String) },
			});
		}
	});
});
