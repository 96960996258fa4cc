/**
 * Odd and malformed requests to the signal endpoints (gpc.json, consent.js, the decision lookups a
 * tag reads its GPP and Consent Mode from): never a 5xx, and every JSON error in the contract's shape.
 */
import { describe, expect, it } from "vitest";
import { type CallInit, call, keyed } from "../helpers";

const PATHS = ["/.well-known/gpc.json", "/consent.js", "/v1/consent", "/v1/check?purpose=ads"];

const ODD_HEADERS: Record<string, string>[] = [
	{ "Sec-GPC": "1, 1, 1" },
	{ "Sec-GPC": "\u00ff" },
	{ "Sec-GPC": "1".repeat(10_000) },
	{ "If-None-Match": '"' },
	{ "If-None-Match": "*" },
	{ "If-None-Match": `W/${"x".repeat(8000)}` },
	{ "If-None-Match": ",,,,," },
	{ "If-Modified-Since": "not a date" },
	{ Range: "bytes=0-10" },
	{ Range: "bytes=999999-" },
	{ Accept: "text/html" },
	{ Accept: "application/xml;q=0" },
	{ "Accept-Encoding": "br;q=2, *;q=-1" },
	{ "X-Debug-Geo": "US-" },
	{ "X-Debug-Geo": "us-ca" },
	{ "X-Debug-Geo": "US-ZZZZ" },
	{ "X-Debug-Geo": "ZZ" },
	{ "X-Debug-Geo": "\u00ff\u00fe" },
	{ "X-Debug-Geo": "US-CA, DE" },
	{ Origin: "null" },
	{ Origin: "https://evil.example" },
	{ Cookie: "ce_consent=..; ce_vid=.." },
	{ "Content-Type": "application/json" },
];

const ODD_GEOS: CallInit["cf"][] = [
	{ country: "US", regionCode: "" },
	{ country: "us", regionCode: "ca" },
	{ country: "US", regionCode: "💥" },
	{ country: "" },
	{ country: "USA" },
	{ country: 42 as unknown as string, regionCode: {} as unknown as string },
];

async function expectNo5xx(res: Response, label: string): Promise<void> {
	expect(res.status, label).toBeLessThan(500);
	const text = await res.text();
	if (res.status >= 400 && (res.headers.get("Content-Type") ?? "").startsWith("application/json")) {
		expect(JSON.parse(text), label).toEqual({
			error: { code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) },
		});
	}
}

describe("signal endpoints under malformed input", () => {
	it("odd headers on every method", async () => {
		for (const path of PATHS) {
			for (const method of ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
				for (const headers of ODD_HEADERS) {
					const init: CallInit = { method, headers };
					if (!["GET", "HEAD"].includes(method)) init.body = "{";
					const label = `${method} ${path} ${JSON.stringify(headers).slice(0, 80)}`;
					await expectNo5xx(await call(path, init), label);
				}
			}
		}
	});

	it("odd locations from request.cf, for visitors and keyed callers", async () => {
		for (const cf of ODD_GEOS) {
			for (const path of ["/v1/consent", "/v1/check?purpose=sale"]) {
				await expectNo5xx(await call(path, { cf }), `${path} ${JSON.stringify(cf)}`);
			}
			await expectNo5xx(
				await call("/v1/consent?subject=user:odd-geo", keyed({ cf })),
				`keyed ${JSON.stringify(cf)}`,
			);
		}
	});

	it("odd query strings and paths next to the signal files", async () => {
		for (const path of [
			"/.well-known/gpc.json?%",
			"/.well-known/gpc.json?x=%zz",
			"/.well-known/gpc.json/",
			"/.well-known/GPC.json",
			"/.well-known/gpc.json%00",
			"/consent.js?v=%E0%A4%A",
			"/consent.js/",
			"/consent.js;x",
			"/v1/check?purpose=__proto__",
			"/v1/check?purpose=constructor",
			"/v1/check?purpose=ads&purpose=sale",
			"/v1/check?purpose=",
			"/v1/check",
			"/v1/consent?subject=",
		]) {
			await expectNo5xx(await call(path), path);
		}
	});
});
