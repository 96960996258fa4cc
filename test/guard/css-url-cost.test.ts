/**
 * A tracker's CSS `url()` or `@import` is found in time proportional to the CSS: the text is the page's
 * (or its users', in a `style` attribute), and a backtracking pattern such as `url\(\s*…\s*\)` cost
 * quadratic time on a `url(` followed by a long run of spaces, or on many unclosed `url(&quot;`s or
 * `@import url(`s (64 KB: seconds of CPU, far past a Worker's limit at 1 MB).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { withoutDeniedCssUrls } from "../../workers/guard/css-urls";
import { expectGuardedPageLinear, RUNTIME_TAGS } from "./guard-fixtures";
import { expectLinearCost, grown } from "./linear-cost";

const denied = (url: string) => url.includes("facebook.com");

describe("CSS url() scanning cost", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	const HOSTILE: Record<string, (size: number) => string> = {
		"a url( and a long run of spaces": (size) => grown(size, " ", "a{b:url(", "}"),
		"many unclosed url(&quot;": (size) => grown(size, "url(&quot;"),
		"many unclosed @import url(": (size) => grown(size, "@import url("),
		"many unclosed url(": (size) => grown(size, "url("),
		// Names written with escapes (or, in an attribute, references) are read as CSS reads them.
		"many escaped unclosed url(": (size) => grown(size, "\\75 rl("),
		"many escapes of a name's first letters": (size) => grown(size, "\\75 \\72 "),
		"many escaped @import": (size) => grown(size, "@\\69mport \\75 rl("),
		"many escaped unclosed image-set(": (size) => grown(size, "\\2d webkit-\\69mage-set(&#40;'"),
		"many references in names": (size) => grown(size, "u&#114;l&#40;&#92;75 &bsol;"),
		"a long run of backslashes": (size) => grown(size, "\\"),
		"many unclosed comments after @import": (size) => grown(size, "@import/*"),
		"many comments in an unclosed image-set(": (size) => grown(size, "/*'*/", "image-set("),
		// Strings, comments and unquoted url(s are told apart in one pass: a url( inside one is text.
		"many strings each holding a url(": (size) => grown(size, "'url(' url('"),
		"many unquoted url( each holding a quote": (size) => grown(size, "url(a'b)\\75 rl(\""),
		"many comments and escaped quotes around url(": (size) => grown(size, "/*url(*/\\'url("),
	};

	for (const [name, input] of Object.entries(HOSTILE)) {
		it(`${name}: linear, in a block and in an attribute`, async () => {
			await expectLinearCost(`${name} (block)`, input, (css) => withoutDeniedCssUrls(css, denied));
			await expectLinearCost(`${name} (attribute)`, input, (css) => withoutDeniedCssUrls(css, denied, true));
		});
	}

	it("a guarded page with such a style attribute and block comes back whole, in linear time", async () => {
		await expectGuardedPageLinear(
			"a page",
			(size) => {
				const spaces = " ".repeat(size / 2);
				return `<div style="background:url(${spaces}">x</div><style>a{b:url(${spaces}}</style><p>end</p>`;
			},
			(body, markup) => {
				expect(body).toBe(`<!doctype html><html>${RUNTIME_TAGS.optedOut}<body>${markup}</body></html>`);
			},
		);
	});

	// An SVG style's sheet is held whole (its text pieces, children and comments between them) and
	// written at its end tag or before a tag that ends the SVG: constant work per piece. Each piece is a
	// call into the isolate, which costs the same with a handler that does nothing (about 2 s for 58,000
	// pieces under load), and a self-closing child's end tag asked for throws, which doubles it: the
	// pieces here are 50 to 90 characters long, as in a real sheet.
	const SVG_STYLES: Record<string, (size: number) => string> = {
		"many comments between a sheet's pieces": (size) =>
			grown(size, "#a{b:url(https://connect.face<!--x-->book.net/tr)}", "<svg><style>", "</style></svg>"),
		"many children between a sheet's pieces": (size) =>
			grown(
				size,
				"#a{color:red;fill:blue;stroke:green;opacity:1}<g></g>#b{color:blue;stroke:red;fill:none}<g/>",
				"<svg><style>",
				"</style></svg>",
			),
		"many integration points holding HTML": (size) =>
			grown(
				size,
				"#a{color:red;fill:blue;stroke:green}<g><foreignObject><div>#b{color:red}</div></foreignObject></g>",
				"<svg><style>",
				"</style></svg>",
			),
		"many styles each ended by a <p>": (size) =>
			grown(size, "<svg><style>#a{color:red;fill:blue;stroke:green}<p>b</p></style></svg>"),
		// A style inside a held SVG script: its sheet goes into the script's markup.
		"many styles in one SVG script": (size) =>
			grown(
				size,
				"#a{b:url(https://connect.face<!--x-->book.net/tr)}<style>#b{color:red}</style>",
				"<svg><script>",
				"</script></svg>",
			),
		"many SVG scripts and their styles each ended by a <p>": (size) =>
			grown(size, "<div><svg><script>a();<style>#a{color:red;fill:blue}<p>b</p></style></script></div>"),
		// Each script's end handlers are its own and its style child's (html-guard.ts, onEnd).
		"many SVG scripts in its child elements": (size) =>
			grown(
				size,
				"<g><script>a();<g>x</g>b();</script></g>#a{b:url(https://connect.face<!--x-->book.net/tr)}",
				"<svg><style>",
				"</style></svg>",
			),
		// Each removed pixel leaves a tag that ends its SVG.
		"many pixels each ending an SVG": (size) =>
			grown(size, '<svg><style>#a{fill:red}</style><img src="https://connect.facebook.net/tr?id=1"><p>b</p>'),
	};
	for (const [name, input] of Object.entries(SVG_STYLES)) {
		// Tens of seconds on a loaded two-core machine: slow is not failing.
		it(`an SVG style with ${name}: a guarded page in linear time`, { timeout: 180_000 }, async () => {
			await expectGuardedPageLinear(name, input, (body, text) => {
				expect(body).not.toContain("connect.facebook.net");
				expect(body.length).toBeGreaterThan(text.length / 3);
			});
		});
	}

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
