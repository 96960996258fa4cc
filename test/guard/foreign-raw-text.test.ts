/**
 * A raw text element's or script's text while an svg or math is open. HTMLRewriter's tree builder
 * sometimes takes such an element for HTML's where Chromium's builds MathML or SVG, which parses its
 * text as markup: in `<math><mtext><p><form></form></mtext><xmp><img src=…>`, the form closes the p,
 * `</mtext>` ends the text point and the img is fetched. The workerd these tests run agrees with
 * Chromium there (test/browser/guard-cdata.test.ts has the pages, through `wrangler dev`'s workerd,
 * which does not); these cases are HTML raw text at an integration point, which the guard cannot tell
 * from them: a tag naming a denied tracker in their text is written so no parser reads a tag in it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { chunkedStream, fakeOrigin, guardedBody, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const PIXEL = "<img src='https://www.facebook.com/tr?id=1&amp;ev=s17'>";
const ESCAPED = PIXEL.replace("<", "&lt;");
const SCRIPT_PIXEL = PIXEL.replace("<", "\\u003c");

describe("raw text while an svg or math is open", () => {
	it("holding a tracker's tag is written with `<` as `&lt;`", async () => {
		for (const name of ["xmp", "noembed", "iframe", "noframes", "style"]) {
			expect(
				await guardedBody(`<svg><foreignObject><${name}>a<b>${PIXEL}</${name}></foreignObject></svg>`),
				name,
			).toBe(`<svg><foreignObject><${name}>a&lt;b>${ESCAPED}</${name}></foreignObject></svg>`);
			expect(await guardedBody(`<math><mi><${name}>${PIXEL}</${name}></mi></math>`), name).toBe(
				`<math><mi><${name}>${ESCAPED}</${name}></mi></math>`,
			);
		}
		// Its text runs to the page's end, the page's own end tags with it.
		expect(await guardedBody(`<svg><desc><plaintext>x ${PIXEL}`)).toBe(
			`<svg><desc><plaintext>x ${ESCAPED}&lt;/body>&lt;/html`,
		);
		// A noscript's pixel goes (as anywhere); a script in it is a tag the same way.
		const script = '<script src="https://connect.facebook.net/en_US/fbevents.js"></script>';
		expect(await guardedBody(`<svg><desc><noscript><p>${script}</noscript></desc></svg>`)).toBe(
			`<svg><desc><noscript>${`<p>${script}`.replaceAll("<", "&lt;")}</noscript></desc></svg>`,
		);
	});

	it("in chunks, as a streamed page brings it", async () => {
		const markup = `<svg><foreignObject><xmp>${"x".repeat(40)}${PIXEL}${"y".repeat(40)}</xmp></foreignObject></svg>`;
		fakeOrigin(
			() =>
				new Response(chunkedStream(`<!doctype html><html><head></head><body>${markup}</body></html>`), {
					headers: { "Content-Type": "text/html; charset=utf-8" },
				}),
		);
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body).toContain(`<xmp>${"x".repeat(40)}${ESCAPED}${"y".repeat(40)}</xmp>`);
	});

	it("others stay: no tracker, a closed svg's, a foreign element's, an allowed visitor's page", async () => {
		for (const markup of [
			"<svg><foreignObject><xmp>a <b>b</b> <img src=https://example.com/x.png></xmp></foreignObject></svg>",
			`<svg></svg><xmp>${PIXEL}</xmp><style>${PIXEL}</style>`,
			`<math><mi>x</mi></math><noembed>${PIXEL}</noembed>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
		const markup = `<svg><foreignObject><xmp>${PIXEL}</xmp></foreignObject></svg>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});

describe("a script while an svg or math is open", () => {
	it("has the `<` of a tag naming a tracker written `\\u003c`, the same character in a string", async () => {
		expect(
			await guardedBody(
				`<svg><foreignObject><script>var a = "${PIXEL}"; if (a<b) c(); d = '<a title="<img src=https://www.facebook.com/tr>">';</script></foreignObject></svg>`,
			),
		).toContain(
			`var a = "${SCRIPT_PIXEL}"; if (a<b) c(); d = '\\u003ca title="\\u003cimg src=https://www.facebook.com/tr>">';</script></foreignObject></svg>`,
		);
	});

	it("also one no other handler holds: JSON, an external script's text, speculation rules", async () => {
		for (const [open, close] of [
			['<script type="application/ld+json">{"a": "', '"}</script>'],
			['<script src="/app.js">"', '"</script>'],
			['<script type="text/x-template"><div>', "</div></script>"],
		] as const) {
			expect(await guardedBody(`<math><mtext>${open}${PIXEL}${close}</mtext></math>`), open).toBe(
				`<math><mtext>${open}${SCRIPT_PIXEL}${close}</mtext></math>`,
			);
		}
		expect(
			await guardedBody(
				`<svg><desc><script type="speculationrules">{"prerender": [{"urls": ["/a?q=${PIXEL.replaceAll("'", "")}"]}]}</script></desc></svg>`,
			),
		).toContain(`"/a?q=${SCRIPT_PIXEL.replaceAll("'", "")}"`);
	});

	it("keeps the `<` of a `<script` and `</script` after a `<!--`, where they tell the tokenizer where it ends", async () => {
		// Chromium reads one script to the page's end, as lol-html does: with the second tag's `<` escaped
		// it ended at the next `</script>` and ran the rest. Its `=` is escaped instead: no `src`.
		const tracker = '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>';
		const markup = `<math><mi><script>x="<!--<script>";</script>${tracker}<script>y="${PIXEL}";</script></mi></math>`;
		expect(await guardedBody(markup)).toBe(
			`<math><mi><script>x="<!--<script>";</script>${tracker.replaceAll("=", "\\u003d")}<script>y="${SCRIPT_PIXEL}";</script></mi></math>`,
		);
		// Before a `<!--`, a tag naming a tracker is escaped whatever its name.
		expect(await guardedBody(`<math><mi><script>x="${tracker}<!--";</script></mi></math>`)).toBe(
			`<math><mi><script>x="${tracker.replace("<", "\\u003c")}<!--";</script></mi></math>`,
		);
	});

	it("keeps the `<` of a `<!--` in a quoted value of a tag naming a tracker", async () => {
		// Seed 105's page 50, shrunk: the `<!--x--!>` leaves the tokenizer in the script's escaped state, so
		// the `<script` after it does not end at its `</script>`: one script, as written. Escaped, that `<`
		// ended the script at the gated one's `</script>`, and the last script ran.
		const frame = `<iframe srcdoc="<!--x--!><img src=&quot;https://www.facebook.com/tr?id=1&quot;>">`;
		const rest = `<script type="text/javascript"><!-- */fbq("init","9");</script><script><!--\n(window.r=window.r||[]).push(1);//--></script>`;
		const body = await guardedBody(`<math><mi><script>${frame}${rest}</mi></math>`);
		expect(body).toContain(
			`\\u003ciframe srcdoc\\u003d"<!--x--!>\\u003cimg src\\u003d&quot;https://www.facebook.com/tr?id\\u003d1&quot;>">${rest}`,
		);
	});

	it("others stay: no tracker, outside an svg or math, an allowed visitor's page", async () => {
		for (const markup of [
			`<svg><desc><script>if (a<b) c("<img src=/logo.png>");</script></desc></svg>`,
			`<svg></svg><script type="application/ld+json">{"a": "${PIXEL}"}</script>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
		const markup = `<svg><desc><script type="application/ld+json">{"a": "${PIXEL}"}</script></desc></svg>`;
		expect(await guardedBody(markup, VISITORS.allowed)).toBe(markup);
	});
});
