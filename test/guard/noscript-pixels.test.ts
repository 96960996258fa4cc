/** withoutDeniedPixels: cutting denied pixels and frames out of noscript text, nothing else. */
import { describe, expect, it } from "vitest";
import { withoutDeniedPixels } from "../../workers/guard/noscript-pixels";
import { expectLinearCost, grown } from "./linear-cost";

const deniedHost = (url: string) => url.includes("tracker.example");

describe("withoutDeniedPixels", () => {
	it("cuts denied img tags, whatever the quoting, and keeps the rest", () => {
		expect(
			withoutDeniedPixels(
				`<img src="https://tracker.example/p?a=1&amp;b=2" height="1"/><p>Enable JS</p><img src='/logo.png'><img alt=">" src=https://tracker.example/x>`,
				deniedHost,
			),
		).toBe("<p>Enable JS</p><img src='/logo.png'>");
	});

	it("cuts a denied iframe up to its end tag", () => {
		expect(
			withoutDeniedPixels(
				`<iframe src="https://tracker.example/ns.html?id=GTM-X" height="0" width="0" style="display:none;visibility:hidden"></iframe><span>x</span>`,
				deniedHost,
			),
		).toBe("<span>x</span>");
	});

	it("cuts an img or source denied by any srcset candidate, decoded, and keeps the others", () => {
		expect(
			withoutDeniedPixels(
				`<img srcset="/a.png 1x, https://tracker.example/p?a=1&amp;b=2 2x"><img srcset='/b.png 1x, /c.png 2x'><picture><source srcset=https://tracker.example/s.gif></picture>`,
				deniedHost,
			),
		).toBe("<img srcset='/b.png 1x, /c.png 2x'><picture></picture>");
		const seen: string[] = [];
		withoutDeniedPixels(`<img src="/a.png" srcset="/a.png?x=1&amp;y=2 1x">`, (url) => {
			seen.push(url);
			return false;
		});
		expect(seen).toEqual(["/a.png", "/a.png?x=1&y=2"]);
	});

	it("stops at a tag the text never closes: whatever follows is inside it, for a browser too", () => {
		const html = `<img src="https://tracker.example/a"><img src="x <img src=https://tracker.example/b>`;
		expect(withoutDeniedPixels(html, deniedHost)).toBe(`<img src="x <img src=https://tracker.example/b>`);
		// A denied frame with no end tag is cut to its start tag's end, and so is every later one.
		const frames = `<iframe src="https://tracker.example/1"><p>a</p><iframe src="https://tracker.example/2"><p>b</p>`;
		expect(withoutDeniedPixels(frames, deniedHost)).toBe("<p>a</p><p>b</p>");
	});

	// A complexity guard, not a benchmark: the backtracking pattern this replaced took ~2.6 s on the
	// first input at 100 KB (quadratic); see linear-cost.ts for the bound and why no busy machine fails it.
	it("takes time in proportion to the text, however many tags never close", async () => {
		for (const unit of [
			"<img ",
			'<img src="x ',
			"<img src=https://tracker.example/p?",
			'<iframe src="https://tracker.example/f">',
		]) {
			await expectLinearCost(
				unit,
				(size) => grown(size, unit),
				(text) => withoutDeniedPixels(text, deniedHost),
			);
		}
	});

	it("reads a tag's attributes as the browser does: `src=` in another attribute's value is not its source", () => {
		const frame = `<iframe srcdoc="<img src=&quot;https://tracker.example/p&quot;>"></iframe>`;
		expect(
			withoutDeniedPixels(
				`${frame}<img alt="a src=/x.png" title='b srcset=https://tracker.example/s'>`,
				deniedHost,
			),
		).toBeNull();
		// A pixel whose alt text names a `src` first is cut all the same (it was kept).
		expect(withoutDeniedPixels(`<img alt="x src=y" src="https://tracker.example/p">z`, deniedHost)).toBe("z");
		// The first of a name counts, and a value may follow a quoted one with no space or be empty.
		expect(withoutDeniedPixels(`<img src=/a.png src="https://tracker.example/p">`, deniedHost)).toBeNull();
		expect(withoutDeniedPixels(`<img alt="a src=/x.png"src="https://tracker.example/p">`, deniedHost)).toBe(
			"",
		);
		expect(withoutDeniedPixels(`<img src srcset=https://tracker.example/p>x`, deniedHost)).toBe("x");
		expect(withoutDeniedPixels(`<img/SRC = 'https://tracker.example/p'/>x`, deniedHost)).toBe("x");
	});

	it("is null when nothing is denied", () => {
		expect(withoutDeniedPixels(`<img src="/a.png"><p>text</p>`, deniedHost)).toBeNull();
		expect(withoutDeniedPixels("plain text", deniedHost)).toBeNull();
	});

	it("decodes the src before judging it", () => {
		const seen: string[] = [];
		withoutDeniedPixels(`<img src="https://a.example/tr?id=1&amp;ev=PageView">`, (url) => {
			seen.push(url);
			return false;
		});
		expect(seen).toEqual(["https://a.example/tr?id=1&ev=PageView"]);
	});
});
