/**
 * An `<img>` inside SVG or MathML (out of an integration point) ends the foreign content in the
 * browser, and is inserted as HTML: a denied tracker's pixel there is removed, and the tree after it
 * must still be built out of the SVG, as the page's is (checked in test/browser/guard-rewrite-diff).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardedBody, VISITORS } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const PIXEL = '<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView">';

describe("a denied pixel that ends an SVG or MathML", () => {
	it("leaves an empty `<body>` tag in its place, which ends it the same way, then the img's `<area/>`", async () => {
		expect(await guardedBody(`<svg><g></g>${PIXEL}<g>x</g></svg>`)).toBe(
			"<svg><g></g><body/><area/><g>x</g></svg>",
		);
		expect(await guardedBody(`<math><mi>a</mi>${PIXEL}<mo>x</mo></math>`)).toBe(
			"<math><mi>a</mi><body/><area/><mo>x</mo></math>",
		);
	});

	it("an allowed visitor's pixel stays, and one outside SVG leaves its `<area/>` alone", async () => {
		const markup = `<svg><g></g>${PIXEL}<g>x</g></svg>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
		expect(await guardedBody(`<p>a${PIXEL}b</p>`)).toBe("<p>a<area/>b</p>");
	});

	it("inside a held SVG script, at an integration point, it stays in the script's markup", async () => {
		expect(await guardedBody(`<svg><script>a();<desc>${PIXEL}</desc>b();</script></svg>`)).toBe(
			"<svg><script>a();<desc><body/></desc>b();</script></svg>",
		);
	});
});
