/**
 * Tracking cookies for guarded visitors: those of denied purposes leave the Cookie header sent to
 * ORIGIN and are expired in the answer (only those the visitor sent, host-only and on parent
 * domains, and in a page's answer on its own path and its ancestors, within a byte budget); the
 * origin cannot set them again; session, CSRF, Cloudflare and consent cookies, and the tracking
 * cookies of allowed purposes, are never touched.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { DE, fakeOrigin, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const VID = "AbCdEfGhIjKlMnOpQrStUvWx";
const JAR = `session=s1; _ga=GA1.2.3.4; csrftoken=t0k; _fbp=fb.1.2.3; __cf_bm=cf1; ce_vid=${VID}; _gcl_au=1.1.1; theme=dark; _ga_ABC123=GS1.1; cf_clearance=c; __Host-session=h`;

function expiry(name: string): string[] {
	return onPage(name, "/");
}

function onPage(name: string, path: string): string[] {
	const base = `${name}=; Max-Age=0; Path=${path}`;
	return [base, `${base}; Domain=.consent.example`];
}

describe("a visitor opted out of everything (DE)", () => {
	it("sends the origin only the other cookies, byte for byte in order", async () => {
		const { calls } = fakeOrigin();
		await visit("/style.css", VISITORS.optedOut, { headers: { Cookie: JAR } });
		expect(calls[0]?.headers.get("Cookie")).toBe(
			`session=s1; csrftoken=t0k; __cf_bm=cf1; ce_vid=${VID}; theme=dark; cf_clearance=c; __Host-session=h`,
		);
	});

	it("expires exactly the tracking cookies sent, and labels the answer blocked", async () => {
		fakeOrigin(() => new Response("body{}", { headers: { "Content-Type": "text/css" } }));
		const res = await visit("/style.css", VISITORS.optedOut, { headers: { Cookie: JAR } });
		expect(res.headers.getSetCookie()).toEqual([
			...expiry("_ga"),
			...expiry("_fbp"),
			...expiry("_gcl_au"),
			...expiry("_ga_ABC123"),
		]);
		expect(res.headers.get("X-Consent-Guard")).toBe("blocked");
		expect(await res.text()).toBe("body{}");
	});

	it("drops the origin's own Set-Cookie lines for tracking cookies, keeping the rest", async () => {
		fakeOrigin(() => {
			const headers = new Headers({ "Content-Type": "text/plain" });
			headers.append("Set-Cookie", "_ga=GA1.2.9.9; Path=/; Domain=.consent.example; Max-Age=63072000");
			headers.append("Set-Cookie", "session=new; Path=/; HttpOnly; Secure");
			headers.append("Set-Cookie", "_fbp=fb.1.2.3; Path=/; Max-Age=7776000");
			headers.append("Set-Cookie", "_gcl_au=; Path=/; Max-Age=0");
			headers.append("Set-Cookie", "csrftoken=abc; Path=/; SameSite=Strict");
			return new Response("ok", { headers });
		});
		const res = await visit("/account", VISITORS.optedOut);
		expect(res.headers.getSetCookie()).toEqual([
			"session=new; Path=/; HttpOnly; Secure",
			// The origin deleting a tracking cookie is welcome.
			"_gcl_au=; Path=/; Max-Age=0",
			"csrftoken=abc; Path=/; SameSite=Strict",
		]);
		expect(res.headers.get("X-Consent-Guard")).toBe("blocked");
	});

	it("expires tracking cookies on the guard's own answers too (redirects, blocked beacons)", async () => {
		const { spy } = fakeOrigin();
		const redirect = await visit("/x?gclid=1", VISITORS.optedOut, {
			headers: { Cookie: "_ga=1; session=s" },
		});
		expect(redirect.status).toBe(302);
		expect(redirect.headers.getSetCookie()).toEqual(expiry("_ga"));
		expect(redirect.headers.get("X-Consent-Guard")).toBe("stripped, blocked");
		const beacon = await visit("/g/collect?v=2&tid=G-ABC123XYZ9", VISITORS.optedOut, {
			method: "POST",
			headers: { Cookie: "_fbp=1" },
		});
		expect(beacon.status).toBe(204);
		expect(beacon.headers.getSetCookie()).toEqual(expiry("_fbp"));
		expect(spy).not.toHaveBeenCalled();
	});

	it("expires cookies on the site and every domain down to the request's host", async () => {
		fakeOrigin();
		const res = await visit("https://shop.consent.example/x", VISITORS.optedOut, {
			headers: { Cookie: "_ga=1" },
		});
		const base = "_ga=; Max-Age=0; Path=/";
		expect(res.headers.getSetCookie()).toEqual([
			base,
			`${base}; Domain=.consent.example`,
			`${base}; Domain=.shop.consent.example`,
		]);
	});
});

describe("a denied tracking cookie on a section's path (`Path=/shop`)", () => {
	const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };
	const at = (name: string, path: string) => `${name}=; Max-Age=0; Path=${path}`;

	it("is expired on the page's path and its ancestors, host-only and on the site first", async () => {
		fakeOrigin();
		const res = await visit("https://www.consent.example/shop/cart/item", VISITORS.optedOut, {
			headers: { ...NAVIGATE, Cookie: "_ga=1; session=s1" },
		});
		const everywhere = (path: string) => [
			at("_ga", path),
			`${at("_ga", path)}; Domain=.consent.example`,
			`${at("_ga", path)}; Domain=.www.consent.example`,
		];
		expect(res.headers.getSetCookie()).toEqual([
			...everywhere("/"),
			at("_ga", "/shop/cart/item"),
			`${at("_ga", "/shop/cart/item")}; Domain=.consent.example`,
			at("_ga", "/shop"),
			`${at("_ga", "/shop")}; Domain=.consent.example`,
			at("_ga", "/shop/cart"),
			`${at("_ga", "/shop/cart")}; Domain=.consent.example`,
			`${at("_ga", "/shop/cart/item")}; Domain=.www.consent.example`,
			`${at("_ga", "/shop")}; Domain=.www.consent.example`,
			`${at("_ga", "/shop/cart")}; Domain=.www.consent.example`,
			...everywhere("/shop/"),
			...everywhere("/shop/cart/"),
		]);
	});

	it("at worst, three levels: the page, three ancestors and two with a trailing slash", async () => {
		fakeOrigin();
		const res = await visit("https://a.b.consent.example/1/2/3/4/5/page", VISITORS.optedOut, {
			headers: { ...NAVIGATE, Cookie: "_ga=1; _fbp=2" },
		});
		const lines = res.headers.getSetCookie();
		// Host-only, the site and two levels below it: on `/`, on the page and its three ancestors, and
		// on those ancestors with a trailing slash.
		expect(lines).toHaveLength(2 * 4 * (1 + 4 + 3));
		const paths = lines.map((line) => line.split("; ").find((part) => part.startsWith("Path=")));
		expect(new Set(paths)).toEqual(
			new Set(
				["/", "/1/2/3/4/5/page", "/1", "/1/2", "/1/2/3", "/1/", "/1/2/", "/1/2/3/"].map((p) => `Path=${p}`),
			),
		);
	});

	it("is expired on the page's own path, trailing-slash ancestors and the host's Domain too", async () => {
		fakeOrigin();
		const res = await visit("https://www.consent.example/shop/cart", VISITORS.optedOut, {
			headers: { ...NAVIGATE, Cookie: "_ga=1" },
		});
		const scopes = res.headers.getSetCookie().map((line) => line.split("; ").slice(2).join("; "));
		expect(new Set(scopes)).toEqual(
			new Set(
				["/", "/shop/cart", "/shop", "/shop/"].flatMap((path) => [
					`Path=${path}`,
					`Path=${path}; Domain=.consent.example`,
					`Path=${path}; Domain=.www.consent.example`,
				]),
			),
		);
	});

	it("keeps the lines it adds within 16 KiB, every cookie's Path=/ lines first", async () => {
		fakeOrigin();
		const names = Array.from({ length: 40 }, (_, i) => `_ga_BRAND${String(i).padStart(2, "0")}`);
		const res = await visit(
			`https://www.consent.example/shop/${"s".repeat(1_000)}/x/page`,
			VISITORS.optedOut,
			{ headers: { ...NAVIGATE, Cookie: names.map((name) => `${name}=1`).join("; ") } },
		);
		expect(res.status).toBe(200);
		const lines = res.headers.getSetCookie();
		// Each line as a header field on the wire: `Set-Cookie: `, the value and CRLF.
		const bytes = lines.reduce((sum, line) => sum + "Set-Cookie: \r\n".length + line.length, 0);
		expect(bytes).toBeLessThanOrEqual(16 * 1024);
		const root = lines.filter((line) => line.includes("; Path=/;") || line.endsWith("; Path=/"));
		expect(root).toEqual(
			names.flatMap((name) => [
				at(name, "/"),
				`${at(name, "/")}; Domain=.consent.example`,
				`${at(name, "/")}; Domain=.www.consent.example`,
			]),
		);
		// A narrower scope is expired for every cookie or for none; `/shop` fits, the 1 KB paths do not.
		const narrow = lines.slice(root.length).map((line) => line.slice(line.indexOf("; Path=")));
		expect(narrow.length).toBeGreaterThan(0);
		for (const scope of new Set(narrow)) {
			expect(
				narrow.filter((other) => other === scope),
				scope,
			).toHaveLength(names.length);
			expect(scope.length, scope).toBeLessThan(1_000);
		}
		expect(narrow).toContain("; Path=/shop");
	});

	it("expires hundreds of denied cookies within 16 KiB, the ones left out with the next answer", async () => {
		fakeOrigin();
		const names = Array.from({ length: 300 }, (_, i) => `_ga_BULK${String(i).padStart(3, "0")}`);
		const request = (jar: readonly string[]) =>
			visit("https://www.consent.example/", VISITORS.optedOut, {
				headers: { ...NAVIGATE, Cookie: jar.map((name) => `${name}=1`).join("; ") },
			});
		const first = (await request(names)).headers.getSetCookie();
		const bytes = first.reduce((sum, line) => sum + "Set-Cookie: \r\n".length + line.length, 0);
		expect(bytes).toBeLessThanOrEqual(16 * 1024);
		// Whole cookies, in the order sent: every domain of each, none of the rest.
		const expired = [...new Set(first.map((line) => line.slice(0, line.indexOf("="))))];
		expect(expired.length).toBeGreaterThan(50);
		expect(expired.length).toBeLessThan(names.length);
		expect(expired).toEqual(names.slice(0, expired.length));
		expect(first).toHaveLength(expired.length * 3);
		// The browser then sends only those still in its jar; the next answer goes on with them.
		const next = (await request(names.slice(expired.length))).headers.getSetCookie();
		expect(next[0]).toBe(`${names[expired.length]}=; Max-Age=0; Path=/`);
	});

	it("is expired on `/` alone in an asset's or a beacon's answer", async () => {
		fakeOrigin();
		for (const [path, mode, dest] of [
			["/shop/cart/app.js", "no-cors", "script"],
			["/shop/cart/g/collect?v=2&tid=G-X", "cors", "empty"],
		] as const) {
			const res = await visit(path, VISITORS.optedOut, {
				headers: { "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest, Cookie: "_ga=1" },
			});
			expect(res.headers.getSetCookie(), path).toEqual(expiry("_ga"));
		}
	});
});

describe("a GPC-only visitor (US, ads denied, analytics allowed)", () => {
	it("loses only the ad cookies", async () => {
		const { calls } = fakeOrigin();
		const res = await visit("/style.css", VISITORS.gpcOnly, { headers: { Cookie: JAR } });
		expect(calls[0]?.headers.get("Cookie")).toBe(
			`session=s1; _ga=GA1.2.3.4; csrftoken=t0k; __cf_bm=cf1; ce_vid=${VID}; theme=dark; _ga_ABC123=GS1.1; cf_clearance=c; __Host-session=h`,
		);
		expect(res.headers.getSetCookie()).toEqual([...expiry("_fbp"), ...expiry("_gcl_au")]);
	});
});

describe("a GPC visitor without a visitor id (nothing stored)", () => {
	const navigate = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };

	it("has the ad cookies expired in the US and the analytics ones too in DE (opt-in)", async () => {
		const { spy } = fakeOrigin();
		const cookies = "_ga=1; session=s; _fbp=2";
		const us = await visit("/x?gclid=1", VISITORS.gpcOnly, { headers: { ...navigate, Cookie: cookies } });
		expect(us.status).toBe(302);
		// A navigation's answer: on the page's own path (`/x`) too.
		expect(us.headers.getSetCookie()).toEqual([...expiry("_fbp"), ...onPage("_fbp", "/x")]);
		const de = await visit(
			"/x?gclid=1",
			{ cf: DE, headers: { "Sec-GPC": "1" } },
			{
				headers: { ...navigate, Cookie: cookies },
			},
		);
		expect(de.status).toBe(302);
		expect(de.headers.getSetCookie()).toEqual([
			...expiry("_ga"),
			...expiry("_fbp"),
			// Scope by scope: host-only for both, then on the site for both.
			onPage("_ga", "/x")[0],
			onPage("_fbp", "/x")[0],
			onPage("_ga", "/x")[1],
			onPage("_fbp", "/x")[1],
		]);
		expect(spy).not.toHaveBeenCalled();
	});

	it("without any cookie is redirected with no Set-Cookie at all", async () => {
		fakeOrigin();
		const res = await visit("/x?utm_source=a&id=4", VISITORS.gpcOnly, { headers: navigate });
		expect(res.status).toBe(302);
		expect(res.headers.get("Location")).toBe("/x?id=4");
		expect(res.headers.getSetCookie()).toEqual([]);
		expect(res.headers.get("X-Consent-Guard")).toBe("stripped");
	});
});

describe("cookies the guard never touches", () => {
	it("a guarded visitor with only functional cookies: Cookie header and answer unchanged", async () => {
		const jar = `session=s1; csrftoken=t; XSRF-TOKEN=x; __cf_bm=b; _cfuvid=u; ce_vid=${VID}; ce_consent=abc.def; OptanonConsent=groups; __hs_opt_out=yes`;
		const { calls } = fakeOrigin(() => new Response("ok", { headers: { "Content-Type": "text/plain" } }));
		const res = await visit("/api/me", VISITORS.optedOut, { headers: { Cookie: jar } });
		expect(calls[0]?.headers.get("Cookie")).toBe(jar);
		expect(res.headers.getSetCookie()).toEqual([]);
		expect(res.headers.has("X-Consent-Guard")).toBe(false);
	});

	it("a visitor whose decisions allow tracking keeps every cookie", async () => {
		const { calls } = fakeOrigin(() => {
			const headers = new Headers();
			headers.append("Set-Cookie", "_ga=GA1.2.9.9; Path=/");
			return new Response("ok", { headers });
		});
		const res = await visit("/x", VISITORS.allowed, { headers: { Cookie: JAR } });
		expect(calls[0]?.headers.get("Cookie")).toBe(JAR);
		expect(res.headers.getSetCookie()).toEqual(["_ga=GA1.2.9.9; Path=/"]);
	});

	it("a Cookie header holding only denied tracking cookies is not sent at all", async () => {
		const { calls } = fakeOrigin();
		await visit("/x", VISITORS.optedOut, { headers: { Cookie: "_ga=1; _fbp=2" } });
		expect(calls[0]?.headers.has("Cookie")).toBe(false);
	});
});
