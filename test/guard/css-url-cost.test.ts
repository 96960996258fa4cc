/**
 * A tracker's CSS `url()` or `@import` is found in time proportional to the CSS: the text is the page's
 * (or its users', in a `style` attribute), and a backtracking pattern such as `url\(\s*…\s*\)` cost
 * quadratic time on a `url(` followed by a long run of spaces, or on many unclosed `url(&quot;`s or
 * `@import url(`s (64 KB: seconds of CPU, far past a Worker's limit at 1 MB).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { withoutDeniedCssUrls } from "../../workers/guard/css-urls";
import { fakeOrigin, RUNTIME_TAGS, VISITORS, visit } from "./guard-fixtures";

const denied = (url: string) => url.includes("facebook.com");

function timed(run: () => unknown): number {
	const start = performance.now();
	run();
	return performance.now() - start;
}

describe("CSS url() scanning cost", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	const HOSTILE: Record<string, string> = {
		"a url( and a long run of spaces": `a{b:url(${" ".repeat(64 * 1024)}}`,
		"many unclosed url(&quot;": "url(&quot;".repeat(8 * 1024),
		"many unclosed @import url(": "@import url(".repeat(8 * 1024),
		"many unclosed url(": "url(".repeat(16 * 1024),
		// Names written with escapes (or, in an attribute, references) are read as CSS reads them.
		"many escaped unclosed url(": "\\75 rl(".repeat(8 * 1024),
		"many escapes of a name's first letters": "\\75 \\72 ".repeat(8 * 1024),
		"many escaped @import": "@\\69mport \\75 rl(".repeat(8 * 1024),
		"many escaped unclosed image-set(": "\\2d webkit-\\69mage-set(&#40;'".repeat(4 * 1024),
		"many references in names": "u&#114;l&#40;&#92;75 &bsol;".repeat(4 * 1024),
		"a long run of backslashes": "\\".repeat(64 * 1024),
		"many unclosed comments after @import": "@import/*".repeat(8 * 1024),
		"many comments in an unclosed image-set(": `image-set(${"/*'*/".repeat(16 * 1024)}`,
	};

	for (const [name, css] of Object.entries(HOSTILE)) {
		it(`${name}: linear, in a block and in an attribute`, () => {
			expect(timed(() => withoutDeniedCssUrls(css, denied))).toBeLessThan(250);
			expect(timed(() => withoutDeniedCssUrls(css, denied, true))).toBeLessThan(250);
		});
	}

	it("a guarded page with such a style attribute and block comes back whole, in time", async () => {
		const spaces = " ".repeat(64 * 1024);
		const markup = `<div style="background:url(${spaces}">x</div><style>a{b:url(${spaces}}</style><p>end</p>`;
		fakeOrigin(
			() =>
				new Response(`<!doctype html><html><body>${markup}</body></html>`, {
					headers: { "Content-Type": "text/html; charset=utf-8" },
				}),
		);
		const start = performance.now();
		const res = await visit("/", VISITORS.optedOut);
		const body = await res.text();
		expect(performance.now() - start).toBeLessThan(1000);
		expect(body).toBe(`<!doctype html><html>${RUNTIME_TAGS.optedOut}<body>${markup}</body></html>`);
	});

	it("still finds the denied URLs the patterns found", () => {
		expect(withoutDeniedCssUrls('a{b:url( "https://www.facebook.com/tr?id=1" )}', denied)).toBe("a{b:none}");
		expect(withoutDeniedCssUrls("b:url(&quot;https://www.facebook.com/tr&quot;)", denied, true)).toBe(
			"b:none",
		);
		expect(withoutDeniedCssUrls('@import url("https://www.facebook.com/x.css") screen;a{}', denied)).toBe(
			"a{}",
		);
		expect(withoutDeniedCssUrls("@import 'https://www.facebook.com/x.css';a{}", denied)).toBe("a{}");
		expect(withoutDeniedCssUrls('a{b:url( "a)b" )}', denied)).toBeNull();
	});
});
