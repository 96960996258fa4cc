/**
 * Tracking parameters in guarded visitors' URLs: navigations are redirected (302, relative Location,
 * kept parameters byte for byte, never stored, never elsewhere, never again), other requests are
 * forwarded without them, and the origin's own Location headers are stripped unless that would loop.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { chunkedStream, fakeOrigin, guardEnv, ORIGIN, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
	vi.useRealTimers();
});

const NAVIGATE = {
	"Sec-Fetch-Mode": "navigate",
	"Sec-Fetch-Dest": "document",
	"Sec-Fetch-Site": "cross-site",
};

describe("a guarded navigation with tracking parameters", () => {
	const cases: readonly (readonly [string, string])[] = [
		["/shoes?gclid=abc", "/shoes"],
		["/shoes?size=42&utm_source=news&utm_medium=email&colour=red", "/shoes?size=42&colour=red"],
		["/p?b=2&fbclid=x&a=%41+1&c&d=&gclid=y&e=%e2%82%ac", "/p?b=2&a=%41+1&c&d=&e=%e2%82%ac"],
		["/p?utm_source=x&utm_campaign=y", "/p"],
		["/a%20b/c?msclkid=1&q=caf%C3%A9", "/a%20b/c?q=caf%C3%A9"],
		["/?_gl=1*abc*_ga*MTIz&page=2", "/?page=2"],
	];
	for (const [from, to] of cases) {
		it(`${from} → 302 ${to}`, async () => {
			const { spy } = fakeOrigin();
			const res = await visit(from, VISITORS.optedOut, { headers: NAVIGATE });
			expect(res.status).toBe(302);
			expect(res.headers.get("Location")).toBe(to);
			expect(res.headers.get("Cache-Control")).toBe("private, no-store");
			expect(res.headers.get("X-Consent-Guard")).toBe("stripped");
			expect(res.headers.getSetCookie()).toEqual([]);
			expect(spy).not.toHaveBeenCalled();
		});
	}

	it("is loop-safe: the clean URL is forwarded, not redirected again", async () => {
		const { calls } = fakeOrigin(
			() => new Response("<p>page</p>", { headers: { "Content-Type": "text/html" } }),
		);
		const first = await visit("/p?b=2&fbclid=x&a=1", VISITORS.gpcOnly, { headers: NAVIGATE });
		const location = first.headers.get("Location") as string;
		expect(location).toBe("/p?b=2&a=1");
		const second = await visit(location, VISITORS.gpcOnly, { headers: NAVIGATE });
		expect(second.status).toBe(200);
		expect(calls.map((c) => c.url)).toEqual([`${ORIGIN}/p?b=2&a=1`]);
	});

	it("never leaves the site: a path that reads as a host gets the request's own origin", async () => {
		fakeOrigin();
		const res = await visit("https://consent.example//evil.example/x?gclid=1", VISITORS.optedOut, {
			headers: NAVIGATE,
		});
		expect(res.status).toBe(302);
		expect(res.headers.get("Location")).toBe("https://consent.example//evil.example/x");
		for (const path of ["/https://evil.example/?gclid=1", "/redirect?to=https://evil.example&gclid=1"]) {
			const r = await visit(path, VISITORS.optedOut, { headers: NAVIGATE });
			const target = new URL(r.headers.get("Location") as string, "https://consent.example/");
			expect(target.origin).toBe("https://consent.example");
		}
	});

	it("covers HEAD navigations and GETs without Fetch Metadata", async () => {
		const { spy } = fakeOrigin();
		const head = await visit("/x?gclid=1&k=v", VISITORS.optedOut, { method: "HEAD", headers: NAVIGATE });
		expect(head.status).toBe(302);
		expect(head.headers.get("Location")).toBe("/x?k=v");
		const plain = await visit("/x?gclid=1&k=v", VISITORS.optedOut);
		expect(plain.status).toBe(302);
		expect(plain.headers.get("Location")).toBe("/x?k=v");
		expect(spy).not.toHaveBeenCalled();
	});

	it("is not applied to visitors whose decisions allow tracking", async () => {
		const { calls } = fakeOrigin();
		const res = await visit("/x?gclid=1", VISITORS.allowed, { headers: NAVIGATE });
		expect(res.status).toBe(200);
		expect(calls[0]?.url).toBe(`${ORIGIN}/x?gclid=1`);
	});

	it("answers a repeated campaign link the same way every time (headers made once it repeats)", async () => {
		const { spy } = fakeOrigin();
		const url = "/landing/repeat?utm_source=news&id=7&gclid=g1";
		const answers: [string, string][][] = [];
		for (let i = 0; i < 4; i++) {
			const res = await visit(url, VISITORS.gpcOnly, { headers: NAVIGATE });
			expect(res.status).toBe(302);
			expect(res.body).toBeNull();
			answers.push([...res.headers]);
			// Changing one answer's headers leaves the next answers alone.
			res.headers.set("Location", "https://evil.example/");
			res.headers.append("Set-Cookie", "x=1");
		}
		expect(answers[0]).toEqual([
			["cache-control", "private, no-store"],
			["location", "/landing/repeat?id=7"],
			["x-consent-guard", "stripped"],
		]);
		for (const answer of answers) expect(answer).toEqual(answers[0]);
		// The same link with a tracking cookie, and another link's clean URL, are still their own.
		const withCookie = await visit(url, VISITORS.gpcOnly, { headers: { ...NAVIGATE, Cookie: "_fbp=1" } });
		expect(withCookie.headers.get("X-Consent-Guard")).toBe("stripped, blocked");
		// On `/`, the page's own path, its ancestor `/landing` and `/landing/`, host-only and on the site.
		expect(withCookie.headers.getSetCookie()).toHaveLength(8);
		expect(withCookie.headers.get("Location")).toBe("/landing/repeat?id=7");
		const other = await visit("/landing/repeat?utm_source=news&id=8", VISITORS.gpcOnly, {
			headers: NAVIGATE,
		});
		expect(other.headers.get("Location")).toBe("/landing/repeat?id=8");
		const spelledOut = await visit(
			"https://consent.example//landing/repeat?id=7&gclid=g1",
			VISITORS.gpcOnly,
			{
				headers: NAVIGATE,
			},
		);
		expect(spelledOut.headers.get("Location")).toBe("https://consent.example//landing/repeat?id=7");
		expect(spy).not.toHaveBeenCalled();
	});

	it("applies a host's own rules on that host only, request after request", async () => {
		const { calls } = fakeOrigin();
		const env = guardEnv(); // one deployment: its settings, and what is remembered of them, persist
		const navigate = (url: string) => visit(url, VISITORS.gpcOnly, { headers: NAVIGATE }, env);
		for (let i = 0; i < 3; i++) {
			const youtube = await navigate("https://www.youtube.com/watch?v=1&si=2");
			expect(youtube.status).toBe(302);
			expect(youtube.headers.get("Location")).toBe("/watch?v=1");
			expect((await navigate("https://shop.consent.example/watch?v=1&si=2")).status).toBe(200);
		}
		expect(calls.map((c) => c.url)).toEqual([1, 2, 3].map(() => `${ORIGIN}/watch?v=1&si=2`));
	});

	it("leaves a navigation without tracking parameters alone", async () => {
		const { calls } = fakeOrigin();
		const res = await visit("/x?q=shoes&page=2", VISITORS.optedOut, { headers: NAVIGATE });
		expect(res.status).toBe(200);
		expect(res.headers.has("X-Consent-Guard")).toBe(false);
		expect(calls[0]?.url).toBe(`${ORIGIN}/x?q=shoes&page=2`);
	});
});

describe("other guarded requests with tracking parameters", () => {
	it("a subresource GET is forwarded stripped, not redirected", async () => {
		const { calls } = fakeOrigin(() => new Response("img", { headers: { "Content-Type": "image/gif" } }));
		const res = await visit("/i.gif?gclid=1&w=10", VISITORS.gpcOnly, {
			headers: { "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image" },
		});
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("img");
		expect(res.headers.get("X-Consent-Guard")).toBe("stripped");
		expect(calls[0]?.url).toBe(`${ORIGIN}/i.gif?w=10`);
	});

	it("a HEAD without Fetch Metadata is forwarded stripped", async () => {
		const { calls } = fakeOrigin(() => new Response(null));
		const res = await visit("/x?fbclid=1", VISITORS.optedOut, { method: "HEAD" });
		expect(res.status).toBe(200);
		expect(calls[0]).toMatchObject({ method: "HEAD", url: `${ORIGIN}/x` });
	});

	it("a POST is forwarded stripped with its body streamed", async () => {
		const { calls } = fakeOrigin(() => new Response("saved", { status: 201 }));
		const res = await visit("/form?utm_source=x&id=3", VISITORS.optedOut, {
			method: "POST",
			headers: { ...NAVIGATE, "Content-Type": "application/x-www-form-urlencoded" },
			body: chunkedStream("name=Ada&gclid=kept-in-body"),
			duplex: "half",
		} as RequestInit);
		expect(res.status).toBe(201);
		expect(await res.text()).toBe("saved");
		expect(calls[0]).toMatchObject({
			method: "POST",
			url: `${ORIGIN}/form?id=3`,
			body: "name=Ada&gclid=kept-in-body",
		});
	});
});

describe("the origin's Location header, for guarded visitors", () => {
	function redirectingOrigin(location: string, status = 302) {
		return fakeOrigin(() => new Response(null, { status, headers: { Location: location } }));
	}

	it("loses its tracking parameters, whatever the host", async () => {
		for (const [location, expected] of [
			["/next?gclid=1&step=2", "/next?step=2"],
			["https://partner.example/land?utm_source=us&id=9#frag", "https://partner.example/land?id=9#frag"],
			// ORIGIN's own address is the visitor's host (origin-location.ts), stripped as well.
			[`${ORIGIN}/next?fbclid=1`, "https://consent.example/next"],
		] as const) {
			redirectingOrigin(location, 301);
			const res = await visit("/start", VISITORS.gpcOnly);
			expect(res.status).toBe(301);
			expect(res.headers.get("Location")).toBe(expected);
			expect(res.headers.get("X-Consent-Guard")).toBe("stripped");
			vi.restoreAllMocks();
		}
	});

	it("is relayed unstripped when stripping would point back at the current URL", async () => {
		for (const location of [
			"/here?lang=en&gclid=1",
			"https://consent.example/here?lang=en&utm_source=x",
			`${ORIGIN}/here?lang=en&fbclid=1`,
		]) {
			redirectingOrigin(location);
			const res = await visit("/here?lang=en", VISITORS.optedOut, { headers: NAVIGATE });
			expect(res.status).toBe(302);
			expect(res.headers.get("Location")).toBe(location.replace(ORIGIN, "https://consent.example"));
			expect(res.headers.has("X-Consent-Guard")).toBe(false);
			vi.restoreAllMocks();
		}
	});

	it("without SIGNING_KEY, a redirect the origin insists on is a 503 not_configured, not a loop", async () => {
		fakeOrigin(() => new Response(null, { status: 302, headers: { Location: "/insist?utm_source=site" } }));
		const unsigned = guardEnv({ SIGNING_KEY: "" });
		const res = await visit("/insist", VISITORS.optedOut, { headers: NAVIGATE }, unsigned);
		// Relayed without the cookie, the browser's next request would be stripped back to /insist.
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect(await res.text()).toContain("SIGNING_KEY");
		// Redirects that need no cookie are relayed as ever.
		fakeOrigin(() => new Response(null, { status: 302, headers: { Location: "/elsewhere" } }));
		const plain = await visit("/insist", VISITORS.optedOut, { headers: NAVIGATE }, unsigned);
		expect(plain.status).toBe(302);
	});

	it("that 503 is a page for a browser's navigation, as the guard's 502 and 504 are", async () => {
		fakeOrigin(() => new Response(null, { status: 302, headers: { Location: "/insist?utm_source=site" } }));
		const unsigned = guardEnv({ SIGNING_KEY: "" });
		const browser = { ...NAVIGATE, Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
		const res = await visit("/insist", VISITORS.optedOut, { headers: browser }, unsigned);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
		// It was the API's JSON, shown to the visitor as raw text.
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(await res.text()).toContain("SIGNING_KEY is not configured");
	});

	it("lets the navigation to a target the origin insists on through: no loop of two steps either", async () => {
		// The origin wants its own campaign tag on this page and redirects the clean URL back to it.
		const { calls } = fakeOrigin((request) =>
			new URL(request.url).search === "?utm_source=site"
				? new Response("<p>landed</p>", { headers: { "Content-Type": "text/html" } })
				: new Response(null, { status: 302, headers: { Location: "/insist?utm_source=site" } }),
		);
		const first = await visit("/insist", VISITORS.optedOut, { headers: NAVIGATE });
		expect(first.status).toBe(302);
		expect(first.headers.get("Location")).toBe("/insist?utm_source=site");
		const line = first.headers.getSetCookie().find((c) => c.startsWith("ce_insisted="));
		expect(line).toMatch(/^ce_insisted=\d+\.[\w-]{43}; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax; Secure$/);
		const cookie = line?.split(";")[0] ?? "";

		const followed = await visit("/insist?utm_source=site", VISITORS.optedOut, {
			headers: { ...NAVIGATE, Cookie: cookie },
		});
		expect(followed.status).toBe(200);
		expect(await followed.text()).toBe("<p>landed</p>");
		expect(calls.at(-1)?.url).toBe(`${ORIGIN}/insist?utm_source=site`);

		// Only for that very target, only with a cookie the worker signed.
		for (const [path, presented] of [
			["/insist?utm_source=site", undefined],
			["/insist?utm_source=site", "ce_insisted=forged"],
			["/insist?utm_source=site&gclid=1", cookie],
			["/elsewhere?utm_source=site", cookie],
		] as const) {
			const headers = presented === undefined ? NAVIGATE : { ...NAVIGATE, Cookie: presented };
			const res = await visit(path, VISITORS.optedOut, { headers });
			expect(res.status, `${path} ${presented}`).toBe(302);
			expect(res.headers.get("Location"), path).toBe(path.startsWith("/insist") ? "/insist" : "/elsewhere");
		}
	});

	it("lets it through only within the cookie's minute, whatever a planted cookie says", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		fakeOrigin((request) =>
			new URL(request.url).search === "?utm_source=site"
				? new Response("landed")
				: new Response(null, { status: 302, headers: { Location: "/insist?utm_source=site" } }),
		);
		const first = await visit("/insist", VISITORS.optedOut, { headers: NAVIGATE });
		const value = first.headers.getSetCookie()[0]?.split(";")[0]?.split("=")[1] ?? "";
		const [expires, mac] = value.split(".");
		const follow = (cookieValue: string) =>
			visit("/insist?utm_source=site", VISITORS.optedOut, {
				headers: { ...NAVIGATE, Cookie: `ce_insisted=${cookieValue}` },
			});
		vi.setSystemTime(Date.now() + 59_000);
		expect((await follow(value)).status).toBe(200);
		// Kept past its minute (a script wrote it back with a longer life): no longer honoured.
		vi.setSystemTime(Date.now() + 2_000);
		expect((await follow(value)).status).toBe(302);
		// Nor with its end moved on (within what the worker issues): the end is signed.
		expect((await follow(`${Number(expires) + 30}.${mac}`)).status).toBe(302);
	});

	it("is untouched for visitors whose decisions allow tracking", async () => {
		redirectingOrigin("/next?gclid=1");
		const res = await visit("/start", VISITORS.allowed);
		expect(res.headers.get("Location")).toBe("/next?gclid=1");
	});
});

describe("site configuration of the stripping rules", () => {
	it("strips extra names, keeps kept names and can keep utm_*", async () => {
		const env = guardEnv({
			GUARD_STRIP_EXTRA: "affid, ref_code",
			GUARD_STRIP_KEEP: "gclid",
			GUARD_KEEP_UTM: "true",
		});
		const { spy } = fakeOrigin();
		const res = await visit(
			"/p?affid=1&gclid=2&utm_source=news&ref_code=x&fbclid=3&q=1",
			VISITORS.optedOut,
			{ headers: NAVIGATE },
			env,
		);
		expect(res.status).toBe(302);
		expect(res.headers.get("Location")).toBe("/p?gclid=2&utm_source=news&q=1");
		expect(spy).not.toHaveBeenCalled();
	});
});
