/**
 * An SVG `<script>` holds markup, not raw text: child elements, comments and CDATA sections are parsed
 * inside it, and Chromium runs its own text alone (its text children, CDATA included, references
 * decoded; checked in test/browser/guard-svg-scripts.test.ts). The rewrite holds such a script back to judge
 * it and writes it back whole, its children in their places.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SCRIPT_END_FOR_SCANNER as X } from "../../workers/guard/scanner-ends";
import { fakeOrigin, guardedBody, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const page = guardedBody;

const GATED = '<script type="text/plain" data-consent="ads">';

describe("an SVG script's children stay inside it, in order", () => {
	it("a child link stays between the texts around it, its tracking parameters stripped", async () => {
		expect(
			await page(
				'<svg><script>var a=1;<a href="https://x.example/?utm_source=n&amp;gclid=1">t</a>var b=2;</script></svg>',
			),
		).toBe('<svg><script>var a=1;<a href="https://x.example/">t</a>var b=2;</script></svg>');
	});

	it("comments, nested children and self-closing ones keep their places; an allowed visitor's too", async () => {
		const markup = "<svg><script>a();<!--c--><g><desc>d</desc></g>b();<rect/>c();</script></svg>";
		expect(await page(markup)).toBe(markup);
		expect(await page(markup, VISITORS.allowed)).toBe(markup);
	});

	it("a comment holding a denied tracker's tag goes: the preload scanner reads an SVG script's text as an HTML script's", async () => {
		// `<!--` starts no comment in an HTML script, so its `</script>` ends the script for the scanner and
		// the pixel after it was fetched (rewrite differential, seed 13 page 169; checked in Chromium).
		const pixel = '<img src="https://www.facebook.com/tr?id=1&amp;ev=x">';
		expect(await page(`<svg><script>a();<!-- x</script>${pixel} -->b();</script></svg>`)).toBe(
			"<svg><script>a();b();</script></svg>",
		);
		// One naming no denied tracker stays, and so does an allowed visitor's.
		const own = '<svg><script>a();<!-- x</script><img src="/logo.png"> -->b();</script></svg>';
		expect(await page(own)).toBe(own);
		const allowed = `<svg><script>a();<!-- x</script>${pixel} -->b();</script></svg>`;
		expect(await page(allowed, VISITORS.allowed)).toBe(allowed);
	});

	it("a CDATA section's text stays text (its `<` written as a reference)", async () => {
		// Its markers are left behind, empty: an empty section is no node (checked in Chromium).
		expect(await page("<svg><script><![CDATA[ if (a<b) x(); ]]></script></svg>")).toBe(
			"<svg><![CDATA[]]><script> if (a&lt;b) x(); </script></svg>",
		);
	});

	it("a nested SVG script is judged on its own, and written inside its parent", async () => {
		// Its stand-ins for the tracker's globals go before it, inside the parent too.
		const out = await page("<svg><script>a();<script>fbq('init', '1');</script>b();</script></svg>");
		expect(out.startsWith("<svg><script>a();<script>")).toBe(true);
		expect(out.endsWith(`${GATED}fbq('init', '1');</script>b();</script></svg>`)).toBe(true);
	});
});

describe("where the page ends an SVG script without its end tag", () => {
	// Where it ends, the guard writes the end the preload scanner waits for, comments to the tree builder
	// (SCRIPT_END_FOR_SCANNER, test/guard/scanner-ends.test.ts).
	it("an HTML element there (`<p>`) ends it: what it held comes before, unclosed, and the rest is the page's", async () => {
		// Chromium builds the same tree from both (but the comments), and runs neither script.
		expect(await page("<svg><script>a();<g>g</g><p>x</p>b();</script></svg>")).toBe(
			`<svg><script>a();<g>g</g>${X}<p>x</p>b();</script></svg>`,
		);
	});

	it("the end tag lol-html takes for such a script's own is the page's, kept (`</div>`)", async () => {
		// Without it the `<i>` went inside the div in Chromium.
		expect(await page("<div><svg><script>a();<p>x</p></div><i>z</i>")).toBe(
			`<div><svg><script>a();${X}<p>x</p></div><i>z</i>`,
		);
	});

	it("a classic script after one the page ended (`</svg>`, `<p>`) stays after it", async () => {
		for (const [markup, guarded] of [
			[
				"<svg><script>a();<g>g</g></svg><script src=x.js></script><i>z</i>",
				`<svg><script>a();<g>g</g>${X}</svg><script src=x.js></script><i>z</i>`,
			],
			[
				"<svg><script>a();<p>p</p><script src=x.js></script><i>z</i>",
				`<svg><script>a();${X}<p>p</p><script src=x.js></script><i>z</i>`,
			],
		]) {
			expect(await page(markup as string), markup).toBe(guarded);
		}
	});

	it("an end tag closing an element around it (`</svg>`) ends it there, that tag kept", async () => {
		// lol-html took `</svg>` for the script's own end tag: it went, and `</script>` came in its place.
		expect(await page("<svg><script>a();<g>g</g>b();</svg><p>x</p>")).toBe(
			`<svg><script>a();<g>g</g>b();${X}</svg><p>x</p>`,
		);
		// The inner one is the outer one's text to the scanner: one end serves both.
		expect(await page("<svg><script>a();<script>b();</svg>")).toBe(`<svg><script>a();<script>b();${X}</svg>`);
	});

	it("a page cut off inside one gets what it held, unclosed", async () => {
		fakeOrigin(
			() =>
				new Response("<!doctype html><html><head></head><body><svg><script>a();<g>g</g>b();", {
					headers: { "Content-Type": "text/html; charset=utf-8" },
				}),
		);
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body.slice(body.indexOf("<body>"))).toBe("<body><svg><script>a();<g>g</g>b();");
	});

	it("a page cut off inside a comment in one gets what it held too, the comment closed", async () => {
		// The script took the comment, so the page's end is inside nothing written: it was left out whole
		// (rewrite differential, seed 14 page 37; a closed comment is the same node).
		for (const [cut, held] of [
			["a();<!-- x", "a();<!-- x-->"],
			["a();<g><!-- x", "a();<g><!-- x-->"],
			["a();<? x", "a();<!--? x-->"],
		]) {
			fakeOrigin(
				() =>
					new Response(`<!doctype html><html><head></head><body><svg><script>${cut}`, {
						headers: { "Content-Type": "text/html; charset=utf-8" },
					}),
			);
			const body = await (await visit("/", VISITORS.optedOut)).text();
			expect(body.slice(body.indexOf("<body>"))).toBe(`<body><svg><script>${held}`);
		}
	});
});

describe("an SVG script's children removed by the rewrite", () => {
	it("a denied tracker's hint loses its URL and keeps its content; the script's text around it stays", async () => {
		// An SVG element there, whose text is not the script's (test/guard/foreign-loaders.test.ts).
		expect(
			await page(
				'<svg><script>a();<link rel="preconnect" href="https://connect.facebook.net">x</link>b();</script></svg>',
			),
		).toBe('<svg><script>a();<link rel="preconnect">x</link>b();</script></svg>');
	});
});

describe("an SVG script is judged by the text Chromium runs", () => {
	it("a tracker's bootstrap split by a child element, or written with references, is gated", async () => {
		for (const markup of [
			"<svg><script>fb<g>x</g>q('init', '1');</script></svg>",
			"<svg><script>fbq&#40;'init', '1');</script></svg>",
			"<svg><script><![CDATA[fbq('init', '1');]]></script></svg>",
		]) {
			const out = await page(markup);
			expect(out, markup).toContain(GATED);
		}
	});

	it("a tracker's name in a child element's text, which does not run, gates nothing", async () => {
		const markup = "<svg><script>a();<title>fbq('init', '1');</title></script></svg>";
		expect(await page(markup)).toBe(markup);
	});
});

describe("an SVG style inside an SVG script, which Chromium applies", () => {
	const STYLE =
		"<style>@import url(https://connect.facebook.net/p.css);.c{background:url(https://www.facebook.com/tr?id=1&amp;ev=S)}</style>";

	it("loses a tracker's URLs as an SVG style elsewhere does, the script's text untouched", async () => {
		const alone = await page(`<svg>${STYLE}</svg>`);
		expect(alone).not.toContain("facebook");
		expect(await page(`<svg><script>a();${STYLE}b();</script></svg>`)).toBe(
			alone.replace("<svg>", "<svg><script>a();").replace("</svg>", "b();</script></svg>"),
		);
	});

	it("an allowed visitor's is as written; a tracker's name in its text gates nothing", async () => {
		const markup = `<svg><script>a();${STYLE}</script></svg>`;
		expect(await page(markup, VISITORS.allowed)).toBe(markup);
		const named = "<svg><script>a();<style>.fbq{}</style></script></svg>";
		expect(await page(named)).toBe(named);
	});

	it("its sheet is read past its own child elements (`<g>`)", async () => {
		expect(
			await page(
				"<svg><script>a();<style>.a{}<g>x</g>@import url(https://connect.facebook.net/p.css);.b{}</style>b();</script></svg>",
			),
		).toBe("<svg><script>a();<style><g>x</g>.a{}.b{}</style>b();</script></svg>");
	});

	it("an HTML style at an integration point in it (`<desc>`) loses a tracker's URL too, in its place", async () => {
		expect(
			await page(
				"<svg><script>a();<desc><style>@import url(https://connect.facebook.net/p.css);.c{}</style></desc>b();</script></svg>",
			),
		).toBe("<svg><script>a();<desc><style>.c{}</style></desc>b();</script></svg>");
		// An empty one has no text: the script's text after it is still the script's.
		const empty = "<svg><script>a();<desc><style></style><noscript></noscript></desc>b();</script></svg>";
		expect(await page(empty)).toBe(empty);
	});

	it("its sheet so far stays inside the script where the page ends both (`<p>`, the page's end)", async () => {
		expect(await page(`<svg><script>a();<style>.a{}<p>x</p>.b{}</style></script></svg>`)).toBe(
			`<svg><script>a();<style>.a{}</style>${X}<p>x</p>.b{}</style></script></svg>`,
		);
		fakeOrigin(
			() =>
				new Response(
					"<!doctype html><html><head></head><body><svg><script>a();<style>@import url(https://connect.facebook.net/p.css);.a{}",
					{ headers: { "Content-Type": "text/html; charset=utf-8" } },
				),
		);
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body.slice(body.indexOf("<body>"))).toBe("<body><svg><script>a();<style>.a{}");
	});
});

describe("an SVG script inside an SVG style's child element", () => {
	it("stays where the page has it, judged as any other (`<style><g><script>`)", async () => {
		const markup = "<svg><style><g><script>a()</script></g></style></svg><p>after</p>";
		expect(await page(markup)).toBe(markup);
		const out = await page("<svg><style><g><script>fbq('init', '1');</script></g></style></svg><p>after</p>");
		expect(out.startsWith("<svg><style><g><script>")).toBe(true);
		expect(out.endsWith(`${GATED}fbq('init', '1');</script></g></style></svg><p>after</p>`)).toBe(true);
	});

	it("its children, a nested script and the sheet after it each end where the page ends them", async () => {
		const markup =
			"<svg><style><g><script>a();<g><g>x</g></g><script>b()</script>c();</script></g>.c{}</style></svg><p>after</p>";
		expect(await page(markup)).toBe(markup);
		expect(
			await page(
				"<svg><style><script>a();<script>b()</script></script>@import url(https://connect.facebook.net/p.css);.c{}</style></svg><p>after</p>",
			),
		).toBe("<svg><style><script>a();<script>b()</script></script>.c{}</style></svg><p>after</p>");
	});
});
