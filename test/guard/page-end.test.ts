/**
 * A page that ends inside a tag, comment or doctype (page-end.ts): lol-html passes the unfinished
 * markup through as it is, and what the rewrite held back must not be written after it, where it
 * would finish the tag (Chromium then fetched a cut-off `<img>`: test/browser/guard-page-end).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { KEPT_PAGE_MAX_BYTES } from "../../workers/guard/kept-bytes";
import { pageEnd } from "../../workers/guard/page-end";
import { chunkedStream, fakeOrigin, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const UTF8 = "text/html; charset=utf-8";
const PIXEL = "https://www.facebook.com/tr?id=1&amp;ev=end";

const endOf = (page: string, contentType = UTF8) =>
	pageEnd(new TextEncoder().encode(page).buffer as ArrayBuffer, contentType);
const ends = async (page: string, contentType = UTF8) => (await endOf(page, contentType)) !== "text";

describe("where a page's bytes end", () => {
	it("in text, in a script's or style's text, or after a whole tag: outside markup", async () => {
		for (const page of [
			"",
			"<p>a</p>",
			"<p>a",
			"<svg><script>a();<g>g</g>b();",
			"<script>if (a) b();",
			"<style>a{}",
			"<title>t",
			"<svg><![CDATA[ x ",
			"<p>a</p>\n",
		]) {
			expect(await ends(page), page).toBe(false);
		}
	});

	it("inside a comment, a bogus one too, is told apart from inside a tag or doctype", async () => {
		for (const page of ["<p>a<!-- x", "<p>a<!-- x>", "<p>a<?x", "<svg><script>a();<!-- x", "<p>a<!x"]) {
			expect(await endOf(page), page).toBe("comment");
		}
		for (const page of ["<p>a<img", "<p>a</p", "<p>a<!doctype html", "<svg><script>a();<img src='x'"]) {
			expect(await endOf(page), page).toBe("markup");
		}
		expect(await endOf("<p>a<!-- x -->")).toBe("text");
	});

	it("inside a start or end tag, a comment or a doctype, however its quotes and `>` fall: inside", async () => {
		for (const page of [
			"<p>a<img",
			"<p>a<img src=x",
			"<p>a<img src='x'",
			"<p>a<img src='x",
			'<p>a<img alt="a>b" src="x',
			"<p>a<img alt='a>b' src=x",
			"<p>a<img src=x/",
			"<p>a</p",
			"<p>a<!-- x",
			"<p>a<!-- x>",
			"<p>a<!doctype html",
			"<p>a<?x",
			"<svg><script>a();<img src='x'",
		]) {
			expect(await ends(page), page).toBe(true);
		}
	});

	it("inside an end tag or comment opener in a script's, style's or title's text: inside", async () => {
		for (const page of [
			"<script>a()</scr",
			"<script>a()</script",
			"<script>a()<!-",
			"<style>a{}</",
			"<title>t</tit",
		]) {
			expect(await ends(page), page).toBe(true);
		}
	});

	it("text ending in what could open a tag is taken as inside, where it cannot (`<plaintext>`)", async () => {
		expect(await ends("<plaintext><img src=x")).toBe(true);
	});

	it("read in the page's charset, or byte for byte", async () => {
		expect(await ends("<p>caf\u00e9<img src=x", "text/html; charset=windows-1252")).toBe(true);
		expect(await ends("<p>caf\u00e9", "text/html; charset=x-user-defined")).toBe(false);
	});
});

/** The opted-out visitor's body after `<body>`, the page served whole (`sizes` absent) or streamed. */
async function guardedEnd(markup: string, sizes?: readonly number[]): Promise<string> {
	const page = `<!doctype html><html><head></head><body>${markup}`;
	const length = String(new TextEncoder().encode(page).length);
	fakeOrigin(
		() =>
			new Response(sizes ? chunkedStream(page, sizes) : page, {
				headers: { "Content-Type": UTF8, ...(sizes ? {} : { "Content-Length": length }) },
			}),
	);
	const body = await (await visit("/", VISITORS.optedOut)).text();
	return body.slice(body.indexOf("<body>") + 6);
}

describe("a guarded page that ends inside markup gets nothing written after it", () => {
	for (const sizes of [undefined, [5, 17, 3]]) {
		const how = sizes ? "streamed" : "whole";

		it(`an SVG script the page ends in, cut off inside a tag (${how})`, async () => {
			for (const [held, tail] of [
				["", `<img src='${PIXEL}'`],
				["<g>g</g>", `<img alt='x>y' src='${PIXEL}'`],
				["", `<image href="${PIXEL}"`],
			]) {
				// Before: the script's start tag came after the cut-off tag and finished it. What the script
				// held goes with it: Chromium neither runs nor renders a script the file ends in.
				expect(await guardedEnd(`<svg><script>a();${held}${tail}`, sizes), tail).toBe(`<svg>${tail}`);
			}
		});

		it(`an SVG style the page ends in, cut off inside a tag (${how})`, async () => {
			expect(await guardedEnd(`<svg><style>a{}<img src='${PIXEL}'`, sizes)).toBe(
				`<svg><style><img src='${PIXEL}'`,
			);
		});

		it(`a script cut off inside its end tag: its text is not written after it (${how})`, async () => {
			// Before: `</scr<script type="text/plain" …>` took the held script's start tag, and its text
			// was read as HTML, pixel and all.
			const out = await guardedEnd(`<script>document.write("<img src='${PIXEL}'>")</scr`, sizes);
			expect(out).not.toContain("<img");
		});

		it(`one that ends outside markup still gets what was held, unclosed (${how})`, async () => {
			expect(await guardedEnd("<svg><script>a();<g>g</g>b();", sizes)).toBe("<svg><script>a();<g>g</g>b();");
			expect(await guardedEnd("<svg><style>a{}", sizes)).toBe("<svg><style>a{}");
		});
	}

	it("a streamed page longer than the bytes kept of it gets nothing written at its end", async () => {
		// Its bytes were let go as it passed (kept-bytes.ts), so where it ends cannot be told: what was
		// held is left out whether the page ends inside a tag or not.
		const long = `<p>${"x".repeat(KEPT_PAGE_MAX_BYTES)}</p>`;
		const sizes = [16384];
		expect(await guardedEnd(`${long}<svg><script>a();<img src='${PIXEL}'`, sizes)).toBe(
			`${long}<svg><img src='${PIXEL}'`,
		);
		// Within the bound the same end gets what was held (above).
		expect(await guardedEnd(`${long}<svg><script>a();<g>g</g>b();`, sizes)).toBe(`${long}<svg>`);
	});

	it("nothing is written after a cut-off tag: the runtime's tag went before the first script, a MathML one too", async () => {
		const page = `<math><script>a()</script></math><img src='${PIXEL}'`;
		fakeOrigin(() => new Response(page, { headers: { "Content-Type": UTF8 } }));
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body).toMatch(
			/^<math><mtext><script href="\/v1\/guard\/runtime\.js[^>]*><\/script><\/mtext><script>a\(\)/,
		);
		expect(body.endsWith(`</math><img src='${PIXEL}'`)).toBe(true);
	});
});
