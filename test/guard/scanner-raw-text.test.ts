/**
 * Chromium's preload scanner reads `<style>`, `<title>`, `<noframes>` and the other raw text elements
 * as raw text, in SVG and MathML too, up to their first end tag, and fetches the tags after it: where
 * the DOM holds those tags as text (an HTML script's, after a tag that ended the SVG), the guard writes
 * the end tag where the browser ends the element (before a script in an SVG title, inside a comment,
 * which ends the title for the scanner alone); where it holds them in an attribute of the element's
 * child, their `<` is written `&lt;` (test/browser/guard-cdata.test.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TITLE_END_FOR_SCANNER } from "../../workers/guard/html-guard";
import { fakeOrigin, guardedBody, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const PIXEL = "<img src='https://www.facebook.com/tr?id=1&amp;ev=s17'>";
/**
 * As the guard writes it in a script while an svg or math is open (its end tag not seen yet): where the
 * browser may parse the script's text as markup (test/guard/foreign-raw-text.test.ts).
 */
const SCRIPTED = PIXEL.replace("<", "\\u003c");

describe("an SVG style the page ends with a tag that ends the SVG", () => {
	it("gets its end tag there, where the browser ends it", async () => {
		expect(await guardedBody(`<svg><style><b><script></style>${PIXEL}</script></b>`)).toBe(
			`<svg><style></style><b><script></style>${SCRIPTED}</script></b>`,
		);
		// After its sheet so far, its open children closed first (the sheet is the style's).
		expect(await guardedBody(`<svg><style>p{}<g><b><script></style>${PIXEL}</script></b>`)).toBe(
			`<svg><style><g></g>p{}</style><b><script></style>${SCRIPTED}</script></b>`,
		);
		// A style in a style's child: both end there.
		expect(await guardedBody(`<svg><style>p{}<g><style>q{}<p>x</p></style></g></style></svg>`)).toBe(
			"<svg><style><g><style>q{}</style></g>p{}</style><p>x</p></style></g></style></svg>",
		);
	});

	it("not at an integration point, nor for an allowed visitor", async () => {
		const inside = `<svg><style><foreignObject><b><script></style>${PIXEL}</script></b></foreignObject></style></svg>`;
		expect(await guardedBody(inside)).toBe(inside.replace(PIXEL, SCRIPTED));
		const markup = `<svg><style><b><script></style>${PIXEL}</script></b>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});

describe("an attribute of an element inside a raw text element's name in SVG or MathML", () => {
	const TAG = "<img src=https://www.facebook.com/tr?id=1&ev=x>";

	it("holding a tracker's tag has its `<` written `&lt;`, the same value", async () => {
		expect(await guardedBody(`<svg><style><g title="</style>${TAG}"></g></style></svg>`)).toBe(
			`<svg><style><g title="&lt;/style>${TAG.replace("<", "&lt;")}"></g></style></svg>`,
		);
		expect(
			await guardedBody(
				`<svg><foreignObject><div></div></foreignObject><noframes><g><a title="</noframes>" href='${TAG}'></a></g></noframes></svg>`,
			),
		).toBe(
			`<svg><foreignObject><div></div></foreignObject><noframes><g><a title="&lt;/noframes>" href="${TAG.replace("<", "&lt;")}"></a></g></noframes></svg>`,
		);
		for (const name of ["title", "textarea", "xmp", "iframe", "noembed", "noscript"]) {
			expect(
				await guardedBody(`<math><${name}><mo title='</${name}>${TAG}'></mo></${name}></math>`),
				name,
			).toBe(`<math><${name}><mo title="&lt;/${name}>${TAG.replace("<", "&lt;")}"></mo></${name}></math>`);
		}
	});

	it("others stay: no tracker, outside a raw text element's name, an allowed visitor's page", async () => {
		for (const markup of [
			'<svg><style><g title="</style><img src=/logo.png>"></g></style></svg>',
			`<svg><g title="</style>${TAG}"></g></svg><p title="${TAG}"></p>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
		const markup = `<svg><style><g title="</style>${TAG}"></g></style></svg>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});

describe("a MathML style the page ends with a tag that ends the MathML", () => {
	it("gets its end tag there too, its text after its children as an SVG style's", async () => {
		expect(await guardedBody(`<math><style><b><script></style>${PIXEL}</script></b>`)).toBe(
			`<math><style></style><b><script></style>${SCRIPTED}</script></b>`,
		);
		expect(await guardedBody(`<math><style>p{}<mrow>q<p><script></style>${PIXEL}</script></p>`)).toBe(
			`<math><style><mrow>q</mrow>p{}</style><p><script></style>${SCRIPTED}</script></p>`,
		);
	});

	it("not at an integration point (mi, mtext), nor for an allowed visitor", async () => {
		for (const markup of [
			`<math><style><mi><b><script></style>${PIXEL}</script></b></mi>p{}</style></math>`,
			`<math><style><mtext><p>x</p></mtext>q</style></math>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup.replace(PIXEL, SCRIPTED));
		}
		const markup = `<math><style><b><script></style>${PIXEL}</script></b>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});

describe("a script in an SVG or MathML title", () => {
	it("has `<!--</title>-->` before it: an end tag to the scanner, a comment to the tree builder", async () => {
		expect(await guardedBody(`<svg><title><b><script></title>${PIXEL}</script></b></title></svg>`)).toBe(
			`<svg><title><b>${TITLE_END_FOR_SCANNER}<script></title>${SCRIPTED}</script></b></title></svg>`,
		);
		const json = `<script type="application/json">{"a":"</title>${PIXEL}"}</script>`;
		expect(await guardedBody(`<math><title><mi><i>${json}</i></mi></title></math>`)).toBe(
			`<math><title><mi><i>${TITLE_END_FOR_SCANNER}${json.replace(PIXEL, SCRIPTED)}</i></mi></title></math>`,
		);
	});

	it("directly in a title too, and where lol-html's element stack puts it in an element the browser closed", async () => {
		for (const markup of [
			"<svg><title><script>a()</script></title></svg>",
			"<svg><title><b><svg><title><script>a()</script>x</title>y</svg>z</b></title></svg>",
			"<svg><title><p><div></div><script>a()</script>x</title>y</svg>",
		]) {
			expect(await guardedBody(markup), markup).toBe(
				markup.replace("<script>", `${TITLE_END_FOR_SCANNER}<script>`),
			);
		}
	});

	it("after a breakout from an svg in the title, is where the guard gives the page up", async () => {
		// The `<br>` ends the inner svg for Chromium, which is then in the title; HTMLRewriter names what
		// follows SVG's until the inner svg's end tag (html-guard.ts, BREAKOUT_SELECTOR).
		const page = "<!doctype html><body><svg><title><svg><g><br><script>a()</script>x</title>y</svg></body>";
		fakeOrigin(() => new Response(page, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
		const text = await (await visit("/", VISITORS.optedOut)).text();
		expect(text.slice(text.indexOf("<svg>"))).toBe(
			'<svg><title><svg><g><p role="alert">The rest of this page could not be shown with your privacy choices applied.</p>',
		);
	});

	it("not in an HTML title, nor an SVG script", async () => {
		for (const markup of [
			"<title>x</title><p><script>a()</script></p>",
			`<svg><title><svg><script>a()</script></svg></title></svg>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
	});
});
