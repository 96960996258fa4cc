/**
 * The headers of a guarded visitor's page answers: a page made private for this visitor carries no
 * targeted cache field (RFC 9213) that would let a CDN store it for others, a 304 carries the Vary and
 * Cache-Control its 200 would, and `X-Consent-Guard` says `rewritten` only where a body was.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, VISITORS, visit } from "./guard-fixtures";
import { TRACKER_PAGE } from "./guard-page";

afterEach(() => {
	vi.restoreAllMocks();
});

const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", Accept: "text/html" };

const TARGETED = {
	"CDN-Cache-Control": "max-age=3600",
	"Cloudflare-CDN-Cache-Control": "max-age=86400",
	"Surrogate-Control": "max-age=3600",
};

function pageHeaders(extra: Record<string, string> = {}): Record<string, string> {
	return {
		"Content-Type": "text/html; charset=utf-8",
		"Content-Length": String(new TextEncoder().encode(TRACKER_PAGE).length),
		"Cache-Control": "public, max-age=600",
		...TARGETED,
		...extra,
	};
}

function expectNoTargetedFields(res: Response, what: string): void {
	for (const name of Object.keys(TARGETED)) expect(res.headers.has(name), `${what}: ${name}`).toBe(false);
}

describe("targeted cache fields on a guarded page", () => {
	it("are removed where the guard makes a page private (GET, HEAD, 304, 206, POST)", async () => {
		const cases = [
			["GET", 200],
			["HEAD", 200],
			["GET", 304],
			["GET", 206],
			["POST", 200],
		] as const;
		for (const [method, status] of cases) {
			const body = status === 304 || method === "HEAD" ? null : TRACKER_PAGE;
			fakeOrigin(() => new Response(body, { status, headers: pageHeaders() }));
			const init = method === "POST" ? { method, body: "q=x" } : { method };
			const res = await visit("/", VISITORS.optedOut, { ...init, headers: NAVIGATE });
			await res.text();
			expect(res.status).toBe(status);
			expect(res.headers.get("Cache-Control"), `${method} ${status}`).toBe("private, max-age=600");
			expectNoTargetedFields(res, `${method} ${status}`);
			vi.restoreAllMocks();
		}
	});

	it("stay on an allowed visitor's page, which the guard relays untouched", async () => {
		fakeOrigin(() => new Response(TRACKER_PAGE, { headers: pageHeaders() }));
		const res = await visit("/", VISITORS.allowed, { headers: NAVIGATE });
		expect(await res.text()).toBe(TRACKER_PAGE);
		expect(res.headers.get("Cache-Control")).toBe("public, max-age=600");
		for (const [name, value] of Object.entries(TARGETED)) expect(res.headers.get(name)).toBe(value);
	});

	it("stay on a guarded visitor's non-page answer, which the guard does not make private", async () => {
		const headers = { "Content-Type": "image/png", "Cache-Control": "public, max-age=600", ...TARGETED };
		fakeOrigin(() => new Response("png", { headers }));
		const res = await visit("/logo.png", VISITORS.optedOut, { headers: { "Sec-Fetch-Dest": "image" } });
		expect(await res.text()).toBe("png");
		for (const [name, value] of Object.entries(TARGETED)) expect(res.headers.get(name)).toBe(value);
	});
});

describe("a guarded page's 304", () => {
	it("carries the Vary and Cache-Control of the page's 200, with or without a Content-Type", async () => {
		fakeOrigin(() => new Response(TRACKER_PAGE, { headers: pageHeaders({ Vary: "Accept-Encoding" }) }));
		const full = await visit("/", VISITORS.optedOut, { headers: NAVIGATE });
		await full.text();
		expect(full.headers.get("Vary")).toBe("Accept-Encoding, Cookie, Sec-GPC");
		vi.restoreAllMocks();
		const withoutType: Record<string, string> = {
			"Cache-Control": "public, max-age=600",
			Vary: "Accept-Encoding",
		};
		for (const headers of [{ ...withoutType, "Content-Type": "text/html" }, withoutType]) {
			fakeOrigin(() => new Response(null, { status: 304, headers }));
			const res = await visit("/", VISITORS.optedOut, { headers: NAVIGATE });
			const what = `304 ${headers["Content-Type"] ?? "without a type"}`;
			expect(res.status).toBe(304);
			expect(res.headers.get("Vary"), what).toBe(full.headers.get("Vary"));
			expect(res.headers.get("Cache-Control"), what).toBe(full.headers.get("Cache-Control"));
			vi.restoreAllMocks();
		}
	});

	it("is relayed as the origin sent it for a request that is not for a page", async () => {
		const headers = { "Cache-Control": "public, max-age=600", Vary: "Accept-Encoding", ETag: '"img"' };
		fakeOrigin(() => new Response(null, { status: 304, headers }));
		const res = await visit("/logo.png", VISITORS.optedOut, {
			headers: { "Sec-Fetch-Dest": "image", "If-None-Match": '"img"' },
		});
		expect(res.status).toBe(304);
		expect(res.headers.get("Vary")).toBe("Accept-Encoding");
		expect(res.headers.get("Cache-Control")).toBe("public, max-age=600");
		expect(res.headers.get("ETag")).toBe('"img"');
	});
});

describe("X-Consent-Guard on a guarded page", () => {
	it("says rewritten for a GET whose body was rewritten, private where only headers changed", async () => {
		const cases = [
			["GET", 200, "rewritten"],
			["HEAD", 200, "private"],
			["GET", 206, "private"],
			["GET", 304, "private"],
			["GET", 204, "private"],
			["POST", 200, "private"],
		] as const;
		for (const [method, status, label] of cases) {
			const body = status === 304 || status === 204 || method === "HEAD" ? null : TRACKER_PAGE;
			const extra: Record<string, string> = status === 206 ? { "Content-Range": "bytes 0-9/100" } : {};
			fakeOrigin(() => new Response(body, { status, headers: pageHeaders(extra) }));
			const init = method === "POST" ? { method, body: "q=x" } : { method };
			const res = await visit("/", VISITORS.optedOut, { ...init, headers: NAVIGATE });
			const text = await res.text();
			expect(res.headers.get("X-Consent-Guard"), `${method} ${status}`).toBe(label);
			if (status === 206) expect(text).toBe(TRACKER_PAGE);
			vi.restoreAllMocks();
		}
	});
});
