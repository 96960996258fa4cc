/**
 * Chromium's preload scanner reads `<style>` as raw text, in SVG and MathML too, up to its first end
 * tag, and fetches the tags after it: where the DOM holds those tags as text (an HTML script's, after a
 * tag that ended the SVG), the guard writes the end tag where the browser ends the element, so the
 * scanner stops reading raw text there too (test/browser/guard-cdata.test.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardedBody, VISITORS } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const PIXEL = "<img src='https://www.facebook.com/tr?id=1&amp;ev=s17'>";

describe("an SVG style the page ends with a tag that ends the SVG", () => {
	it("gets its end tag there, where the browser ends it", async () => {
		expect(await guardedBody(`<svg><style><b><script></style>${PIXEL}</script></b>`)).toBe(
			`<svg><style></style><b><script></style>${PIXEL}</script></b>`,
		);
		// After its sheet so far, its open children closed first (the sheet is the style's).
		expect(await guardedBody(`<svg><style>p{}<g><b><script></style>${PIXEL}</script></b>`)).toBe(
			`<svg><style><g></g>p{}</style><b><script></style>${PIXEL}</script></b>`,
		);
		// A style in a style's child: both end there.
		expect(await guardedBody(`<svg><style>p{}<g><style>q{}<p>x</p></style></g></style></svg>`)).toBe(
			"<svg><style><g><style>q{}</style></g>p{}</style><p>x</p></style></g></style></svg>",
		);
	});

	it("not at an integration point, nor for an allowed visitor", async () => {
		const inside = `<svg><style><foreignObject><b><script></style>${PIXEL}</script></b></foreignObject></style></svg>`;
		expect(await guardedBody(inside)).toBe(inside);
		const markup = `<svg><style><b><script></style>${PIXEL}</script></b>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});
