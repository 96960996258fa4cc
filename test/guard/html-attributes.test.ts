import fc from "fast-check";
/** URL attributes as raw HTML: decoding for classification, stripping with ampersands kept as written. */
import { describe, expect, it } from "vitest";
import {
	decodeAttribute,
	srcsetUrls,
	startTag,
	stripAttributeUrl,
} from "../../workers/guard/html-attributes";

const OPTIONS = { baseHost: "shop.example" };

describe("decodeAttribute", () => {
	it("decodes the references a URL can hold", () => {
		expect(decodeAttribute("/a?x=1&amp;y=2&#38;z=3&#x26;w=&quot;q&quot;&#39;&lt;&gt;")).toBe(
			'/a?x=1&y=2&z=3&w="q"\'<>',
		);
		expect(decodeAttribute("  https://a.example/x  ")).toBe("https://a.example/x");
		expect(decodeAttribute("/a?x=1&copy=2&unknown;")).toBe("/a?x=1&copy=2&unknown;");
	});

	it("decodes as the HTML parser does what can change the host a URL names", () => {
		expect(decodeAttribute("https:&#47&#x2F;&#0000000099;onnect&period;facebook&#46net/tr")).toBe(
			"https://connect.facebook.net/tr",
		);
		expect(decodeAttribute("&sol;&bsol;a&commat;b&colon;1&quest;q&num;h&percnt;&Tab;&NewLine;")).toBe(
			"/\\a@b:1?q#h%",
		);
		expect(decodeAttribute("https://&fopf;&Ascr;&zfr;.example/&shy;&ZeroWidthSpace;&NoBreak;")).toBe(
			"https://fAz.example/\u00ad\u200b\u2060",
		);
		// Names are case-sensitive, and only those that can matter are decoded.
		expect(decodeAttribute("/&SOL;&Sol;&copy;&nbsp;&fopf")).toBe("/&SOL;&Sol;&copy;&nbsp;&fopf");
	});
});

describe("stripAttributeUrl", () => {
	const cases: readonly (readonly [string, string | null])[] = [
		["/p?id=7&amp;utm_source=news&amp;colour=red", "/p?id=7&amp;colour=red"],
		["/p?id=7&utm_source=news&colour=red", "/p?id=7&colour=red"],
		["/p?gclid=1&amp;a=1", "/p?a=1"],
		["/p?a=1&#38;fbclid=2&#x26;b=2", "/p?a=1&amp;b=2"],
		["/p?a=&quot;x&quot;&amp;gclid=1", "/p?a=&quot;x&quot;"],
		["/p?a=1&amp;b=2", null],
		["/p?a=1", null],
		["https://x.example/?fbclid=1#f", "https://x.example/#f"],
		["mailto:a@b.example?utm_source=x", null],
		["/p?UTM_SOURCE=x&amp;Q=1", "/p?Q=1"],
		// A reference other than an ampersand's separates nothing, however it comes to follow an `&`
		// (rewrite differential: seed 9, page 71; seed 10, page 128).
		["&quot;??a=&amp;lt;b&amp;fbclid=a&quot;", "&quot;??a=&amp;lt;b"],
		["&quot;https://x.example/p?utm_campaign=a&amp;fbclid=z&quot;", "&quot;https://x.example/p"],
		["/p?a=&amp;copy;&amp;gclid=1&amp;b=&#60;", "/p?a=&amp;copy;&amp;b=&#60;"],
		["/p?a=1&lt;utm_source=2&amp;b=3", null],
		["/p?utm_source=1&lt;b=2&amp;c=3", "/p?c=3"],
		// References to the characters that shape a query are read as those characters, as the browser does.
		["/p?a=1&#38fbclid=2", "/p?a=1"],
		["/p&quest;fbclid=1&amp;a=2", "/p?a=2"],
		["/p?a=1&num;&amp;utm_source=2", null],
		["/p?utm_source&equals;2&amp;a=3", "/p?a=3"],
		// A private-use character the page wrote is kept as written.
		["/p?a=\ue000&amp;gclid=1&amp;b=&quot;\ue001", "/p?a=\ue000&amp;b=&quot;\ue001"],
	];
	for (const [raw, expected] of cases) {
		it(`${raw} → ${expected}`, () => expect(stripAttributeUrl(raw, OPTIONS)).toBe(expected));
	}

	it("leaves the browser's URL as it was, less the tracking parameters", () => {
		// A name is compared lower-cased, less one leading `?` (strip-tracking-params.ts, normaliseName);
		// every `utm_` name goes.
		const tracking = (raw: string) => {
			const name = raw.replace(/^\?/, "").toLowerCase();
			return name === "fbclid" || name === "gclid" || name.startsWith("utm_");
		};
		/** The parameters and fragment the browser reads from an attribute written so. */
		const read = (raw: string) => {
			const url = new URL(decodeAttribute(raw), "https://shop.example/dir/");
			return { params: [...url.searchParams], hash: url.hash, path: url.pathname };
		};
		const piece = fc.constantFrom(
			..."a b = ? # x 1".split(" "),
			...["utm_source", "UTM_Source", "fbclid", "gclid"],
			...["&", "&amp;", "&#38;", "&#x26;", "&#38", "&AMP;"],
			...[
				"&lt;",
				"&quot;",
				"&#60;",
				"&amp;lt;",
				"&amp;copy;",
				"&amp;quot;",
				"&quest;",
				"&#63;",
				"&num;",
				"&equals;",
			],
		);
		fc.assert(
			fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
				const raw = `/p?${pieces.join("")}`;
				const stripped = stripAttributeUrl(raw, OPTIONS);
				const before = read(raw);
				const after = read(stripped ?? raw);
				const kept = before.params.filter(([name]) => !tracking(name));
				expect(after.params).toEqual(kept);
				expect(after.hash).toBe(before.hash);
				expect(after.path).toBe(before.path);
				expect(stripped === null).toBe(kept.length === before.params.length);
			}),
			{ numRuns: 3000, seed: 52 },
		);
	});
});

describe("srcsetUrls", () => {
	const cases: readonly (readonly [string, readonly string[]])[] = [
		["https://a.example/x.png 1x", ["https://a.example/x.png"]],
		["/a.png 1x, /b.png 2x", ["/a.png", "/b.png"]],
		// A URL may hold commas: only a trailing one ends it.
		["/a.png,/b.png 2x", ["/a.png,/b.png"]],
		["/a.png, /b.png,", ["/a.png", "/b.png"]],
		["/a.png 100w,/b,c.png 200w", ["/a.png", "/b,c.png"]],
		["  , /a.png  ,, /b.png", ["/a.png", "/b.png"]],
		["/t?a=1&amp;b=2 1.5x", ["/t?a=1&amp;b=2"]],
		["/only", ["/only"]],
		// A comma inside a descriptor's parentheses separates nothing.
		["/a.png 1x(x,y),https://t.example/p 2x", ["/a.png", "https://t.example/p"]],
		["/a.png 1x (a, b) , /b.png", ["/a.png", "/b.png"]],
		["", []],
		[" , ", []],
	];
	for (const [raw, expected] of cases) {
		it(`${JSON.stringify(raw)} → ${expected.join(" | ")}`, () => expect(srcsetUrls(raw)).toEqual(expected));
	}
});

describe("startTag", () => {
	it("writes raw values back, quoting with double quotes and bare empty values", () => {
		expect(
			startTag("script", [
				["nonce", "n0"],
				["async", ""],
				["data-x", 'say "hi" &amp; bye'],
			]),
		).toBe('<script nonce="n0" async data-x="say &quot;hi&quot; &amp; bye">');
	});
});
