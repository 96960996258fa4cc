/**
 * A CDATA section in SVG or MathML is text, but Chromium's preload scanner reads `<![CDATA[` as a
 * bogus comment ending at the first `>` and fetches the tags after it: a text node there holding a
 * tag that names a denied tracker is written as the same characters, escaped, between `]]>` and
 * `<![CDATA[` (Chromium merges them into one text node: test/browser/guard-cdata.test.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TITLE_END_FOR_SCANNER } from "../../workers/guard/html-guard";
import {
	chunkedStream,
	expectGuardedPageLinear,
	fakeOrigin,
	guardedBody,
	VISITORS,
	visit,
} from "./guard-fixtures";
import { grown } from "./linear-cost";

afterEach(() => {
	vi.restoreAllMocks();
});

const PIXEL = '<p><img src="https://www.facebook.com/tr?id=1&amp;ev=cdata">';
const ESCAPED =
	"&lt;p&gt;&lt;img src=&quot;https://www.facebook.com/tr?id=1&amp;amp;ev=cdata&quot;&gt;".replaceAll(
		"&quot;",
		'"',
	);

/** The page's body through the guard, its bytes sent in chunks of the given sizes. */
async function chunkedBody(markup: string, sizes: readonly number[]): Promise<string> {
	fakeOrigin(
		() =>
			new Response(chunkedStream(`<!doctype html><html><head></head><body>${markup}</body></html>`, sizes), {
				headers: { "Content-Type": "text/html; charset=utf-8" },
			}),
	);
	const body = await (await visit("/", VISITORS.optedOut)).text();
	return body.slice(body.indexOf("<body>") + 6, body.indexOf("</body>"));
}

describe("a CDATA section in SVG or MathML holding a tracker's tag", () => {
	it("is written as escaped text outside the section, in SVG and in MathML", async () => {
		expect(await guardedBody(`<svg><![CDATA[${PIXEL}]]></svg>`)).toBe(
			`<svg><![CDATA[]]>${ESCAPED}<![CDATA[]]></svg>`,
		);
		expect(await guardedBody(`<math><mrow><![CDATA[a${PIXEL}b]]></mrow></math>`)).toBe(
			`<math><mrow><![CDATA[]]>a${ESCAPED}b<![CDATA[]]></mrow></math>`,
		);
		expect(await guardedBody(`<svg><g><svg><![CDATA[${PIXEL}]]></svg></g></svg>`)).toBe(
			`<svg><g><svg><![CDATA[]]>${ESCAPED}<![CDATA[]]></svg></g></svg>`,
		);
	});

	it("whatever the tag that loads (a script, a sheet, a poster, a srcset)", async () => {
		for (const tag of [
			'<script src="https://connect.facebook.net/en_US/fbevents.js"></script>',
			'<link rel="stylesheet" href="https://connect.facebook.net/x.css">',
			'<video poster="https://www.facebook.com/tr?id=1"></video>',
			'<img srcset="/a.png 1x, https://www.facebook.com/tr?id=1 2x">',
			'<input type="image" src="//www.facebook.com/tr?id=1">',
			'<img src="https:&#x2F;&#x2F;www.facebook.com/tr?id=1">',
		]) {
			const body = await guardedBody(`<svg><![CDATA[${tag}]]></svg>`);
			expect(body, tag).toMatch(/^<svg><!\[CDATA\[\]\]>&lt;/);
			expect(body.slice("<svg>".length), tag).not.toMatch(/<(?!!\[CDATA\[|\/svg>)/);
		}
	});

	it("a URL or a tag split between the page's chunks is found whole", async () => {
		for (const sizes of [[1], [3, 7], [16]]) {
			// Chunks before the first `<` stay in the section as they were.
			const body = await chunkedBody(`<svg><![CDATA[xx${PIXEL}y]]><g>z</g></svg>`, sizes);
			expect(body, `${sizes}`).toMatch(/^<svg><!\[CDATA\[x*\]\]>/);
			expect(body.replaceAll("<![CDATA[", "").replaceAll("]]>", ""), `${sizes}`).toBe(
				`<svg>xx${ESCAPED}y<g>z</g></svg>`,
			);
		}
	});

	it("a tag left open at a section's end is written escaped (its URL may go on in the next)", async () => {
		expect(
			await guardedBody(
				'<svg><![CDATA[<p><img src="https://www.google.com/]]><![CDATA[ccm/collect">]]></svg>',
			),
		).toBe(
			'<svg><![CDATA[]]>&lt;p&gt;&lt;img src="https://www.google.com/<![CDATA[]]><![CDATA[ccm/collect">]]></svg>',
		);
	});

	it("a raw text element's start tag, which would put the scanner in raw text to a tracker's tag after it", async () => {
		// Seed 143, page 62 (session 59): the scanner read `<script>` here, and the page after it as the
		// script's text up to the `</script>` in the noembed, then fetched the pixel after that.
		const after = `<noembed></script>${PIXEL}</noembed>`;
		expect(await guardedBody(`<svg><![CDATA[--><script>x=1;]]></svg>${after}`)).toBe(
			`<svg><![CDATA[]]>--&gt;&lt;script&gt;x=1;<![CDATA[]]></svg>${after}`,
		);
		for (const name of [
			"STYLE",
			"title",
			"textarea",
			"xmp",
			"iframe",
			"noembed",
			"noframes",
			"noscript",
			"plaintext",
		])
			expect(await guardedBody(`<math><![CDATA[<${name} a>]]></math>`), name).toBe(
				`<math><![CDATA[]]>&lt;${name} a&gt;<![CDATA[]]></math>`,
			);
		// A name that only begins like one is no raw text element.
		const markup = "<svg><![CDATA[<scripts><titles/>]]></svg>";
		expect(await guardedBody(markup)).toBe(markup);
	});

	it("in an element of a raw text element's name, which the scanner reads as raw text to its end tag", async () => {
		// In SVG or MathML such an element holds markup and CDATA; the preload scanner ends its raw text at
		// the `</noembed>` in the section and fetched the img after it (session 61).
		const tag = '<b><img src="https://www.facebook.com/tr?id=1&amp;ev=x">';
		const escaped = '&lt;b&gt;&lt;img src="https://www.facebook.com/tr?id=1&amp;amp;ev=x"&gt;';
		for (const [open, close] of [
			["<svg><noembed>", "</noembed></svg>"],
			["<svg><xmp>a", "b</xmp></svg>"],
			["<math><iframe>", "</iframe></math>"],
			["<svg><noframes>", "</noframes></svg>"],
			// Neither is an integration point, as an SVG title is.
			["<svg><textarea>a", "</textarea></svg>"],
			["<math><title>", "</title></math>"],
		] as const) {
			const end = close.slice(close.indexOf("</"), close.indexOf(">") + 1);
			const escapedEnd = end.replace("<", "&lt;").replace(">", "&gt;");
			expect(await guardedBody(`${open}<![CDATA[${end}${tag}]]>${close}`), open).toBe(
				`${open}<![CDATA[]]>${escapedEnd}${escaped}<![CDATA[]]>${close}`,
			);
		}
		// Where lol-html's selectors keep such an element open past a breakout that ends it for the browser
		// (its end tag inside a script), a section later in another svg is escaped all the same (and the
		// scanner's end comes where lol-html ends it: scanner-ends.test.ts).
		const after = `<svg><![CDATA[${tag}]]></svg>`;
		expect(
			await guardedBody(
				`<svg><noembed><div><script>x="<!--<script>";</script></noembed>--></script></div>${after}`,
			),
		).toBe(
			`<svg><noembed><div><script>x="<!--<script>";</script></noembed>--></script></div><svg><![CDATA[]]>${escaped}<![CDATA[]]></svg><!--</noembed>-->`,
		);
	});

	it("a tracker's tag in a child of an SVG style, whose text is no part of the sheet", async () => {
		expect(await guardedBody(`<svg><style><g><![CDATA[</style>${PIXEL}]]></g></style></svg>`)).toBe(
			`<svg><style><g><![CDATA[]]>&lt;/style&gt;${ESCAPED}<![CDATA[]]></g></style></svg>`,
		);
	});

	it("leaves the rest as it was: other text, first-party tags, an allowed visitor's page", async () => {
		for (const markup of [
			"<svg><![CDATA[a < b && c > d]]><text>1 &lt; 2</text></svg>",
			'<svg><![CDATA[<p><img src="/logo.png">]]></svg>',
			'<svg><![CDATA[<a href="https://example.com/x">x</a>]]></svg>',
			"<svg><![CDATA[https://www.facebook.com/tr?id=1]]></svg>",
			// A tag left open names no host.
			"<svg><![CDATA[if a<b then]]></svg>",
			'<svg><foreignObject><script type="application/json">{"a":"<b"}</script></foreignObject></svg>',
			// Raw text at an integration point holds tags as text: the preload scanner reads it as raw text too.
			"<svg><desc><noframes><p><img src=/logo.png></noframes></desc></svg>",
			`<p>${PIXEL.slice(3).replace("<img", "&lt;img")}</p>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
		// A tracker's tag there is written with `&lt;` all the same: the guard cannot tell such raw text
		// from a MathML or SVG element's, whose text the browser parses (foreign-raw-text.test.ts).
		const raw = `<svg><desc><noframes>${PIXEL}</noframes></desc></svg>`;
		expect(await guardedBody(raw)).toBe(raw.replaceAll("<p><img", "&lt;p>&lt;img"));
		const markup = `<svg><![CDATA[${PIXEL}]]></svg>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});

	it("a title's or textarea's text has its `<` written as a reference, which they decode: the same text", async () => {
		const escaped = PIXEL.replaceAll("<", "&lt;");
		for (const [markup, written] of <[string, string][]>[
			[
				"<svg><foreignObject><textarea>if a<b then</textarea></foreignObject></svg>",
				"<svg><foreignObject><textarea>if a&lt;b then</textarea></foreignObject></svg>",
			],
			[
				`<svg><desc><textarea>${PIXEL}</textarea></desc></svg>`,
				`<svg><desc><textarea>${escaped}</textarea></desc></svg>`,
			],
			[
				`<svg><foreignObject><title>${PIXEL}</title></foreignObject></svg>`,
				`<svg><foreignObject><title>${escaped}</title></foreignObject></svg>`,
			],
			// A page's own references stay as they are, and so does the text of an SVG title's children (a
			// script there gets the comment that ends the title for the preload scanner).
			["<p><textarea>a &lt; b &amp;</textarea></p>", "<p><textarea>a &lt; b &amp;</textarea></p>"],
			[
				'<svg><title><script type="application/json">{"a":"<b"}</script>x</title></svg>',
				`<svg><title>${TITLE_END_FOR_SCANNER}<script type="application/json">{"a":"<b"}</script>x</title></svg>`,
			],
		]) {
			expect(await guardedBody(markup), markup).toBe(written);
		}
	});

	it("an SVG script's or style's own CDATA is written escaped by its handler, as before", async () => {
		expect(await guardedBody(`<svg><script><![CDATA[</script>${PIXEL}]]></script></svg>`)).toBe(
			`<svg><![CDATA[]]><script>&lt;/script>${ESCAPED.replaceAll("&gt;", ">").replace("&amp;amp;", "&amp;")}</script></svg>`,
		);
		expect(await guardedBody(`<svg><style><![CDATA[</style>${PIXEL}]]></style></svg>`)).toBe(
			`<svg><style><![CDATA[]]>&lt;/style>${ESCAPED.replaceAll("&gt;", ">").replace("&amp;amp;", "&amp;")}</style></svg>`,
		);
	});

	it("a page cut off inside a section still gets its text, escaped", async () => {
		fakeOrigin(
			() =>
				new Response(`<svg><![CDATA[${PIXEL}`, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
		);
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body).toContain(`<svg><![CDATA[]]>${ESCAPED}<![CDATA[`);
	});

	const HOSTILE: Record<string, (size: number) => string> = {
		"many CDATA sections each holding a pixel": (size) =>
			grown(size, `<![CDATA[${PIXEL}]]>`, "<svg>", "</svg>"),
		"one CDATA section with many < and no tracker": (size) =>
			grown(size, "<a<b <i", "<svg><![CDATA[", "]]></svg>"),
		"one CDATA section with many tags and a tracker at its end": (size) =>
			grown(size, "<b>x</b>", "<svg><![CDATA[", `${PIXEL}]]></svg>`),
	};
	for (const [name, input] of Object.entries(HOSTILE)) {
		it(`${name}: a guarded page in linear time`, { timeout: 180_000 }, async () => {
			await expectGuardedPageLinear(name, input, (body, text) => {
				expect(body).not.toContain("<img");
				expect(body.length).toBeGreaterThan(text.length / 3);
			});
		});
	}
});

describe("a comment in SVG or MathML holding a tracker's tag", () => {
	const GTAG = '<script src="https:www.googletagmanager.com/gtag/js?id=G-ABC123">';

	it("goes: the preload scanner, out of the SVG at an HTML element, reads the raw text around it", async () => {
		// Chromium's DOM keeps the comment in the SVG's <noframes>; the scanner reads <noframes> as raw text
		// ended inside the comment, and fetches the script (test/browser/guard-cdata.test.ts).
		expect(
			await guardedBody(
				`<svg><foreignObject><DIV></DIV></foreignObject><noframes><!--</noframes>${GTAG}--></noframes></svg>`,
			),
		).toBe("<svg><foreignObject><DIV></DIV></foreignObject><noframes></noframes></svg>");
		// Left open, it takes the page's end with it (only a comment, in the DOM).
		expect(
			await guardedBody(`<svg><foreignObject><DIV></DIV></foreignObject><noframes><!--</noframes>${GTAG}`),
		).not.toContain("googletagmanager");
		expect(await guardedBody(`<svg><desc><p></p></desc><style><!--</style>${PIXEL}--></style></svg>`)).toBe(
			"<svg><desc><p></p></desc><style></style></svg>",
		);
		expect(await guardedBody(`<math><mi><b></b></mi><title><!--</title>${PIXEL}--></title></math>`)).toBe(
			"<math><mi><b></b></mi><title></title></math>",
		);
	});

	it("other comments stay: no tracker, first-party tags, outside SVG, an allowed visitor's page", async () => {
		for (const markup of [
			'<svg><!--<p><img src="/logo.png">--><!-- a > b --></svg>',
			"<svg><!--https://www.facebook.com/tr?id=1 > x--></svg>",
			`<!--</noframes>${PIXEL}--><p><!--${PIXEL}--></p>`,
			// `<![CDATA[` at an integration point: a bogus comment to HTMLRewriter (no `>` in it), a CDATA
			// section in Chromium, whose text it is (test/browser/guard-cdata.test.ts).
			`<svg><foreignObject><![CDATA[${PIXEL.slice(3)}]]></foreignObject></svg>`,
			'<math><mi><![CDATA[<a href="https://www.facebook.com/tr?id=2"]]></mi></math>',
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
		const markup = `<svg><foreignObject><div></div></foreignObject><noframes><!--</noframes>${GTAG}--></noframes></svg>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});
