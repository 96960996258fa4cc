/**
 * Rules the browser follows by itself, in the guard: document speculation rules (`where`), the
 * `Speculation-Rules` header, and import maps. For an opted-out visitor no
 * rule can reach a denied tracker; the site's own rules, an allowed purpose's trackers and an allowed
 * visitor's answers are left as written. What Chromium requests for each is checked in
 * test/browser/guard-speculation.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CallInit } from "../helpers";
import { fakeOrigin, guardedBody, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const page = guardedBody;

const script = (type: string, json: unknown) =>
	`<script type="${type}">${typeof json === "string" ? json : JSON.stringify(json)}</script>`;
const rules = (json: unknown) => script("speculationrules", json);

describe("document speculation rules", () => {
	it("a document rule that may pick another origin's link is held to the rules' own origin", async () => {
		const where = { not: { href_matches: "/logout" } };
		expect(
			await page(
				rules({
					prefetch: [{ source: "document", where, eagerness: "immediate" }],
					prerender: [{ source: "document" }, { where: { selector_matches: ".next" } }],
				}),
			),
		).toBe(
			rules({
				prefetch: [
					{ source: "document", where: { and: [where, { href_matches: "/*" }] }, eagerness: "immediate" },
				],
				prerender: [
					{ source: "document", where: { href_matches: "/*" } },
					{ where: { and: [{ selector_matches: ".next" }, { href_matches: "/*" }] } },
				],
			}),
		);
	});

	it("a tracker's list URL and a document rule are guarded together, every visit alike", async () => {
		const json = {
			prefetch: [{ urls: ["https://www.facebook.com/tr", "/a"] }, { where: { href_matches: "https://*/*" } }],
		};
		const guarded = rules({
			prefetch: [
				{ urls: ["/a"] },
				{ where: { and: [{ href_matches: "https://*/*" }, { href_matches: "/*" }] } },
			],
		});
		// The second and third sights are answered from what the first two worked out (page-verdicts.ts).
		for (let i = 0; i < 3; i++) expect(await page(rules(json))).toBe(guarded);
		// Denied nothing the list names (GPC: ads): the list stays as written.
		expect(
			await page(rules({ prefetch: [{ urls: ["https://www.google-analytics.com/x"] }] }), VISITORS.gpcOnly),
		).toBe(rules({ prefetch: [{ urls: ["https://www.google-analytics.com/x"] }] }));
	});

	it("rules held to their own origin already, and an allowed visitor's, are left as written", async () => {
		const wordpress = rules(
			'{"prefetch":[{"source":"document","where":{"and":[{"href_matches":"\\/*"},{"not":{"href_matches":["\\/wp-*.php","\\/wp-admin\\/*"]}}]},"eagerness":"conservative"}]}',
		);
		expect(await page(wordpress)).toBe(wordpress);
		const paths = rules({ prefetch: [{ where: { href_matches: ["/shop/*", "/blog/*"] } }] });
		expect(await page(paths)).toBe(paths);
		const every = rules({ prefetch: [{ source: "document", eagerness: "eager" }] });
		expect(await page(every, VISITORS.allowed)).toBe(every);
	});
});

describe("import maps", () => {
	const map = {
		imports: {
			pixel: "https://connect.facebook.net/en_US/fbevents.js",
			app: "/js/app.js",
			"lib/": "https://cdn.example/lib/",
		},
		scopes: { "/shop/": { pixel: "//www.facebook.com/x.js", ui: "https://cdn.example/ui.js" } },
		integrity: { "https://cdn.example/ui.js": "sha384-x" },
	};

	it("an entry mapping a name to a denied tracker goes, from the imports and every scope", async () => {
		expect(await page(script("importmap", map))).toBe(
			script("importmap", {
				imports: { app: "/js/app.js", "lib/": "https://cdn.example/lib/" },
				scopes: { "/shop/": { ui: "https://cdn.example/ui.js" } },
				integrity: { "https://cdn.example/ui.js": "sha384-x" },
			}),
		);
	});

	it("a map naming no denied tracker, one the browser refuses, and an allowed visitor's are left as written", async () => {
		const own = script("importmap", '{ "imports": { "app": "/js/app.js" } }');
		expect(await page(own)).toBe(own);
		const broken = script("importmap", '{"imports": {"pixel": "https://www.facebook.com/x.js"}');
		expect(await page(broken)).toBe(broken);
		expect(await page(script("importmap", map), VISITORS.allowed)).toBe(script("importmap", map));
		// GPC denies ads: an analytics tracker's entry stays.
		const analytics = script("importmap", {
			imports: { ga: "https://www.google-analytics.com/analytics.js" },
		});
		expect(await page(analytics, VISITORS.gpcOnly)).toBe(analytics);
	});
});

describe("the Speculation-Rules header", () => {
	const HEADER = '"/rules.json", "https://rules.cdn.example/r.json";x=1';

	async function answer(visitor: CallInit, path = "/") {
		fakeOrigin(
			() =>
				new Response("<p>x</p>", {
					headers: { "Content-Type": "text/html; charset=utf-8", "Speculation-Rules": HEADER },
				}),
		);
		return (await visit(path, visitor)).headers;
	}

	it("goes for an opted-out visitor: the guard cannot clean the files it names, the site's own too", async () => {
		const headers = await answer(VISITORS.optedOut);
		expect(headers.get("Speculation-Rules")).toBeNull();
		expect(headers.get("X-Consent-Guard")).toBe("blocked, rewritten");
	});

	it("stays for an allowed visitor", async () => {
		expect((await answer(VISITORS.allowed)).get("Speculation-Rules")).toBe(HEADER);
	});

	it("a rules file itself is relayed untouched, as every answer but a page's (the contract)", async () => {
		const file = JSON.stringify({
			prefetch: [{ urls: ["https://www.facebook.com/tr"] }, { source: "document" }],
		});
		fakeOrigin(
			() =>
				new Response(file, {
					headers: {
						"Content-Type": "application/speculationrules+json",
						"Cache-Control": "public, max-age=600",
					},
				}),
		);
		const res = await visit("/rules.json", VISITORS.optedOut);
		expect(await res.text()).toBe(file);
		expect(res.headers.get("Cache-Control")).toBe("public, max-age=600");
	});
});
