/** The charset a page's first bytes declare, found as a browser's prescan finds it. */
import { describe, expect, it } from "vitest";
import { namesCharset, pageCharset, sniffedContentType } from "../../workers/guard/page-charset";

const head = (text: string, prefix: readonly number[] = []) =>
	Uint8Array.from([...prefix, ...new TextEncoder().encode(text)]);

describe("namesCharset", () => {
	it("is true only for a charset parameter with a value", () => {
		expect(namesCharset("text/html; charset=utf-8")).toBe(true);
		expect(namesCharset('text/html;CHARSET="Shift_JIS"')).toBe(true);
		expect(namesCharset("text/html")).toBe(false);
		expect(namesCharset("text/html; charset=")).toBe(false);
		expect(namesCharset("text/html; x-charset")).toBe(false);
	});
});

describe("pageCharset", () => {
	const cases: readonly (readonly [string, Uint8Array, string])[] = [
		["meta charset", head('<html><head><meta charset="Shift_JIS">'), "shift_jis"],
		["unquoted, after a slash", head("<meta/charset=euc-jp>"), "euc-jp"],
		[
			"http-equiv",
			head(`<meta content='text/html; charset="iso-8859-2"' http-equiv="Content-Type">`),
			"iso-8859-2",
		],
		[
			"http-equiv, charset unquoted",
			head('<meta http-equiv=content-type content="text/html;charset=koi8-r">'),
			"koi8-r",
		],
		["content without http-equiv", head('<meta content="text/html; charset=koi8-r">'), "windows-1252"],
		[
			"the first meta that declares one",
			head('<meta name="x"><meta charset="big5"><meta charset="gbk">'),
			"big5",
		],
		["a UTF-16 label", head('<meta charset="utf-16le">'), "utf-8"],
		["x-user-defined", head('<meta charset="x-user-defined">'), "windows-1252"],
		["a label that cannot go in a header", head('<meta charset="utf-8; x=1"><meta charset="big5">'), "big5"],
		["inside a comment", head('<!-- > <meta charset="big5"> -->'), "windows-1252"],
		["in another tag's attribute", head('<p title="<meta charset=big5>">'), "windows-1252"],
		["after 1024 bytes", head(`<p>${"x".repeat(1024)}</p><meta charset="big5">`), "windows-1252"],
		["cut off at 1024 bytes", head(`<p>${"x".repeat(1000)}</p><meta charset="big5`), "windows-1252"],
		["nothing declared", head("<!doctype html><p>café</p>"), "windows-1252"],
		["a UTF-8 byte order mark", head('<meta charset="big5">', [0xef, 0xbb, 0xbf]), "utf-8"],
		["a UTF-16LE byte order mark", head("<\0p\0>\0", [0xff, 0xfe]), "windows-1252"],
		["a UTF-16BE byte order mark", head("\0<\0p\0>", [0xfe, 0xff]), "windows-1252"],
		["empty", new Uint8Array(), "windows-1252"],
	];
	for (const [name, bytes, charset] of cases) {
		it(`${name}: ${charset}`, () => expect(pageCharset(bytes)).toBe(charset));
	}
});

describe("sniffedContentType", () => {
	it("is the origin's type, other parameters dropped, with the charset the page declares", () => {
		expect(sniffedContentType("text/html", head('<meta charset="shift_jis">'))).toBe(
			"text/html; charset=shift_jis",
		);
		expect(sniffedContentType("application/xhtml+xml; charset=", head("<p>"))).toBe(
			"application/xhtml+xml; charset=windows-1252",
		);
	});
});
