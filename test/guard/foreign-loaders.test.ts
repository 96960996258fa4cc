/**
 * Elements that load by an attribute (a base, a hint or style sheet link, a source) inside SVG or MathML,
 * out of an integration point: the DOM builds an inert element holding what follows, but the preload
 * scanner reads the tag as HTML's and fetches its URL (checked in Chromium, test/browser/guard-cdata). A
 * denied one loses the attribute and keeps its place, its content and the end tag lol-html gives it
 * (removed, `<svg><base href=…></svg>` took the `</svg>` with it). In HTML the element goes, as before.
 */
import { describe, expect, it } from "vitest";
import { guardedBody, VISITORS } from "./guard-fixtures";

const CSS = "https://connect.facebook.net/x.css";
const PIXEL = "https://www.facebook.com/tr?id=1&amp;ev=s";

describe("a denied loader inside SVG or MathML", () => {
	it("loses its URL and keeps its place, its content and the end tag after it", async () => {
		for (const [markup, guarded] of [
			[
				"<svg><base href=https://www.facebook.com/b/></svg><script src=own.js></script>",
				"<svg><base></svg><script src=own.js></script>",
			],
			[
				`<math><base href="https://connect.facebook.net/b/"><script src="own.js"></script><mi>x</mi></math><p>y</p>`,
				`<math><base><script src="own.js"></script><mi>x</mi></math><p>y</p>`,
			],
			[
				`<math><link rel="stylesheet" href="${CSS}"><mi>x</mi></math><p>y</p>`,
				`<math><link rel="stylesheet"><mi>x</mi></math><p>y</p>`,
			],
			[
				`<svg><link rel="preload" as="image" href="/ok.png" imagesrcset="${PIXEL} 1x"><g>x</g></svg><p>y</p>`,
				`<svg><link rel="preload" as="image" href="/ok.png"><g>x</g></svg><p>y</p>`,
			],
			[
				`<math><source srcset="${PIXEL}"><mi>y</mi></source></math>`,
				"<math><source><mi>y</mi></source></math>",
			],
		] as const) {
			expect(await guardedBody(markup), markup).toBe(guarded);
		}
	});

	it("goes whole in HTML and at an integration point, and stays for an allowed visitor", async () => {
		expect(await guardedBody(`<link rel="stylesheet" href="${CSS}"><p>y</p>`)).toBe("<p>y</p>");
		expect(
			await guardedBody(`<svg><foreignObject><link rel="stylesheet" href="${CSS}">x</foreignObject></svg>`),
		).toBe("<svg><foreignObject>x</foreignObject></svg>");
		const markup = `<math><link rel="stylesheet" href="${CSS}"><mi>x</mi></math>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});
