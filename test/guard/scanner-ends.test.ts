/**
 * Chromium's preload scanner reads an element named as a raw text element (`script`, `style`, `title`,
 * `textarea`, `xmp`, `iframe`, `noembed`, `noframes`, `noscript`) as raw text in SVG and MathML too, to
 * its end tag wherever that comes, and reads every tag after it: where the tree builder ended the
 * element without its end tag, in an ancestor's end tag, a tag that ends the SVG or its own `<x/>`, the
 * scanner read on, and a pixel after a later `</script>` in a `<noembed>`'s text was fetched (session 59,
 * the rewrite differential's seed 143, page 62; test/browser/guard-rewrite-diff.test.ts has those pages
 * in Chromium). The guard writes the end the scanner waits for there, as comments to the tree builder.
 */
import { describe, expect, it } from "vitest";
import { endForScanner, SCRIPT_END_FOR_SCANNER } from "../../workers/guard/scanner-ends";
import { fakeOrigin, guardedBody, VISITORS, visit } from "./guard-fixtures";

const PIXEL = '<img src="https://www.facebook.com/tr?id=1&amp;ev=p">';
/** Raw text where the scanner, left in a script, would read on after the `</script>` in it. */
const AFTER = `<noembed></script>${PIXEL}</noembed>`;

describe("a script lol-html names SVG's or MathML's, ended without its end tag", () => {
	it("gets the scanner's end where the tree builder ends it: at an ancestor's end tag", async () => {
		expect(await guardedBody(`<svg><script></svg>${AFTER}`)).toBe(
			`<svg><script>${SCRIPT_END_FOR_SCANNER}</svg>${AFTER}`,
		);
		expect(await guardedBody(`<svg><g><script>var a = 1;</g></svg>${AFTER}`)).toBe(
			`<svg><g><script>var a = 1;${SCRIPT_END_FOR_SCANNER}</g></svg>${AFTER}`,
		);
		// External, MathML, or loading by `src`: not held back, the same end.
		expect(await guardedBody(`<svg><script href="/s.js"></svg>${AFTER}`)).toBe(
			`<svg><script href="/s.js">${SCRIPT_END_FOR_SCANNER}</svg>${AFTER}`,
		);
		expect(await guardedBody(`<math><script></math>${AFTER}`)).toBe(
			`<math><script>${SCRIPT_END_FOR_SCANNER}</math>${AFTER}`,
		);
		expect(await guardedBody(`<svg><script src="/s.js"></svg>${AFTER}`)).toBe(
			`<svg><script src="/s.js">${SCRIPT_END_FOR_SCANNER}</svg>${AFTER}`,
		);
	});

	it("after its `<script/>` tag, and before a tag that ends the SVG", async () => {
		expect(await guardedBody(`<svg><script/></svg>${AFTER}`)).toBe(
			`<svg><script/>${SCRIPT_END_FOR_SCANNER}</svg>${AFTER}`,
		);
		expect(await guardedBody(`<svg><script>a<p>x</p></svg>${AFTER}`)).toBe(
			`<svg><script>a${SCRIPT_END_FOR_SCANNER}<p>x</p></svg>${AFTER}`,
		);
	});

	it("ends the scanner's script from any of its states, and is comments to the tree builder", () => {
		// Script data, escaped (after `<!--`), double escaped (after `<!--<script>`): the tokenizer's
		// states for a script's text (the HTML standard's "script data" states), as the scanner follows them.
		const ends = (state: "data" | "escaped" | "double", text: string): boolean => {
			let s: string = state;
			const steps: [from: string, token: string, to: string][] = [
				["data", "<!--", "escaped"],
				["escaped", "</script>", "end"],
				["data", "</script>", "end"],
				["double", "</script>", "escaped"],
				["escaped", "<script>", "double"],
				["escaped", "-->", "data"],
				["double", "-->", "data"],
			];
			let i = 0;
			while (i < text.length) {
				const step = steps.find(([from, token]) => from === s && text.startsWith(token, i));
				if (step === undefined) {
					i++;
					continue;
				}
				if (step[2] === "end") return true;
				s = step[2];
				i += step[1].length;
			}
			return false;
		};
		for (const state of ["data", "escaped", "double"] as const)
			expect(ends(state, SCRIPT_END_FOR_SCANNER)).toBe(true);
		// One copy is not enough from double escaped: it comes back to script data.
		expect(ends("double", SCRIPT_END_FOR_SCANNER.slice(0, SCRIPT_END_FOR_SCANNER.length / 2))).toBe(false);
		// Two comments, each closed at its first `-->`.
		expect(SCRIPT_END_FOR_SCANNER.match(/<!--[\s\S]*?-->/g)?.join("")).toBe(SCRIPT_END_FOR_SCANNER);
	});

	it("not where it ends with its own end tag, nor in an HTML script", async () => {
		const closed = `<svg><script href="/s.js"></script><script>var a = 1;</script></svg>${AFTER}`;
		expect(await guardedBody(closed)).toBe(closed);
		const html = `<svg><foreignObject><script src="/s.js"></script></foreignObject></svg><p>x</p>`;
		expect(await guardedBody(html)).toBe(html);
	});

	it("nor inside an SVG script, whose own end serves, nor in XHTML", async () => {
		expect(await guardedBody(`<svg><script>a<g><script href="/s.js"></g></script></svg>`)).not.toContain(
			"<!--</script>",
		);
		fakeOrigin(
			() =>
				new Response(
					'<html xmlns="http://www.w3.org/1999/xhtml"><head></head><body><svg><script/></svg></body></html>',
					{ headers: { "Content-Type": "application/xhtml+xml" } },
				),
		);
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body).toContain("<svg><script/></svg>");
		expect(body).not.toContain("<!--</script>");
	});
});

describe("another raw text element's name in SVG or MathML, ended without its end tag", () => {
	it("gets its end tag for the scanner, inside a comment", async () => {
		for (const name of ["textarea", "xmp", "iframe", "noembed", "noframes", "noscript"]) {
			const raw = name === "noembed" ? "noframes" : "noembed";
			const after = `<${raw}></${name}>${PIXEL}</${raw}>`;
			expect(await guardedBody(`<svg><${name}></svg>${after}`)).toBe(
				`<svg><${name}>${endForScanner(name)}</svg>${after}`,
			);
			expect(await guardedBody(`<math><${name}/></math>${after}`)).toBe(
				`<math><${name}/>${endForScanner(name)}</math>${after}`,
			);
		}
		expect(endForScanner("title")).toBe("<!--</title>-->");
	});

	it("a style and a title too, in SVG and MathML", async () => {
		const style = `<noembed></style>${PIXEL}</noembed>`;
		expect(await guardedBody(`<svg><style>p{}</svg>${style}`)).toBe(
			`<svg><style>p{}${endForScanner("style")}</svg>${style}`,
		);
		expect(await guardedBody(`<math><style/></math>${style}`)).toBe(
			`<math><style/>${endForScanner("style")}</math>${style}`,
		);
		const title = `<noembed></title>${PIXEL}</noembed>`;
		expect(await guardedBody(`<svg><title>t</svg>${title}`)).toBe(
			`<svg><title>t${endForScanner("title")}</svg>${title}`,
		);
		expect(await guardedBody(`<math><title>t</math>${title}`)).toBe(
			`<math><title>t${endForScanner("title")}</math>${title}`,
		);
	});

	it("not where it ends with its own end tag (an icon's title and style)", async () => {
		const icon =
			'<svg viewBox="0 0 8 8"><title>Close</title><style>.a{fill:red}</style><path d="M0 0"/></svg>';
		expect(await guardedBody(icon)).toBe(icon);
	});
});
