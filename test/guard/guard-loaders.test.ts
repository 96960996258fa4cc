/**
 * Ways a page loads a URL besides a plain script, image or frame, in the HTML rewrite: an inline
 * script's module imports (`import "…"`, `from "…"`, `import("…")`), speculation rules, style sheets
 * and prerender hints, and SVG `<use>` references. A tracker of a denied purpose is held back; the
 * site's own URLs, an allowed purpose's trackers and an allowed visitor's page are left as written.
 * What Chromium requests for each is checked in test/browser/guard-loaders.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardedBody, VISITORS } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const page = guardedBody;

describe("module imports in inline scripts", () => {
	const CASES = [
		'<script type="module">import "https://connect.facebook.net/x/mod.js";</script>',
		"<script type=\"module\">import * as m from 'https://connect.facebook.net/x/mod.js'; m;</script>",
		'<script type="module">export { a } from "//connect.facebook.net/x/mod.js";</script>',
		'<script>import ( "https://www.facebook.com/x/dyn.js" ).catch(() => {});</script>',
		"<script>import(`https://connect.facebook.net/x/` + a);</script>",
	];

	it("an inline script importing a denied tracker's module is gated, its type kept aside", async () => {
		for (const markup of CASES) {
			const source = markup.slice(markup.indexOf(">") + 1, markup.lastIndexOf("</script>"));
			const module = markup.startsWith('<script type="module">');
			expect(await page(markup)).toBe(
				`<script type="text/plain"${module ? ' data-type="module"' : ""} data-consent="ads">${source}</script>`,
			);
		}
	});

	it("imports of the site's own, a CDN's or an allowed purpose's modules, and an allowed visitor's, are left as written", async () => {
		const own =
			'<script type="module">import "/app.js"; import x from "https://cdn.example.net/lib.js"; const s = "import \\"https://connect.facebook.net/a.js\\" is text";</script>';
		expect(await page(own)).toBe(own);
		const analytics = '<script type="module">import "https://www.google-analytics.com/x/mod.js";</script>';
		expect(await page(analytics, VISITORS.gpcOnly)).toBe(analytics);
		expect(await page(CASES[0] as string, VISITORS.allowed)).toBe(CASES[0]);
	});
});

describe("style sheets and prerender hints", () => {
	it("a denied tracker's style sheet and prerender hint go; the site's own stay", async () => {
		const own = '<link rel="stylesheet" href="/style.css"><link rel="prerender" href="/next">';
		expect(
			await page(
				`<link rel="stylesheet" href="https://connect.facebook.net/x.css"><link rel="Alternate StyleSheet" href="//www.facebook.com/y.css"><link rel="prerender" href="https://www.facebook.com/tr">${own}`,
			),
		).toBe(own);
	});

	it("an allowed visitor keeps them", async () => {
		const markup = '<link rel="stylesheet" href="https://connect.facebook.net/x.css">';
		expect(await page(markup, VISITORS.allowed)).toBe(markup);
	});
});

describe("speculation rules", () => {
	const rules = (json: string) => `<script type="speculationrules">${json}</script>`;

	it("a denied tracker's URL leaves its list, the site's own lose tracking parameters", async () => {
		const json = JSON.stringify({
			prefetch: [
				{ source: "list", urls: ["https://www.facebook.com/tr?id=1", "/next?gclid=abc&id=7"] },
				{ urls: ["https://connect.facebook.net/only"] },
			],
			prerender: [{ source: "list", urls: ["/landing?utm_source=x&p=2"], eagerness: "moderate" }],
		});
		expect(await page(rules(json))).toBe(
			rules(
				JSON.stringify({
					prefetch: [{ source: "list", urls: ["/next?id=7"] }, { urls: [] }],
					prerender: [{ source: "list", urls: ["/landing?p=2"], eagerness: "moderate" }],
				}),
			),
		);
	});

	it("a list URL is read as the browser reads JSON: a character reference in it is plain text", async () => {
		// The browser's parameters are `a=1`, `amp;gclid=2` and `num;utm_source=3` (the script's text is
		// not decoded), of which only `fbclid` and `utm_campaign` are tracking ones.
		const json = JSON.stringify({
			prefetch: [{ urls: ["/p?a=1&amp;gclid=2&fbclid=1&num;utm_source=3&utm_campaign=x"] }],
		});
		expect(await page(rules(json))).toBe(
			rules(JSON.stringify({ prefetch: [{ urls: ["/p?a=1&amp;gclid=2&num;utm_source=3"] }] })),
		);
	});

	it("a `<` the rules escape stays escaped: the script's end tag cannot be written", async () => {
		const json = '{"prefetch":[{"urls":["https://www.facebook.com/tr","/a?x=\\u003c/script>"]}]}';
		expect(await page(rules(json))).toBe(rules('{"prefetch":[{"urls":["/a?x=\\u003c/script>"]}]}'));
	});

	it("rules the site marks for a denied purpose are gated as its other marked scripts", async () => {
		expect(
			await page(
				'<script type="speculationrules" data-consent="ads">{"prefetch": [{"urls": ["/next"]}]}</script>',
			),
		).toBe(
			'<script type="text/plain" data-consent="ads" data-type="speculationrules">{"prefetch": [{"urls": ["/next"]}]}</script>',
		);
	});

	it("rules naming no tracker, rules the browser refuses, and an allowed visitor's are left as written", async () => {
		const own = rules('{ "prefetch": [ { "source": "document", "where": { "href_matches": "/*" } } ] }');
		expect(await page(own)).toBe(own);
		const broken = rules('{"prefetch": [{"urls": ["https://www.facebook.com/tr"]}');
		expect(await page(broken)).toBe(broken);
		// A list holding anything but strings is refused by the browser.
		const invalid = rules('{"prefetch": [{"urls": ["https://www.facebook.com/tr", 7]}]}');
		expect(await page(invalid)).toBe(invalid);
		const tracker = rules('{"prefetch": [{"urls": ["https://www.facebook.com/tr?gclid=1"]}]}');
		expect(await page(tracker, VISITORS.allowed)).toBe(tracker);
	});
});

describe("SVG <use>, and xlink:href", () => {
	it("a reference to a denied tracker's document keeps its URL aside; a fragment of the page stays", async () => {
		expect(
			await page(
				'<svg><use href="https://www.facebook.com/s.svg#x"/><use xlink:href="//connect.facebook.net/s.svg#y"></use><use href="#local"/></svg>',
			),
		).toBe(
			'<svg><use data-consent="ads" data-href="https://www.facebook.com/s.svg#x" /><use data-consent="ads" data-xlink:href="//connect.facebook.net/s.svg#y"></use><use href="#local"/></svg>',
		);
	});

	it("an SVG image's or filter image's xlink:href naming a denied tracker is kept aside as its href is", async () => {
		expect(
			await page(
				'<svg><image xlink:href="https://www.facebook.com/tr?id=1"/><feImage xlink:href="https://www.facebook.com/tr?id=2"/><image xlink:href="/own.png"/></svg>',
			),
		).toBe(
			'<svg><image data-consent="ads" data-xlink:href="https://www.facebook.com/tr?id=1" /><feImage data-consent="ads" data-xlink:href="https://www.facebook.com/tr?id=2" /><image xlink:href="/own.png"/></svg>',
		);
	});

	it("an SVG link's xlink:href (followed when it has no href) loses its tracking parameters as an href does", async () => {
		expect(
			await page(
				'<svg><a xlink:href="/p?id=1&amp;gclid=x"><text>p</text></a><a href="/q?fbclid=y" xlink:href="/r?utm_source=z&amp;k=2"></a><a xlink:href="/s?page=2"></a></svg>',
			),
		).toBe(
			'<svg><a xlink:href="/p?id=1"><text>p</text></a><a href="/q" xlink:href="/r?k=2"></a><a xlink:href="/s?page=2"></a></svg>',
		);
	});

	it("an SVG script's href or xlink:href naming a denied tracker is kept aside in data-src, the script made inert", async () => {
		expect(
			await page(
				'<svg><script href="https://connect.facebook.net/en_US/fbevents.js"></script><script xlink:href="//connect.facebook.net/x.js" type="text/ecmascript"></script><script href="/own.js"></script></svg>',
			),
		).toBe(
			'<svg><script type="text/plain" data-consent="ads" data-src="https://connect.facebook.net/en_US/fbevents.js"></script><script type="text/plain" data-type="text/ecmascript" data-consent="ads" data-src="//connect.facebook.net/x.js"></script><script href="/own.js"></script></svg>',
		);
	});

	it("an SVG script with both a src and an href is judged by both: SVG's loads the href, HTML's the src", async () => {
		const EVENTS = "https://connect.facebook.net/en_US/fbevents.js";
		for (const [markup, written] of <[string, string][]>[
			[
				`<svg><script src="/own.js" href="${EVENTS}"></script></svg>`,
				`<svg><script type="text/plain" data-consent="ads" data-src="${EVENTS}"></script></svg>`,
			],
			[
				`<svg><script type="text/javascript" src="${EVENTS}" href="/own.js"></script></svg>`,
				'<svg><script type="text/plain" data-type="text/javascript" data-consent="ads" data-src="/own.js"></script></svg>',
			],
		]) {
			expect(await page(markup), markup).toBe(written);
		}
		// Outside SVG and MathML a script's href loads nothing and is not read.
		const html = `<script src="/own.js" href="${EVENTS}"></script>`;
		expect(await page(html)).toBe(html);
	});

	it("an allowed visitor's are left as written", async () => {
		const markup =
			'<svg><use href="https://www.facebook.com/s.svg#x"/><script href="https://connect.facebook.net/en_US/fbevents.js"></script></svg>';
		expect(await page(markup, VISITORS.allowed)).toBe(markup);
	});
});
