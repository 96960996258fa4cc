/**
 * Guard mode as a proxy: what reaches ORIGIN (path, query, method, headers, streamed body, manual
 * redirects, Sec-GPC untouched, X-Forwarded-*), the byte-exact relay for visitors whose decisions allow
 * tracking, 502 and 504, and deciding unknown visitors without touching storage.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { brokenD1, brokenKV, call, countRecords, envWith, Visitor } from "../helpers";
import { chunkedStream, fakeOrigin, guardEnv, ORIGIN, US_CA, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});

const BINARY = Uint8Array.from({ length: 4099 }, (_, i) => (i * 37 + 11) % 256);
const TRACKER_PAGE = `<!doctype html><html><head><script async src="https://www.googletagmanager.com/gtag/js?id=AW-123456789"></script><script>fbq('init','123456789012345');</script></head><body><a href="/x?gclid=1&amp;a=2">x</a><img src="https://www.facebook.com/tr?id=1&amp;ev=PageView"></body></html>`;

function originHeaders(): Headers {
	const headers = new Headers({
		"Content-Type": "application/octet-stream",
		ETag: '"strong-1"',
		"Cache-Control": "public, max-age=600",
		"X-Site": "kept",
	});
	headers.append("Set-Cookie", "_ga=GA1.2.3.4; Path=/; Max-Age=63072000");
	headers.append("Set-Cookie", "session=abc; Path=/; HttpOnly");
	return headers;
}

describe("visitors whose decisions allow tracking", () => {
	it("get the origin's bytes and headers unchanged, streamed, with no guard label", async () => {
		fakeOrigin(() => new Response(chunkedStream(BINARY), { status: 200, headers: originHeaders() }));
		const res = await visit("/files/data.bin?gclid=abc&x=1", VISITORS.allowed);
		expect(res.status).toBe(200);
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(BINARY);
		expect([...res.headers]).toEqual([...originHeaders()]);
		expect(res.headers.has("X-Consent-Guard")).toBe(false);
	});

	it("get a tracker-laden page unchanged, tracking parameters and all", async () => {
		const { calls } = fakeOrigin(
			() =>
				new Response(chunkedStream(TRACKER_PAGE), {
					headers: { "Content-Type": "text/html; charset=utf-8" },
				}),
		);
		const res = await visit("/landing?gclid=abc&utm_source=x", VISITORS.allowed, {
			headers: { "Sec-Fetch-Mode": "navigate", Cookie: "_ga=1; _fbp=2" },
		});
		expect(res.status).toBe(200);
		expect(await res.text()).toBe(TRACKER_PAGE);
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(res.headers.has("Permissions-Policy")).toBe(false);
		expect(res.headers.has("X-Consent-Guard")).toBe(false);
		expect(calls).toHaveLength(1);
		expect(calls[0]?.url).toBe(`${ORIGIN}/landing?gclid=abc&utm_source=x`);
		expect(calls[0]?.headers.get("Cookie")).toBe("_ga=1; _fbp=2");
	});

	it("relay the origin's redirects and errors as they are", async () => {
		fakeOrigin(
			() =>
				new Response("gone", { status: 301, headers: { Location: "https://elsewhere.test/new?fbclid=1" } }),
		);
		const res = await visit("/old", VISITORS.allowed);
		expect(res.status).toBe(301);
		expect(res.headers.get("Location")).toBe("https://elsewhere.test/new?fbclid=1");
		vi.restoreAllMocks();
		fakeOrigin(() => new Response("boom", { status: 503, headers: { "Retry-After": "7" } }));
		const failed = await visit("/x", VISITORS.allowed);
		expect(failed.status).toBe(503);
		expect(failed.headers.get("Retry-After")).toBe("7");
		expect(await failed.text()).toBe("boom");
	});
});

describe("the origin's redirects to its own address", () => {
	const cases = [
		["https://origin.test/next?a=1&b=%2F#f", "https://consent.example/next?a=1&b=%2F#f"],
		["HTTPS://ORIGIN.TEST:443//two//slashes", "https://consent.example//two//slashes"],
		["https://origin.test", "https://consent.example/"],
		["https://origin.test?x=1", "https://consent.example/?x=1"],
	] as const;

	it("send every visitor to the same place on the visitor's own host", async () => {
		for (const [name, visitor] of Object.entries(VISITORS)) {
			for (const [location, expected] of cases) {
				for (const status of [301, 302, 307, 308]) {
					fakeOrigin(() => new Response(null, { status, headers: { Location: location } }));
					const res = await visit("/old", visitor);
					expect(res.status, `${name} ${location}`).toBe(status);
					expect(res.headers.get("Location"), `${name} ${location}`).toBe(expected);
					vi.restoreAllMocks();
				}
			}
		}
	});

	it("leave other hosts, ports, schemes and relative Locations as they are", async () => {
		for (const location of [
			"http://origin.test/next",
			"https://origin.test:8443/next",
			"https://www.origin.test/next",
			"/relative?a=1",
			"//origin.test/scheme-relative",
		]) {
			fakeOrigin(() => new Response(null, { status: 302, headers: { Location: location } }));
			const res = await visit("/old", VISITORS.allowed);
			expect(res.headers.get("Location"), location).toBe(location);
			vi.restoreAllMocks();
		}
	});

	it("under an ORIGIN with a path, map only Locations below that path", async () => {
		const testEnv = guardEnv({ ORIGIN: "https://origin.test/site" });
		for (const [location, expected] of [
			["https://origin.test/site/next?q=1", "https://consent.example/next?q=1"],
			["https://origin.test/site", "https://consent.example/"],
			["https://origin.test/sitemap.xml", "https://origin.test/sitemap.xml"],
			["https://origin.test/other", "https://origin.test/other"],
		] as const) {
			fakeOrigin(() => new Response(null, { status: 302, headers: { Location: location } }));
			const res = await visit("/old", VISITORS.allowed, {}, testEnv);
			expect(res.headers.get("Location"), location).toBe(expected);
			vi.restoreAllMocks();
		}
	});
});

describe("the origin's hop-by-hop fields", () => {
	it("named in its Connection header, are not relayed to any visitor", async () => {
		for (const [name, visitor] of Object.entries(VISITORS)) {
			for (const type of ["text/plain", "text/html; charset=utf-8"]) {
				fakeOrigin(
					() =>
						new Response("<p>x</p>", {
							headers: {
								"Content-Type": type,
								Connection: "close, X-Origin-Hop, x-other-hop",
								"X-Origin-Hop": "1",
								"X-Other-Hop": "2",
								"X-Site": "kept",
							},
						}),
				);
				const res = await visit("/page", visitor);
				expect(res.headers.has("X-Origin-Hop"), `${name} ${type}`).toBe(false);
				expect(res.headers.has("X-Other-Hop"), `${name} ${type}`).toBe(false);
				expect(res.headers.get("X-Site"), `${name} ${type}`).toBe("kept");
				expect(await res.text()).toContain("x");
				vi.restoreAllMocks();
			}
		}
	});
});

describe("what reaches the origin", () => {
	it("the path and query, method, headers, X-Forwarded-Host/Proto and manual redirects", async () => {
		const { calls } = fakeOrigin();
		await visit("/a/b%20c?q=1&q=2&e=%7E+x", VISITORS.allowed, {
			headers: { Accept: "text/html", "X-Custom": "1", Cookie: "session=s1" },
		});
		expect(calls).toHaveLength(1);
		const sent = calls[0];
		expect(sent?.url).toBe(`${ORIGIN}/a/b%20c?q=1&q=2&e=%7E+x`);
		expect(sent?.method).toBe("GET");
		expect(sent?.redirect).toBe("manual");
		expect(sent?.headers.get("Accept")).toBe("text/html");
		expect(sent?.headers.get("X-Custom")).toBe("1");
		expect(sent?.headers.get("Cookie")).toBe("session=s1");
		expect(sent?.headers.get("X-Forwarded-Host")).toBe("consent.example");
		expect(sent?.headers.get("X-Forwarded-Proto")).toBe("https");
	});

	it("the visitor's address (CF-Connecting-IP) at the end of X-Forwarded-For", async () => {
		for (const [forwarded, expected] of [
			[undefined, "203.0.113.7"],
			["198.51.100.1", "198.51.100.1, 203.0.113.7"],
			["198.51.100.1, 203.0.113.7", "198.51.100.1, 203.0.113.7"],
		] as const) {
			for (const visitor of [VISITORS.allowed, VISITORS.optedOut]) {
				const { calls } = fakeOrigin();
				const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.7" };
				if (forwarded !== undefined) headers["X-Forwarded-For"] = forwarded;
				await visit("/page", visitor, { headers });
				expect(calls[0]?.headers.get("X-Forwarded-For")).toBe(expected);
				vi.restoreAllMocks();
			}
		}
		const { calls } = fakeOrigin();
		await visit("/page", VISITORS.allowed);
		expect(calls[0]?.headers.has("X-Forwarded-For")).toBe(false);
	});

	it("Sec-GPC, whatever its value, for guarded and unguarded visitors alike", async () => {
		for (const value of ["1", "0", "1 , foo", "yes"]) {
			const { calls } = fakeOrigin();
			await visit("/page.css", { cf: US_CA, headers: { "Sec-GPC": value } });
			expect(calls[0]?.headers.get("Sec-GPC")).toBe(value);
			vi.restoreAllMocks();
		}
	});

	it("a POST body, streamed through for an unguarded visitor", async () => {
		const { calls } = fakeOrigin(() => new Response("created", { status: 201 }));
		const res = await visit("/api/orders?x=1", VISITORS.allowed, {
			method: "POST",
			body: chunkedStream('{"item":42}'),
			headers: { "Content-Type": "application/json" },
			duplex: "half",
		} as RequestInit);
		expect(res.status).toBe(201);
		expect(calls[0]).toMatchObject({ method: "POST", body: '{"item":42}', url: `${ORIGIN}/api/orders?x=1` });
		expect(calls[0]?.headers.get("Content-Type")).toBe("application/json");
	});

	it("a body short of its Content-Length is the request's fault, a 400, not the origin's 502", async () => {
		fakeOrigin(() => new Response("created", { status: 201 }));
		for (const visitor of [VISITORS.allowed, VISITORS.optedOut]) {
			const res = await visit("/api/orders", visitor, {
				method: "POST",
				body: chunkedStream('{"item":42}'),
				headers: { "Content-Type": "application/json", "Content-Length": "999999999" },
				duplex: "half",
			} as RequestInit);
			expect(res.status).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
		}
	});

	it("nothing for the worker's own paths", async () => {
		const { spy } = fakeOrigin();
		const res = await visit("/.well-known/gpc.json", VISITORS.allowed);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ gpc: true });
		expect(spy).not.toHaveBeenCalled();
	});
});

describe("conditional requests", () => {
	const validators = { "If-None-Match": '"v1"', "If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT" };

	it("a guarded page request revalidates nothing cached before the guard applied", async () => {
		const { calls } = fakeOrigin();
		await visit("/", VISITORS.optedOut, { headers: { ...validators, "Sec-Fetch-Mode": "navigate" } });
		expect(calls[0]?.headers.has("If-None-Match")).toBe(false);
		expect(calls[0]?.headers.has("If-Modified-Since")).toBe(false);
	});

	it("subresources and unguarded visitors keep their validators", async () => {
		const { calls } = fakeOrigin();
		await visit("/app.js", VISITORS.optedOut, { headers: { ...validators, "Sec-Fetch-Dest": "script" } });
		await visit("/", VISITORS.allowed, { headers: { ...validators, "Sec-Fetch-Mode": "navigate" } });
		for (const sent of calls) expect(sent.headers.get("If-None-Match")).toBe('"v1"');
	});
});

describe("an unreachable origin", () => {
	it("is a 502 when the connection fails (JSON, or HTML for pages)", async () => {
		fakeOrigin(() => {
			throw new TypeError("connection refused");
		});
		const res = await visit("/x", VISITORS.allowed);
		expect(res.status).toBe(502);
		expect(await res.json()).toEqual({
			error: { code: "bad_gateway", message: "The site could not be reached." },
		});
		const page = await visit("/x", VISITORS.optedOut, { headers: { Accept: "text/html,*/*" } });
		expect(page.status).toBe(502);
		expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(await page.text()).toContain("The site could not be reached.");
	});

	it("is a 504 when it does not answer within GUARD_TIMEOUT_MS", async () => {
		let aborted = false;
		let asked = () => {};
		const originAsked = new Promise<void>((resolve) => {
			asked = resolve;
		});
		fakeOrigin(
			(request) =>
				new Promise<Response>((_resolve, reject) => {
					asked();
					request.signal.addEventListener("abort", () => {
						aborted = true;
						reject(new DOMException("aborted", "AbortError"));
					});
				}),
		);
		// On a fake clock: the origin is given the time configured, whatever else the machine is doing.
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const answer = visit("/slow", VISITORS.optedOut, {}, guardEnv({ GUARD_TIMEOUT_MS: "80" }));
		await originAsked;
		await vi.advanceTimersByTimeAsync(79);
		expect(aborted).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(aborted).toBe(true);
		vi.useRealTimers();
		const res = await answer;
		expect(res.status).toBe(504);
		expect(await res.json()).toEqual({
			error: { code: "gateway_timeout", message: "The site did not answer in time." },
		});
	});

	it("does not cut off a body that streams longer than the timeout", async () => {
		fakeOrigin(() => {
			const stream = new ReadableStream<Uint8Array>({
				async pull(controller) {
					await new Promise((resolve) => setTimeout(resolve, 150));
					controller.enqueue(new TextEncoder().encode("late"));
					controller.close();
				},
			});
			return new Response(stream);
		});
		const res = await visit("/slow-body", VISITORS.allowed, {}, guardEnv({ GUARD_TIMEOUT_MS: "50" }));
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("late");
	});
});

describe("the decision", () => {
	it("costs no storage read for a visitor without ce_vid", async () => {
		const broken = envWith({ ORIGIN, DB: brokenD1(), CONSENT_KV: brokenKV() } as Partial<Env>);
		fakeOrigin(() => new Response(TRACKER_PAGE, { headers: { "Content-Type": "text/html" } }));
		const allowed = await visit("/", VISITORS.allowed, {}, broken);
		expect(await allowed.text()).toBe(TRACKER_PAGE);
		const guarded = await visit("/", VISITORS.gpcOnly, {}, broken);
		expect(guarded.headers.get("X-Consent-Guard")).toBe("rewritten");
	});

	it("costs no storage read for a known visitor with a fresh ce_consent", async () => {
		const visitor = new Visitor(US_CA);
		await visitor.put({ analytics: true, ads: true });
		const broken = envWith({ ORIGIN, DB: brokenD1(), CONSENT_KV: brokenKV() } as Partial<Env>);
		fakeOrigin(() => new Response(TRACKER_PAGE, { headers: { "Content-Type": "text/html" } }));
		const res = await visit("/", { cf: US_CA, headers: { Cookie: visitor.cookieHeader() } }, {}, broken);
		// Had storage been read, it would have failed closed and guarded the visitor.
		expect(await res.text()).toBe(TRACKER_PAGE);
	});

	it("reads a known visitor's stored choice when no cookie says it", async () => {
		const visitor = new Visitor(US_CA);
		await visitor.put({ analytics: false });
		const vid = visitor.cookies.get("ce_vid");
		fakeOrigin(() => new Response(TRACKER_PAGE, { headers: { "Content-Type": "text/html" } }));
		const res = await visit("/", { cf: US_CA, headers: { Cookie: `ce_vid=${vid}` } });
		// Analytics denied, ads allowed: guarded, the ad tags stay.
		expect(res.headers.get("X-Consent-Guard")).toBe("rewritten");
		expect(await res.text()).toContain("fbq('init'");
	});

	it("persists a known visitor's GPC opt-out from a page request, not from subresources", async () => {
		fakeOrigin(() => new Response("x", { headers: { "Content-Type": "text/plain" } }));
		const page = new Visitor(US_CA);
		await page.put({ analytics: true });
		const pageSubject = await visitorSubject(page.cookies.get("ce_vid") as string);
		const asset = new Visitor(US_CA);
		await asset.put({ analytics: true });
		const assetSubject = await visitorSubject(asset.cookies.get("ce_vid") as string);
		const gpc = (visitor: Visitor, dest: string) => ({
			cf: US_CA,
			headers: {
				Cookie: visitor.cookieHeader(),
				"Sec-GPC": "1",
				"Sec-Fetch-Mode": dest === "document" ? "navigate" : "no-cors",
				"Sec-Fetch-Dest": dest,
			},
		});
		await visit("/", gpc(page, "document"));
		await visit("/logo.png", gpc(asset, "image"));
		expect(await countRecords(pageSubject)).toBe(2);
		expect(await countRecords(assetSubject)).toBe(1);
	});

	it("gives each of two interleaved visitors their own cookies", async () => {
		// Both visitors are read from storage, so each request waits on I/O mid-way and the other runs
		// meanwhile: the Cookie header read once per request must stay each request's own.
		const [a, b] = [new Visitor(US_CA), new Visitor(US_CA)];
		await a.put({ analytics: false });
		await b.put({ analytics: false });
		const { calls } = fakeOrigin(() => new Response("x", { headers: { "Content-Type": "text/plain" } }));
		const page = (visitor: Visitor, session: string) =>
			visit("/", {
				cf: US_CA,
				headers: {
					Cookie: `ce_vid=${visitor.cookies.get("ce_vid")}; session=${session}; _ga=GA1.1.${session}`,
					"Sec-Fetch-Mode": "navigate",
				},
			});
		const answers = await Promise.all([page(a, "one"), page(b, "two"), page(a, "three")]);
		for (const res of answers) expect(res.headers.get("X-Consent-Guard")).toBe("blocked");
		const sent = calls.map((c) => c.headers.get("Cookie")).sort();
		expect(sent).toEqual(
			[
				`ce_vid=${a.cookies.get("ce_vid")}; session=one`,
				`ce_vid=${b.cookies.get("ce_vid")}; session=two`,
				`ce_vid=${a.cookies.get("ce_vid")}; session=three`,
			].sort(),
		);
	});

	it("sets no cookies of ours", async () => {
		fakeOrigin(() => new Response(TRACKER_PAGE, { headers: { "Content-Type": "text/html" } }));
		for (const visitor of Object.values(VISITORS)) {
			const res = await visit("/", visitor, { headers: { "Sec-Fetch-Mode": "navigate" } });
			expect(res.headers.getSetCookie()).toEqual([]);
		}
	});

	it("never applies without ORIGIN: unknown paths stay 404", async () => {
		const { spy } = fakeOrigin();
		const res = await call("/some/page", { cf: US_CA });
		expect(res.status).toBe(404);
		expect(spy).not.toHaveBeenCalled();
	});
});
