/**
 * Guarded pages revalidated with the origin: a page a shared cache could store, sent whole with a
 * strong ETag, is asked for with If-None-Match from its third view on (kept from its second), and the origin's 304 is answered with the kept
 * page rewritten exactly as a fresh copy would be; anything that is not the origin's 304 for that very
 * validator, or a page no shared cache may store, gets no conditional and is read as it comes. Kept
 * pages live per isolate, so every case asks for a path of its own.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CallInit } from "../helpers";
import { fakeOrigin, VISITORS, visit } from "./guard-fixtures";
import { TRACKER_PAGE } from "./guard-page";

afterEach(() => {
	vi.restoreAllMocks();
});

const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", Accept: "text/html" };
const ETAG = '"page-v1"';

const uniquePath = () => `/news/${crypto.randomUUID()}`;

function pageHeaders(page: string, extra: Record<string, string> = {}): Headers {
	return new Headers({
		"Content-Type": "text/html; charset=utf-8",
		"Content-Length": String(new TextEncoder().encode(page).length),
		"Cache-Control": "public, max-age=60",
		ETag: ETAG,
		...extra,
	});
}

interface SiteOptions {
	readonly page?: string;
	readonly headers?: Record<string, string>;
	/** Answers a request carrying If-None-Match; by default, a 304 when it names the page's ETag. */
	readonly conditional?: (request: Request) => Response | undefined;
}

/** An origin serving one page, honouring If-None-Match like a static file server. */
function site(options: SiteOptions = {}) {
	const page = options.page ?? TRACKER_PAGE;
	const headers = pageHeaders(page, options.headers);
	return fakeOrigin((request) => {
		if (request.headers.has("If-None-Match")) {
			const custom = options.conditional?.(request);
			if (custom) return custom;
			if (request.headers.get("If-None-Match") === headers.get("ETag")) {
				return new Response(null, { status: 304, headers: { ETag: headers.get("ETag") as string } });
			}
		}
		return new Response(page, { headers });
	});
}

const view = (path: string, headers: Record<string, string> = {}, visitor: CallInit = VISITORS.optedOut) =>
	visit(path, visitor, { headers: { ...NAVIGATE, ...headers } });

/** Two views: a page is kept from its second sight on. */
async function seenTwice(path: string): Promise<void> {
	for (let n = 0; n < 2; n++) await (await view(path)).text();
}

async function snapshot(res: Response) {
	const headers = Object.fromEntries(res.headers);
	delete headers.date;
	return { status: res.status, headers, body: await res.text() };
}

describe("guarded pages revalidated with the origin", () => {
	it("asks again with the kept ETag, and answers the origin's 304 with the page's rewrite", async () => {
		const { calls } = site();
		const path = uniquePath();
		const first = await snapshot(await view(path));
		expect(first.status).toBe(200);
		expect(first.body).toContain('data-consent="ads"');
		expect(first.body).not.toContain('<script async src="https://www.googletagmanager.com');
		for (let n = 2; n <= 5; n++) {
			const again = await snapshot(await view(path));
			expect(again, `view ${n}`).toEqual(first);
		}
		expect(calls.map((call) => call.headers.get("If-None-Match"))).toEqual([null, null, ETAG, ETAG, ETAG]);
		expect(calls.every((call) => call.url.endsWith(path))).toBe(true);
	});

	it("replaces the visitor's own conditionals with the kept validator, never passing theirs", async () => {
		const { calls } = site();
		const path = uniquePath();
		for (let n = 0; n < 2; n++) {
			const res = await view(path, { "If-None-Match": '"from-browser-cache"' });
			expect(res.status).toBe(200);
			await res.text();
		}
		const second = await view(path, { "If-None-Match": '"from-browser-cache"', "If-Modified-Since": "x" });
		expect(second.status).toBe(200);
		expect(await second.text()).toContain('data-consent="ads"');
		expect(calls.map((call) => call.headers.get("If-None-Match"))).toEqual([null, null, ETAG]);
		expect(calls.every((call) => !call.headers.has("If-Modified-Since"))).toBe(true);
	});

	it("updates the answer's headers from the 304 and keeps its Set-Cookie lines, minus tracking ones", async () => {
		const path = uniquePath();
		site({
			headers: { "X-Build": "1" },
			conditional: () =>
				new Response(null, {
					status: 304,
					headers: [
						["ETag", ETAG],
						["X-Build", "2"],
						["Cache-Control", "public, max-age=5"],
						// A 304 has no body: a length here describes nothing of the kept page.
						["Content-Length", "3"],
						["Set-Cookie", "session=abc; Path=/; HttpOnly"],
						["Set-Cookie", "_fbp=fb.1.1.1; Path=/"],
					],
				}),
		});
		await seenTwice(path);
		const res = await view(path);
		expect(res.status).toBe(200);
		expect(res.headers.get("X-Build")).toBe("2");
		expect(res.headers.get("Cache-Control")).toBe("private, max-age=5");
		expect(res.headers.get("Content-Length")).toBeNull();
		expect(res.headers.get("ETag")).toBeNull();
		const cookies = res.headers.getSetCookie();
		expect(cookies).toContain("session=abc; Path=/; HttpOnly");
		expect(cookies.some((line) => line.startsWith("_fbp=fb."))).toBe(false);
		expect(res.headers.get("X-Consent-Guard")).toContain("rewritten");
		expect(await res.text()).toContain('data-consent="ads"');
	});

	it("answers with no targeted cache field (CDN-Cache-Control), the kept page's or the 304's", async () => {
		const path = uniquePath();
		site({
			headers: { "CDN-Cache-Control": "max-age=3600", "Surrogate-Control": "max-age=3600" },
			conditional: () =>
				new Response(null, {
					status: 304,
					headers: { ETag: ETAG, "Cloudflare-CDN-Cache-Control": "max-age=86400" },
				}),
		});
		await seenTwice(path);
		for (let n = 0; n < 2; n++) {
			const res = await view(path);
			expect(res.status).toBe(200);
			expect(res.headers.get("Cache-Control")).toBe("private, max-age=60");
			for (const name of ["CDN-Cache-Control", "Cloudflare-CDN-Cache-Control", "Surrogate-Control"]) {
				expect(res.headers.has(name), name).toBe(false);
			}
			await res.text();
		}
	});

	it("answers each revalidated view with headers of its own, whatever a receiver did to the last", async () => {
		site();
		const path = uniquePath();
		const first = await snapshot(await view(path));
		for (let n = 2; n <= 6; n++) {
			const res = await view(path);
			// What a receiver (a later handler, a test) does to one answer must not reach the next.
			res.headers.set("X-Changed-By-Receiver", String(n));
			res.headers.delete("Cache-Control");
			res.headers.delete("X-Consent-Guard");
			expect(await snapshot(await view(path)), `view ${n}`).toEqual(first);
		}
	});

	it("follows each 304's values: an answer carries the fields of the 304 that revalidated it", async () => {
		const path = uniquePath();
		let build = 0;
		const { calls } = site({
			conditional: () => {
				build += 1;
				// Every other 304 also changes how long the page may be cached.
				const cacheControl = build % 2 === 0 ? "public, max-age=5" : "public, max-age=60";
				return new Response(null, {
					status: 304,
					headers: { ETag: ETAG, "X-Build": String(build), "Cache-Control": cacheControl },
				});
			},
		});
		await seenTwice(path);
		for (let n = 1; n <= 5; n++) {
			const res = await view(path);
			expect(res.headers.get("X-Build"), `view ${n}`).toBe(String(n));
			expect(res.headers.get("Cache-Control")).toBe(
				n % 2 === 0 ? "private, max-age=5" : "private, max-age=60",
			);
			expect(await res.text()).toContain('data-consent="ads"');
		}
		expect(calls.filter((call) => call.headers.get("If-None-Match") === ETAG)).toHaveLength(5);
	});

	it("gives each answer the Date of the 304 that revalidated it, whether or not anything else changed", async () => {
		const path = uniquePath();
		let build = 0;
		// A server dates every answer anew (once a second): two views per Date, then the third also
		// brings a new X-Build.
		const dates = [1, 1, 2, 3, 3, 4].map((s) => new Date(Date.UTC(2026, 11, 2, 10, 0, s)).toUTCString());
		let n = 0;
		site({
			headers: { "X-Build": "0" },
			conditional: () => {
				const date = dates[n] as string;
				n += 1;
				if (n === 3) build += 1;
				return new Response(null, {
					status: 304,
					headers: { ETag: ETAG, Date: date, "X-Build": String(build) },
				});
			},
		});
		await seenTwice(path);
		const first = await snapshot(await view(path));
		for (let k = 2; k <= dates.length; k++) {
			const res = await view(path);
			expect(res.headers.get("Date"), `view ${k}`).toBe(dates[k - 1]);
			expect(res.headers.get("X-Build"), `view ${k}`).toBe(k >= 3 ? "1" : "0");
			const rest = await snapshot(res);
			expect({ ...rest, headers: { ...rest.headers, "x-build": "0" } }, `view ${k}`).toEqual(first);
		}
	});

	it("relays no Date the origin's Connection names, however often its 304s change it", async () => {
		const path = uniquePath();
		let second = 0;
		site({
			conditional: () => {
				second += 1;
				const date = new Date(Date.UTC(2026, 11, 2, 10, 0, second)).toUTCString();
				return new Response(null, { status: 304, headers: { ETag: ETAG, Date: date, Connection: "Date" } });
			},
		});
		await seenTwice(path);
		for (let k = 1; k <= 3; k++) {
			const res = await view(path);
			expect(res.headers.get("Date"), `view ${k}`).toBeNull();
			expect(await res.text()).toContain('data-consent="ads"');
		}
	});

	it("gives each request its own labels and cookie lines on a page revalidated again and again", async () => {
		const path = uniquePath();
		site();
		await seenTwice(path);
		const plain = await snapshot(await view(path));
		expect(plain.headers["x-consent-guard"]).toBe("rewritten");
		expect(plain.headers["set-cookie"]).toBeUndefined();
		// The page embedded with a campaign parameter: forwarded stripped (not a navigation), same page.
		const embedded = await visit(`${path}?utm_source=news`, VISITORS.optedOut, {
			headers: { "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "object", Accept: "text/html" },
		});
		expect(embedded.headers.get("X-Consent-Guard")).toBe("stripped, rewritten");
		expect(await embedded.text()).toBe(plain.body);
		// A visitor still carrying an analytics cookie gets it expired, on this answer alone.
		const withCookie = await view(path, { Cookie: "_ga=GA1.1.1.1" });
		expect(withCookie.headers.get("X-Consent-Guard")).toBe("blocked, rewritten");
		expect(withCookie.headers.getSetCookie().some((line) => line.startsWith("_ga=;"))).toBe(true);
		expect(await withCookie.text()).toBe(plain.body);
		expect(await snapshot(await view(path))).toEqual(plain);
	});

	it("adds a 304's Set-Cookie lines to its own answer only", async () => {
		const path = uniquePath();
		let n = 0;
		site({
			conditional: () => {
				n += 1;
				const headers = new Headers({ ETag: ETAG });
				if (n % 2 === 1) headers.append("Set-Cookie", `session=s${n}; Path=/; HttpOnly`);
				return new Response(null, { status: 304, headers });
			},
		});
		await seenTwice(path);
		for (let k = 1; k <= 4; k++) {
			const res = await view(path);
			expect(res.headers.getSetCookie(), `view ${k}`).toEqual(
				k % 2 === 1 ? [`session=s${k}; Path=/; HttpOnly`] : [],
			);
			await res.text();
		}
	});

	it("a 304 that makes the kept page something other than HTML still answers with its bytes, untouched", async () => {
		const path = uniquePath();
		site({
			conditional: () =>
				new Response(null, {
					status: 304,
					headers: { ETag: ETAG, "Content-Type": "text/plain; charset=utf-8" },
				}),
		});
		await seenTwice(path);
		const res = await view(path);
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
		expect(res.headers.get("X-Consent-Guard")).toBeNull();
		// Not a page any more: the origin's own bytes, not an empty body and not the rewrite.
		expect(await res.text()).toBe(TRACKER_PAGE);
	});

	it("a changed page (200 to the conditional) is answered and kept in place of the old one", async () => {
		const path = uniquePath();
		let version = 1;
		const pageOf = (v: number) => TRACKER_PAGE.replace("<title>Shop</title>", `<title>Shop v${v}</title>`);
		const { calls } = fakeOrigin((request) => {
			const etag = `"v${version}"`;
			if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304 });
			return new Response(pageOf(version), { headers: pageHeaders(pageOf(version), { ETag: etag }) });
		});
		expect(await (await view(path)).text()).toContain("Shop v1");
		expect(await (await view(path)).text()).toContain("Shop v1");
		version = 2;
		expect(await (await view(path)).text()).toContain("Shop v2");
		expect(await (await view(path)).text()).toContain("Shop v2");
		expect(calls.map((call) => call.headers.get("If-None-Match"))).toEqual([null, null, '"v1"', '"v2"']);
	});

	it("a 304 naming another validator is not taken for the kept page: the guard asks again", async () => {
		const path = uniquePath();
		site();
		await seenTwice(path);
		vi.restoreAllMocks();
		const changed = TRACKER_PAGE.replace("<title>Shop</title>", "<title>Changed</title>");
		const { calls } = fakeOrigin((request) =>
			request.headers.has("If-None-Match")
				? new Response(null, { status: 304, headers: { ETag: '"someone-else"' } })
				: new Response(changed, { headers: pageHeaders(changed, { ETag: '"v2"' }) }),
		);
		const res = await view(path);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("<title>Changed</title>");
		expect(calls.map((call) => call.headers.get("If-None-Match"))).toEqual([ETAG, null]);
	});

	it("keeps no page a shared cache could not store, or that it could not tell apart", async () => {
		const cases: [string, Record<string, string>][] = [
			["weak ETag", { ETag: 'W/"page-v1"' }],
			["no-store", { "Cache-Control": "no-store" }],
			["private", { "Cache-Control": "private, max-age=60" }],
			["Set-Cookie", { "Set-Cookie": "session=abc; Path=/" }],
			["Vary: *", { Vary: "*" }],
			["not a strong ETag", { ETag: "page-v1" }],
		];
		for (const [name, headers] of cases) {
			vi.restoreAllMocks();
			const { calls } = site({ headers });
			const path = uniquePath();
			for (let n = 0; n < 3; n++) expect((await view(path)).status, name).toBe(200);
			expect(
				calls.map((call) => call.headers.get("If-None-Match")),
				name,
			).toEqual([null, null, null]);
		}
	});

	it("keeps no page without an ETag, sent without a length, asked with Authorization, or by HEAD", async () => {
		const withoutEtag = () => {
			const headers = pageHeaders(TRACKER_PAGE);
			headers.delete("ETag");
			return new Response(TRACKER_PAGE, { headers });
		};
		const streamed = () => {
			const headers = pageHeaders(TRACKER_PAGE);
			headers.delete("Content-Length");
			return new Response(new Blob([TRACKER_PAGE]).stream(), { headers });
		};
		const cases: [string, (() => Response) | null, CallInit][] = [
			["no ETag", withoutEtag, { headers: NAVIGATE }],
			["no length", streamed, { headers: NAVIGATE }],
			["Authorization", null, { headers: { ...NAVIGATE, Authorization: "Bearer site-session" } }],
			["HEAD", null, { method: "HEAD", headers: NAVIGATE }],
		];
		for (const [name, answer, init] of cases) {
			vi.restoreAllMocks();
			const { calls } = answer === null ? site() : fakeOrigin(answer);
			const path = uniquePath();
			for (let n = 0; n < 3; n++) {
				const res = await visit(path, VISITORS.optedOut, init);
				expect(res.status, name).toBe(200);
				await res.arrayBuffer();
			}
			expect(
				calls.map((call) => call.headers.get("If-None-Match")),
				name,
			).toEqual([null, null, null]);
		}
	});

	it("revalidates only requests whose headers named by Vary match the kept page's", async () => {
		const { calls } = site({ headers: { Vary: "Accept-Language" } });
		const path = uniquePath();
		for (const language of ["en", "en", "ja", "ja", "en"]) {
			await (await view(path, { "Accept-Language": language })).text();
		}
		await (await view(path)).text();
		// The English copy was kept, then the Japanese one in its place.
		expect(calls.map((call) => call.headers.get("If-None-Match"))).toEqual([
			null,
			null,
			null,
			ETAG,
			null,
			null,
		]);
	});

	it("revalidates each URL on its own, and never for visitors the guard lets through", async () => {
		const { calls } = site();
		const path = uniquePath();
		for (const page of [1, 2, 1, 1]) await (await view(`${path}?page=${page}`)).text();
		// An allowed visitor's request goes upstream as it came: no validator of ours.
		await (await view(`${path}?page=1`, {}, VISITORS.allowed)).text();
		expect(calls.map((call) => [new URL(call.url).search, call.headers.get("If-None-Match")])).toEqual([
			["?page=1", null],
			["?page=2", null],
			["?page=1", null],
			["?page=1", ETAG],
			["?page=1", null],
		]);
	});

	it("gives every guarded visitor their own rewrite of a revalidated page", async () => {
		const { calls } = site();
		const path = uniquePath();
		const gpcFirst = await (await view(path, {}, VISITORS.gpcOnly)).text();
		const optedOut = await (await view(path)).text();
		const gpcAgain = await (await view(path, {}, VISITORS.gpcOnly)).text();
		expect(gpcAgain).toBe(gpcFirst);
		expect(optedOut).not.toBe(gpcFirst);
		vi.restoreAllMocks();
		// Fresh copies of the same bytes, for comparison, at a path never kept.
		site();
		expect(await (await view(uniquePath())).text()).toBe(optedOut);
		expect(calls.map((call) => call.headers.get("If-None-Match"))).toEqual([null, null, ETAG]);
	});
});
