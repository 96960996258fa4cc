/**
 * The origin's header fields naming ORIGIN itself, made the visitor's as a reverse proxy makes them
 * (nginx proxy_redirect): `Refresh`, `Content-Location` and `Link` URLs, for every visitor, guarded
 * or not.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, ORIGIN, SITE, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

function answering(headers: Headers | Record<string, string>, body: string | null = null) {
	return fakeOrigin(() => new Response(body, { headers }));
}

describe("the origin's Refresh header", () => {
	const cases = [
		[`0; url=${ORIGIN}/next?a=1`, `0; url=${SITE}/next?a=1`],
		[`5;URL='${ORIGIN}/x' ;`, `5;URL='${SITE}/x' ;`],
		[`1.5;  url=  ${ORIGIN}/spaced  x`, `1.5;  url=  ${SITE}/spaced  x`],
		[`0, url = "${ORIGIN}"`, `0, url = "${SITE}/"`],
		[`3; ${ORIGIN}/bare`, `3; ${SITE}/bare`],
		// Not ORIGIN: other hosts, relative URLs, another port, a reload.
		["0; url=https://elsewhere.test/x", null],
		["0; url=/relative", null],
		["0; url=https://origin.test:8443/x", null],
		["30", null],
	] as const;

	it("names the visitor's site instead of ORIGIN, for every visitor", async () => {
		for (const [name, visitor] of Object.entries(VISITORS)) {
			for (const [refresh, expected] of cases) {
				answering({ Refresh: refresh, "Content-Type": "text/plain" }, "moving");
				const res = await visit("/old", visitor);
				expect(res.headers.get("Refresh"), `${name} ${refresh}`).toBe(expected ?? refresh);
				expect(await res.text()).toBe("moving");
				vi.restoreAllMocks();
			}
		}
	});
});

describe("the origin's Content-Location and Link headers", () => {
	it("name the visitor's site where they name ORIGIN; other URLs and parameters are kept", async () => {
		const link = [
			`<${ORIGIN}/style.css>; rel=preload; as=style`,
			`<https://cdn.example/app.js>; rel=preload; as=script`,
			`</relative>; rel=next`,
			`<${ORIGIN}/page?a=1,2>; rel="canonical"; title="see <${ORIGIN}/x>, here"`,
		].join(", ");
		const expected = [
			`<${SITE}/style.css>; rel=preload; as=style`,
			`<https://cdn.example/app.js>; rel=preload; as=script`,
			`</relative>; rel=next`,
			`<${SITE}/page?a=1,2>; rel="canonical"; title="see <${ORIGIN}/x>, here"`,
		].join(", ");
		for (const [name, visitor] of Object.entries(VISITORS)) {
			answering({ "Content-Location": `${ORIGIN}/doc.en?v=1`, Link: link, "Content-Type": "text/plain" });
			const res = await visit("/doc", visitor);
			expect(res.headers.get("Content-Location"), name).toBe(`${SITE}/doc.en?v=1`);
			expect(res.headers.get("Link"), name).toBe(expected);
			vi.restoreAllMocks();
		}
	});
});

describe("a guarded page revalidated with the origin (revalidated-pages.ts)", () => {
	it("names the site of each request in its headers, not the one it was first answered on", async () => {
		const page = "<html><head></head><body>kept</body></html>";
		const headers = {
			"Content-Type": "text/html; charset=utf-8",
			"Content-Length": String(page.length),
			"Cache-Control": "public, max-age=60",
			ETag: '"v1"',
			"Content-Location": `${ORIGIN}/kept.html`,
		};
		const { calls } = fakeOrigin((request) =>
			request.headers.get("If-None-Match") === '"v1"'
				? new Response(null, { status: 304, headers: { ETag: '"v1"' } })
				: new Response(page, { headers }),
		);
		const navigate = { headers: { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" } };
		for (const site of [SITE, SITE, SITE, `${SITE}:8443`, SITE]) {
			const res = await visit(`${site}/kept`, VISITORS.optedOut, navigate);
			expect(res.headers.get("Content-Location"), site).toBe(`${site}/kept.html`);
			expect(await res.text()).toContain("kept");
		}
		// The page was kept and revalidated (so the answers were made from the kept page's headers).
		expect(calls.filter((call) => call.headers.has("If-None-Match")).length).toBeGreaterThan(1);
	});
});
