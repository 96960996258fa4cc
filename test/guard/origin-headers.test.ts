/**
 * The origin's header fields naming ORIGIN itself, made the visitor's as a reverse proxy makes them
 * (nginx proxy_redirect, proxy_cookie_domain, proxy_cookie_path): `Refresh`, `Content-Location` and
 * `Link` URLs, reporting endpoints (CSP `report-uri`, `Reporting-Endpoints`, `Report-To`), and `Set-Cookie` lines whose Domain or Path fit ORIGIN's address but not the visitor's.
 * For every visitor, guarded or not; a guarded page's `<meta http-equiv="refresh">` too.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	DE,
	fakeOrigin,
	guardEnv,
	ORIGIN,
	RUNTIME_TAGS,
	SITE,
	US_CA,
	VISITORS,
	visit,
} from "./guard-fixtures";

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

describe("the origin's Refresh header, for guarded visitors", () => {
	const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };

	it("loses its tracking parameters, as a Location does", async () => {
		for (const [refresh, expected] of [
			["0; url=/next?utm_source=x&id=2", "0; url=/next?id=2"],
			[`5; url=${ORIGIN}/next?gclid=1`, `5; url=${SITE}/next`],
		] as const) {
			answering({ Refresh: refresh, "Content-Type": "text/plain" }, "moving");
			const res = await visit("/old", VISITORS.optedOut, { headers: NAVIGATE });
			expect(res.headers.get("Refresh"), refresh).toBe(expected);
			expect(res.headers.get("X-Consent-Guard"), refresh).toBe("stripped");
			vi.restoreAllMocks();
		}
	});

	it("insisting on the page itself with a parameter, is relayed with ce_insisted: no refresh loop", async () => {
		for (const target of ["/insist?utm_source=site", `${ORIGIN}/insist?utm_source=site`]) {
			const { calls } = fakeOrigin((request) =>
				new URL(request.url).search === ""
					? new Response("wait", { headers: { Refresh: `0; url=${target}`, "Content-Type": "text/plain" } })
					: new Response("landed", { headers: { "Content-Type": "text/plain" } }),
			);
			const first = await visit("/insist", VISITORS.optedOut, { headers: NAVIGATE });
			// Stripped, it would name this very page: refreshed to it again and again.
			expect(first.headers.get("Refresh"), target).toBe(`0; url=${target.replace(ORIGIN, SITE)}`);
			const line = first.headers.getSetCookie().find((c) => c.startsWith("ce_insisted="));
			expect(line, target).toBeDefined();
			const followed = await visit("/insist?utm_source=site", VISITORS.optedOut, {
				headers: { ...NAVIGATE, Cookie: line?.split(";")[0] ?? "" },
			});
			expect(await followed.text(), target).toBe("landed");
			expect(calls.at(-1)?.url, target).toBe(`${ORIGIN}/insist?utm_source=site`);
			vi.restoreAllMocks();
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

describe("the origin's reporting endpoints", () => {
	it("name the visitor's site where they name ORIGIN, for every visitor; the policy is otherwise kept", async () => {
		const csp = `default-src 'self' ${ORIGIN}; report-uri ${ORIGIN}/csp https://reports.example/r /local; report-to csp`;
		const fields = {
			"Content-Security-Policy": csp,
			"Content-Security-Policy-Report-Only": `script-src 'none';REPORT-URI  ${ORIGIN}/ro`,
			"Reporting-Endpoints": `csp="${ORIGIN}/reports", other="https://reports.example/x"`,
			"Report-To": `{"group":"csp","max_age":86400,"endpoints":[{"url":"${ORIGIN}/rt"},{"url":"https://reports.example/y"}]}`,
			"Content-Type": "text/plain",
		};
		for (const [name, visitor] of Object.entries(VISITORS)) {
			answering(fields, "reported");
			const res = await visit("/page", visitor);
			expect(res.headers.get("Content-Security-Policy"), name).toBe(
				// A source expression naming ORIGIN is the origin's policy, not an address to send the browser to.
				`default-src 'self' ${ORIGIN}; report-uri ${SITE}/csp https://reports.example/r /local; report-to csp`,
			);
			expect(res.headers.get("Content-Security-Policy-Report-Only"), name).toBe(
				`script-src 'none';REPORT-URI  ${SITE}/ro`,
			);
			expect(res.headers.get("Reporting-Endpoints"), name).toBe(
				`csp="${SITE}/reports", other="https://reports.example/x"`,
			);
			expect(res.headers.get("Report-To"), name).toBe(
				`{"group":"csp","max_age":86400,"endpoints":[{"url":"${SITE}/rt"},{"url":"https://reports.example/y"}]}`,
			);
			expect(await res.text()).toBe("reported");
			vi.restoreAllMocks();
		}
	});

	it("name the visitor's site in a Report-To whose JSON escapes its slashes (PHP's json_encode does)", async () => {
		const escaped = (url: string) => url.replaceAll("/", "\\/");
		const fields = {
			"Report-To": `{"group":"csp","max_age":86400,"endpoints":[{"url":"${escaped(`${ORIGIN}/rt`)}"},{"url":"${escaped("https://reports.example/y")}"}]}`,
			"Content-Type": "text/plain",
		};
		answering(fields);
		const res = await visit("/page", VISITORS.optedOut);
		const reportTo = res.headers.get("Report-To") as string;
		expect(JSON.parse(reportTo)).toEqual({
			group: "csp",
			max_age: 86400,
			endpoints: [{ url: `${SITE}/rt` }, { url: "https://reports.example/y" }],
		});
		// The other URL keeps its bytes.
		expect(reportTo).toContain(`"${escaped("https://reports.example/y")}"`);
	});

	it("are relayed as written when they name other addresses", async () => {
		const fields = {
			"Content-Security-Policy": `img-src https://origin.test.evil; report-uri https://origin.test.evil/csp`,
			"Reporting-Endpoints": `a="https://origin.test:8443/r"`,
			"Content-Type": "text/plain",
		};
		answering(fields);
		const res = await visit("/page", VISITORS.optedOut);
		expect(res.headers.get("Content-Security-Policy")).toBe(fields["Content-Security-Policy"]);
		expect(res.headers.get("Reporting-Endpoints")).toBe(fields["Reporting-Endpoints"]);
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

	it("relays a Refresh insisting on the page itself with ce_insisted, every time", async () => {
		const page = "<html><head></head><body>wait</body></html>";
		const headers = {
			"Content-Type": "text/html; charset=utf-8",
			"Content-Length": String(page.length),
			"Cache-Control": "public, max-age=60",
			ETag: '"v1"',
			Refresh: "0; url=/kept-refresh?utm_source=site",
		};
		const { calls } = fakeOrigin((request) =>
			request.headers.get("If-None-Match") === '"v1"'
				? new Response(null, { status: 304, headers: { ETag: '"v1"' } })
				: new Response(page, { headers }),
		);
		const navigate = { headers: { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" } };
		for (let n = 1; n <= 4; n++) {
			const res = await visit("/kept-refresh", VISITORS.optedOut, navigate);
			expect(res.headers.get("Refresh"), `view ${n}`).toBe("0; url=/kept-refresh?utm_source=site");
			expect(
				res.headers.getSetCookie().some((c) => c.startsWith("ce_insisted=")),
				`view ${n}`,
			).toBe(true);
			expect(await res.text()).toContain("wait");
		}
		expect(calls.filter((call) => call.headers.has("If-None-Match")).length).toBeGreaterThan(1);
	});

	it("relays a meta refresh insisting on the page itself with ce_insisted, every time", async () => {
		const page = `<html><head><meta http-equiv="refresh" content="0; url=/kept-meta?utm_source=site"></head><body>wait</body></html>`;
		const headers = {
			"Content-Type": "text/html; charset=utf-8",
			"Content-Length": String(page.length),
			"Cache-Control": "public, max-age=60",
			ETag: '"m1"',
		};
		const { calls } = fakeOrigin((request) =>
			request.headers.get("If-None-Match") === '"m1"'
				? new Response(null, { status: 304, headers: { ETag: '"m1"' } })
				: new Response(page, { headers }),
		);
		const navigate = { headers: { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" } };
		for (let n = 1; n <= 4; n++) {
			const res = await visit("/kept-meta", VISITORS.optedOut, navigate);
			expect(await res.text(), `view ${n}`).toContain('content="0; url=/kept-meta?utm_source=site"');
			expect(
				res.headers.getSetCookie().some((c) => c.startsWith("ce_insisted=")),
				`view ${n}`,
			).toBe(true);
		}
		expect(calls.filter((call) => call.headers.has("If-None-Match")).length).toBeGreaterThan(1);
	});
});

describe("a guarded page's meta refresh", () => {
	const page = (url: string) =>
		`<html><head><meta http-equiv="refresh" content="0; url=${url}"></head><body>moved</body></html>`;

	it("names the visitor's site instead of ORIGIN, its tracking parameters stripped", async () => {
		for (const [url, expected] of [
			[`${ORIGIN}/next`, `${SITE}/next`],
			[`${ORIGIN}/next?utm_source=x&id=2`, `${SITE}/next?id=2`],
			["https://elsewhere.test/next", "https://elsewhere.test/next"],
		] as const) {
			answering({ "Content-Type": "text/html; charset=utf-8" }, page(url));
			const res = await visit("/old", VISITORS.optedOut);
			expect(await res.text(), url).toBe(
				`<html><head>${RUNTIME_TAGS.optedOut}<meta http-equiv="refresh" content="0; url=${expected}"></head><body>moved</body></html>`,
			);
			vi.restoreAllMocks();
		}
	});

	it("is read as browsers read it: a URL without `url=` is stripped and mapped too", async () => {
		const bare = (url: string) => `<html><head><meta http-equiv="Refresh" content="0;${url}"></head></html>`;
		for (const [url, expected] of [
			["https://elsewhere.test/n?gclid=1", "https://elsewhere.test/n"],
			[`${ORIGIN}/n`, `${SITE}/n`],
		] as const) {
			answering({ "Content-Type": "text/html; charset=utf-8" }, bare(url));
			const res = await visit("/old", VISITORS.optedOut);
			expect(await res.text(), url).toContain(`content="0;${expected}"`);
			vi.restoreAllMocks();
		}
	});

	it("is remembered per site: the same page seen on another port names that one", async () => {
		const body = page(`${ORIGIN}/next`);
		const contentLength = String(new TextEncoder().encode(body).length);
		for (const site of [SITE, `${SITE}:8443`, SITE, `${SITE}:8443`]) {
			answering({ "Content-Type": "text/html; charset=utf-8", "Content-Length": contentLength }, body);
			const res = await visit(`${site}/old`, VISITORS.optedOut);
			expect(await res.text(), site).toContain(`content="0; url=${site}/next"`);
			vi.restoreAllMocks();
		}
	});

	it("stays as the origin wrote it for visitors whose decisions allow tracking (body unchanged)", async () => {
		answering({ "Content-Type": "text/html; charset=utf-8" }, page(`${ORIGIN}/next`));
		const res = await visit("/old", VISITORS.allowed);
		expect(await res.text()).toBe(page(`${ORIGIN}/next`));
	});
});

describe("a guarded page's meta refresh naming the page itself once stripped", () => {
	const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };
	const HTML = { "Content-Type": "text/html; charset=utf-8" };
	const page = (url: string, stamp = "") =>
		`<html><head><meta http-equiv="refresh" content="0; url=${url}"></head><body>wait${stamp}</body></html>`;
	/** Read whole: the origin sends its length (guard-response.ts, WHOLE_PAGE_MAX_BYTES). */
	const whole = (body: string) =>
		new Response(body, {
			headers: { ...HTML, "Content-Length": String(new TextEncoder().encode(body).length) },
		});
	const insistedLine = (res: Response) =>
		res.headers.getSetCookie().find((c) => c.startsWith("ce_insisted="));

	it("read whole, keeps its URL with ce_insisted, and the refresh's navigation reaches the origin as written", async () => {
		for (const [url, target] of [
			["/meta-insist?utm_source=a", "/meta-insist?utm_source=a"],
			[`${ORIGIN}/meta-insist?utm_source=a`, "/meta-insist?utm_source=a"],
			[`${SITE}/meta-insist?gclid=1`, "/meta-insist?gclid=1"],
			["?utm_source=a", "/meta-insist?utm_source=a"],
			// The browser reads the attribute decoded: the cookie names the URL it will ask for.
			["/meta-insist?utm_source=a&amp;utm_medium=b", "/meta-insist?utm_source=a&utm_medium=b"],
		] as const) {
			const { calls } = fakeOrigin((request) =>
				new URL(request.url).search === "" ? whole(page(url)) : new Response("landed", { headers: HTML }),
			);
			const first = await visit("/meta-insist", VISITORS.optedOut, { headers: NAVIGATE });
			// Stripped to /meta-insist, it would reload this very page for ever.
			expect(await first.text(), url).toBe(
				`<html><head>${RUNTIME_TAGS.optedOut}<meta http-equiv="refresh" content="0; url=${url.replace(ORIGIN, SITE)}"></head><body>wait</body></html>`,
			);
			const line = insistedLine(first);
			expect(line, url).toBeDefined();
			const followed = await visit(target, VISITORS.optedOut, {
				headers: { ...NAVIGATE, Cookie: line?.split(";")[0] ?? "" },
			});
			expect(followed.status, url).toBe(200);
			expect(await followed.text(), url).toBe("landed");
			expect(calls.at(-1)?.url, url).toBe(`${ORIGIN}${target}`);
			vi.restoreAllMocks();
		}
	});

	it("streamed (its headers sent before the refresh is read), is left out and nothing else changes", async () => {
		// Its charset named by its Content-Type, or looked for in its head first (rewriteUndeclaredHtml,
		// where the runtime's tag waits for a charset declaration and goes before the body).
		const tag = RUNTIME_TAGS.optedOut;
		for (const [type, expected] of [
			["text/html; charset=utf-8", `<html><head>${tag}</head><body>wait</body></html>`],
			["text/html", `<html><head></head>${tag}<body>wait</body></html>`],
		] as const) {
			fakeOrigin(() => new Response(page("/meta-streamed?gclid=1"), { headers: { "Content-Type": type } }));
			const res = await visit("/meta-streamed", VISITORS.optedOut, { headers: NAVIGATE });
			expect(await res.text(), type).toBe(expected);
			expect(insistedLine(res), type).toBeUndefined();
			vi.restoreAllMocks();
		}
	});

	it("naming another page, is stripped as before, read whole or streamed, without ce_insisted", async () => {
		for (const respond of [whole, (body: string) => new Response(body, { headers: HTML })]) {
			fakeOrigin(() => respond(page("/meta-next?utm_source=a&id=2")));
			const res = await visit("/meta-elsewhere", VISITORS.optedOut, { headers: NAVIGATE });
			expect(await res.text()).toBe(
				`<html><head>${RUNTIME_TAGS.optedOut}<meta http-equiv="refresh" content="0; url=/meta-next?id=2"></head><body>wait</body></html>`,
			);
			expect(insistedLine(res)).toBeUndefined();
			vi.restoreAllMocks();
		}
	});

	it("stays as the origin wrote it for visitors whose decisions allow tracking", async () => {
		const body = page("/meta-allowed?utm_source=a");
		fakeOrigin(() => whole(body));
		const res = await visit("/meta-allowed", VISITORS.allowed, { headers: NAVIGATE });
		expect(await res.text()).toBe(body);
		expect(insistedLine(res)).toBeUndefined();
	});

	it("remembered (guarded-pages.ts), still carries ce_insisted on every view, and only on its own address", async () => {
		const stamp = crypto.randomUUID();
		const body = page("/meta-memo?utm_source=a", stamp);
		fakeOrigin(() => whole(body));
		for (let view = 1; view <= 4; view++) {
			const res = await visit("/meta-memo", VISITORS.optedOut, { headers: NAVIGATE });
			expect(await res.text(), `view ${view}`).toContain('content="0; url=/meta-memo?utm_source=a"');
			expect(insistedLine(res), `view ${view}`).toBeDefined();
		}
		// The same bytes on another page: there the refresh names another URL, stripped.
		const other = await visit("/meta-memo-other", VISITORS.optedOut, { headers: NAVIGATE });
		expect(await other.text()).toContain('content="0; url=/meta-memo"');
		expect(insistedLine(other)).toBeUndefined();
		const again = await visit("/meta-memo", VISITORS.optedOut, { headers: NAVIGATE });
		expect(await again.text()).toContain('content="0; url=/meta-memo?utm_source=a"');
		expect(insistedLine(again)).toBeDefined();
	});
});

describe("a delayed refresh naming the page itself once stripped", () => {
	const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };

	afterEach(() => {
		vi.useRealTimers();
	});

	/** A page read whole refreshing to itself with a tag after `delay`, by its header or its markup. */
	function refreshingOrigin(via: "header" | "meta", delay: string) {
		const refresh = `${delay}; url=/slow-${via}?utm_source=a`;
		const meta = via === "meta" ? `<meta http-equiv="refresh" content="${refresh}">` : "";
		const body = `<html><head>${meta}</head><body>wait</body></html>`;
		const headers: Record<string, string> = {
			"Content-Type": "text/html; charset=utf-8",
			"Content-Length": String(body.length),
		};
		if (via === "header") headers.Refresh = refresh;
		return fakeOrigin((request) =>
			new URL(request.url).search === "" ? new Response(body, { headers }) : new Response("landed"),
		);
	}

	it("is let through when it fires: its ce_insisted lasts the delay and the minute", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		for (const via of ["header", "meta"] as const) {
			refreshingOrigin(via, "120");
			const first = await visit(`/slow-${via}`, VISITORS.optedOut, { headers: NAVIGATE });
			const line = first.headers.getSetCookie().find((c) => c.startsWith("ce_insisted="));
			expect(line, via).toContain("; Max-Age=180;");
			vi.setSystemTime(Date.now() + 125_000);
			const fired = await visit(`/slow-${via}?utm_source=a`, VISITORS.optedOut, {
				headers: { ...NAVIGATE, Cookie: line?.split(";")[0] ?? "" },
			});
			expect(fired.status, via).toBe(200);
			expect(await fired.text(), via).toBe("landed");
			vi.restoreAllMocks();
		}
	});

	it("lasts an hour and a minute at most, however long the delay", async () => {
		for (const via of ["header", "meta"] as const) {
			refreshingOrigin(via, "86400.5");
			const first = await visit(`/slow-${via}`, VISITORS.optedOut, { headers: NAVIGATE });
			const line = first.headers.getSetCookie().find((c) => c.startsWith("ce_insisted="));
			expect(line, via).toContain("; Max-Age=3660;");
			vi.restoreAllMocks();
		}
	});
});

describe("the origin's Set-Cookie lines", () => {
	const WWW = "https://www.example.com";
	const env = () => guardEnv({ ORIGIN: "https://origin.example.com" });

	function cookieLines(lines: readonly string[]): Headers {
		const headers = new Headers({ "Content-Type": "text/plain" });
		for (const line of lines) headers.append("Set-Cookie", line);
		return headers;
	}

	it("scoped to ORIGIN's host are scoped to the visitor's; other attributes and lines kept", async () => {
		const sent = [
			"sid=abc; Path=/; Domain=origin.example.com; HttpOnly; Secure; SameSite=Lax",
			"cart=1; domain=.ORIGIN.example.com; Max-Age=3600",
			// Covers www.example.com already: the browser takes it as it is.
			"prefs=a,b; Path=/; Domain=.example.com",
			"theme=dark; Path=/",
			// Deletions are scoped the same way, or they would delete nothing.
			"old=; Domain=origin.example.com; Max-Age=0",
			// A host unrelated to ORIGIN, and an empty Domain: not the guard's to fix.
			"x=1; Domain=unrelated.test",
			"y=1; Domain=",
		];
		for (const [name, visitor] of Object.entries(VISITORS)) {
			answering(cookieLines(sent), "ok");
			const res = await visit(`${WWW}/login`, visitor, {}, env());
			expect(res.headers.getSetCookie(), name).toEqual([
				"sid=abc; Path=/; Domain=www.example.com; HttpOnly; Secure; SameSite=Lax",
				"cart=1; domain=www.example.com; Max-Age=3600",
				"prefs=a,b; Path=/; Domain=.example.com",
				"theme=dark; Path=/",
				"old=; Domain=www.example.com; Max-Age=0",
				"x=1; Domain=unrelated.test",
				"y=1; Domain=",
			]);
			vi.restoreAllMocks();
		}
	});

	it("scoped to a parent of ORIGIN's host that is not one of the visitor's are the visitor's", async () => {
		const testEnv = guardEnv({ ORIGIN: "https://app.origin-hosting.net" });
		answering(
			cookieLines([
				"sid=1; Domain=.origin-hosting.net; Path=/",
				// A public suffix: no browser takes it, on ORIGIN's host or any other.
				"tld=1; Domain=net; Path=/",
			]),
		);
		const res = await visit(`${WWW}/`, VISITORS.allowed, {}, testEnv);
		expect(res.headers.getSetCookie()).toEqual([
			"sid=1; Domain=www.example.com; Path=/",
			"tld=1; Domain=net; Path=/",
		]);
	});

	it("under an ORIGIN with a path, lose that path as a Location does", async () => {
		const testEnv = guardEnv({ ORIGIN: "https://origin.example.com/shop" });
		answering(
			cookieLines([
				"sid=1; Path=/shop; HttpOnly",
				"cart=2; Path=/shop/cart",
				"other=3; Path=/shopping",
				"root=4; Path=/",
			]),
		);
		const res = await visit(`${WWW}/cart`, VISITORS.optedOut, {}, testEnv);
		expect(res.headers.getSetCookie()).toEqual([
			"sid=1; Path=/; HttpOnly",
			"cart=2; Path=/cart",
			"other=3; Path=/shopping",
			"root=4; Path=/",
		]);
	});
});

describe("a denied tracking cookie the origin set on a parent domain", () => {
	it("is expired on that domain, which the browser holds it under", async () => {
		const headers = new Headers({ "Content-Type": "text/plain" });
		headers.append("Set-Cookie", "_ga=GA1.2.9.9; Path=/; Domain=.example.com; Max-Age=63072000");
		fakeOrigin(() => new Response("ok", { headers }));
		const res = await visit(
			"https://www.example.com/",
			{ cf: DE, headers: { Cookie: "_ga=GA1.2.3.4" } },
			{},
			guardEnv({ ORIGIN: "https://origin.example.com" }),
		);
		const base = "_ga=; Max-Age=0; Path=/";
		expect(res.headers.getSetCookie()).toEqual([
			base,
			`${base}; Domain=.example.com`,
			`${base}; Domain=.www.example.com`,
		]);
	});

	it("set on ORIGIN's host when the visitor allowed it, is expired on the visitor's host it was moved to", async () => {
		const testEnv = guardEnv({ ORIGIN: "https://origin.example.com" });
		const headers = new Headers({ "Content-Type": "text/plain" });
		headers.append("Set-Cookie", "_ga=GA1.2.9.9; Path=/; Domain=origin.example.com; Max-Age=63072000");
		fakeOrigin(() => new Response("ok", { headers }));
		const allowed = await visit("https://www.example.com/", { cf: US_CA }, {}, testEnv);
		const [set] = allowed.headers.getSetCookie();
		expect(set).toBe("_ga=GA1.2.9.9; Path=/; Domain=www.example.com; Max-Age=63072000");
		const guarded = await visit(
			"https://www.example.com/",
			{ cf: DE, headers: { Cookie: "_ga=GA1.2.9.9" } },
			{},
			testEnv,
		);
		expect(guarded.headers.getSetCookie()).toContain("_ga=; Max-Age=0; Path=/; Domain=.www.example.com");
	});
});

describe("a switched protocol (WebSocket) whose answer names ORIGIN", () => {
	it("is relayed as the socket it is, for visitors whose decisions allow tracking too", async () => {
		for (const [name, visitor] of Object.entries(VISITORS)) {
			// A load balancer's sticky-session cookie on the handshake, scoped to ORIGIN's host.
			fakeOrigin(() => {
				const [client] = Object.values(new WebSocketPair());
				return new Response(null, {
					status: 101,
					webSocket: client,
					headers: { Upgrade: "websocket", "Set-Cookie": "lb=1; Domain=origin.test; Path=/" },
				});
			});
			const res = await visit("/socket", visitor, { headers: { Upgrade: "websocket" } });
			expect([res.status, res.webSocket !== null], name).toEqual([101, true]);
			res.webSocket?.accept();
			res.webSocket?.close();
			vi.restoreAllMocks();
		}
	});
});
