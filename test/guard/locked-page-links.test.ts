/**
 * The scanner that strips the links of a page sent locked down (HTMLRewriter gave up on it): only the
 * first `href` of `<a>` and `<area>` start tags, read as the HTML tokenizer reads them, every other
 * byte as written; linear on hostile input.
 */
import { describe, expect, it } from "vitest";
import { lockedPageLinks } from "../../workers/guard/locked-page-links";
import { expectLinearCost, grown } from "./linear-cost";

const HTML = "text/html; charset=utf-8";
const STRIP = { baseHost: "shop.example" };

function stripped(page: string, contentType = HTML): string {
	const bytes = new TextEncoder().encode(page);
	return new TextDecoder().decode(lockedPageLinks(bytes.buffer as ArrayBuffer, contentType, STRIP));
}

describe("lockedPageLinks", () => {
	it.each([
		['<a href="/p?a=1&amp;gclid=x&amp;b=2">', '<a href="/p?a=1&amp;b=2">'],
		['<a href="/p?a=1&#38;fbclid=x">', '<a href="/p?a=1">'],
		['<a href="/p&quest;utm_source=x">', '<a href="/p">'],
		["<a href='/p?utm_medium=x&b=2'>", "<a href='/p?b=2'>"],
		["<a href=/p?gclid=x&b=2>", "<a href=/p?b=2>"],
		["<a href=?gclid=x title=t>", "<a href=? title=t>"],
		['<A\nclass="x>y"\tHREF = "/p?gclid=x" >', '<A\nclass="x>y"\tHREF = "/p" >'],
		['<AREA shape=rect href="/p?msclkid=x">', '<AREA shape=rect href="/p">'],
		['<a/href="/p?gclid=x">', '<a/href="/p">'],
		['<a title="t"href="/p?gclid=x">', '<a title="t"href="/p">'],
		['<svg><a href="/p?gclid=x"></a></svg>', '<svg><a href="/p"></a></svg>'],
		['<a href="/é?gclid=x&q=日本">', '<a href="/é?q=日本">'],
		['<svg><a xlink:href="/p?gclid=x">', '<svg><a xlink:href="/p">'],
		[
			'<svg><A XLINK:HREF=/p?gclid=x xlink:href=/q?gclid=x href="/r?fbclid=y">',
			'<svg><A XLINK:HREF=/p xlink:href=/q?gclid=x href="/r">',
		],
	])("%s → %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});

	it.each([
		['<link rel=next href="/p?gclid=x">'],
		['<abbr href="/p?gclid=x">'],
		['<a data-href="/p?gclid=x" ping="/p?gclid=x">'],
		['<a href="/p?a=1" href="/p?gclid=x">'],
		['<area xlink:href="/p?gclid=x">'],
		['</a href="/p?gclid=x">'],
		['<!-- <a href="/p?gclid=x"> -->'],
		['<!doctype html><!x <a href="/p?gclid=x">'],
		["<script>s = '<a href=\"/p?gclid=x\">'</script>"],
		['<textarea><a href="/p?gclid=x"></textarea>'],
		['<TITLE><a href="/p?gclid=x"></title >'],
		['<a href="/p?gclid=x'],
		["<a href=/p?gclid=x"],
		['<a href="/p?page=2">'],
	])("leaves %s as written", (page) => {
		expect(stripped(page)).toBe(page);
	});

	it("finds links again after a comment, a script and a raw text element end", () => {
		const page =
			'<!-- a --><script>"</script>"</SCRIPT><style>a{}</style><a href="/p?gclid=x">' +
			'<!--><a href="/q?gclid=x"><?pi x><a href="/r?gclid=x">';
		expect(stripped(page)).toBe(
			'<!-- a --><script>"</script>"</SCRIPT><style>a{}</style><a href="/p">' +
				'<!--><a href="/q"><?pi x><a href="/r">',
		);
	});

	// A script's `<!--` starts its escaped text, where `<script>` starts a double-escaped stretch that a
	// `</script>` only ends (back to escaped) and `-->` leaves: no script text may be taken for a link.
	it.each([
		[`<script>a="<!--<script>";b="</script>";c='<a href="/p?gclid=x">'</script>`],
		[`<script><!--<script></script>c='<a href="/p?gclid=x">'--></script>`],
		[`<script><!--<SCRIPT\t></script>c='<a href="/p?gclid=x">'</script>`],
		[`<script><!--<script/></script >c='<a href="/p?gclid=x">'</script>`],
		[`<script><!--<script>--><!--<script></script><a href="/p?gclid=x"></script>`],
		[`<script><!--<script>c='<a href="/p?gclid=x">'`],
	])("keeps the script of %s whole", (page) => {
		const link = '<a href="/q?gclid=y">';
		expect(stripped(page + link)).toBe(page + (page.endsWith("</script>") ? '<a href="/q">' : link));
	});

	it.each([
		['<script><!-- </script><a href="/q?gclid=y">', '<script><!-- </script><a href="/q">'],
		['<script><!--<scripts></script><a href="/q?gclid=y">', '<script><!--<scripts></script><a href="/q">'],
		[
			'<script><!--<script>--></script><a href="/q?gclid=y">',
			'<script><!--<script>--></script><a href="/q">',
		],
		[
			'<script><!--<script>---></script><a href="/q?gclid=y">',
			'<script><!--<script>---></script><a href="/q">',
		],
		['<script><!-<script></script><a href="/q?gclid=y">', '<script><!-<script></script><a href="/q">'],
		['<script><!--></script><a href="/q?gclid=y">', '<script><!--></script><a href="/q">'],
	])("ends the script of %s at its end tag", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});

	// SVG and MathML (foreign content) are tags all through: their `<style>`, `<script>`, `<title>` and
	// `<textarea>` hold elements, a CDATA section holds text, until the browser leaves them (an end tag,
	// an HTML element that breaks out, an integration point's HTML children), each checked in Chromium.
	const LINK = '<a href="/p?gclid=x">';
	const CLEAN = '<a href="/p">';
	const SCRIPT = `<script>s='${LINK}'</script>`;
	it.each([
		["<svg><style>", "</style></svg>"],
		["<svg><script>", "</script></svg>"],
		["<svg><title>", "</title></svg>"],
		["<svg><textarea>", "</textarea></svg>"],
		["<math><style>", "</style></math>"],
		["<svg><font><script>", "</script></svg>"],
		["<math><annotation-xml><svg><style>", "</style></svg></annotation-xml></math>"],
		["<svg><foreignObject><p><p></p></foreignObject><script>", "</script></svg>"],
		["<svg><![CDATA[ x ]]><script>", "</script></svg>"],
		["<svg><desc></div></desc><script>", "</script></svg>"],
	])("strips a link in %s…%s, where tags are tags", (before, after) => {
		expect(stripped(before + LINK + after)).toBe(before + CLEAN + after);
	});

	it.each([
		[`<svg><foreignObject>${SCRIPT}`],
		[`<svg><![CDATA[ > ${LINK} ]]></svg>`],
		[`<svg><desc><![CDATA[ > ${LINK} ]]></desc></svg>`],
		[`<svg><script><!--<script></script>${LINK}--></script>`],
	])("leaves the text of %s as written", (page) => {
		expect(stripped(page)).toBe(page);
	});

	it.each([
		["<svg></svg>"],
		["<svg/>"],
		["<svg><g><p>"],
		["<svg><font color=red>"],
		["<svg><g></p>"],
		["<div><svg><g></div>"],
		["<svg><foreignObject>"],
		["<svg><foreignObject><div>"],
		["<math><mi>"],
		['<math><annotation-xml encoding="Text/HTML">'],
		["<svg><foreignObject><span><div></span></foreignObject>"],
		["<svg><foreignObject><td><span></td></foreignObject>"],
	])("keeps an HTML script's text after %s", (before) => {
		expect(stripped(before + SCRIPT + LINK)).toBe(before + SCRIPT + CLEAN);
	});

	// An end tag in SVG that names no SVG element open is read by the HTML rules against the HTML
	// elements below the SVG: it closes the SVG only if it closes one of them (Chromium keeps the SVG
	// open otherwise). The scanner took any such end tag for the SVG's end.
	const CDATA = `<![CDATA[ </style><a href="/p?gclid=x"> ]]>`;
	it.each([
		["<svg></span><style>", "</style></svg>"],
		["<svg></div><script>", "</script></svg>"],
		["<svg><g></x><title>", "</title></svg>"],
		["<span><div><svg></span><style>", "</style></svg>"],
		["<ul><li><svg></ul><p><svg></li><style>", "</style></svg>"],
		["<svg><title></p></title><style>", "</style></svg>"],
	])("keeps SVG open after an end tag closing nothing: %s…%s", (before, after) => {
		expect(stripped(before + LINK + after)).toBe(before + CLEAN + after);
		expect(stripped(`${before}${CDATA}${after}`)).toBe(`${before}${CDATA}${after}`);
	});

	// Chromium gives an end tag read in SVG its SVG name (`</clipPath>`): it then names no HTML element.
	it.each([
		["<div><foreignObject><svg><g></foreignObject><style>", "</style></svg>"],
		["<div><clippath><svg></clipPath><style>", "</style></svg>"],
		["<div><textpath><svg><g></TEXTPATH><style>", "</style></svg>"],
	])("keeps SVG open after an SVG-cased end tag naming an HTML element: %s…%s", (before, after) => {
		expect(stripped(before + LINK + after)).toBe(before + CLEAN + after);
		expect(stripped(`${before}${CDATA}${after}`)).toBe(`${before}${CDATA}${after}`);
	});

	it.each([
		["<div><svg><g></div>"],
		["<span><svg></span>"],
		["<b><svg><g></b>"],
		["<div><p><svg></div>"],
		["<h2><svg></h1>"],
	])("closes SVG with the HTML element an end tag closes: %s", (before) => {
		expect(stripped(before + SCRIPT + LINK)).toBe(before + SCRIPT + CLEAN);
	});

	// Inside an integration point, its HTML elements are closed as the tree builder closes them (a
	// `<p>` by a `<div>`, an `<li>` by the next, an end tag past a `<p>`), so the point's own end tag
	// is seen to close it.
	it.each([
		["<svg><foreignObject><div><p></div></foreignObject><style>", "</style></svg>"],
		["<svg><foreignObject><li><div><li></li></foreignObject><style>", "</style></svg>"],
		["<svg><foreignObject><p><svg><div></div></foreignObject><style>", "</style></svg>"],
		["<math><mi><p><h1></h1></mi><style>", "</style></math>"],
		['<math><annotation-xml encoding="text/html"><dd><dt></dt></annotation-xml><style>', "</style></math>"],
	])("strips a link in %s…%s once the integration point is closed", (before, after) => {
		expect(stripped(before + LINK + after)).toBe(before + CLEAN + after);
		expect(stripped(`${before}${CDATA}${after}`)).toBe(`${before}${CDATA}${after}`);
	});

	// A formatting element closed other than by its end tag is reopened by the browser at the next HTML
	// text or start tag (`<p><b>x</p>y` holds two `<b>`): an SVG in it is closed by `</b>`, an
	// integration point's HTML is not all closed.
	it.each([
		[`<p><b>x</p>x<svg></b>${SCRIPT}`],
		[`<p><i>x</p><span><svg></i>${SCRIPT}`],
		[`<object><p><b>x</p>y<svg></b>${SCRIPT}`],
		[`<table><td><p><b>x</p>y<svg></b>${SCRIPT}`],
		[`<svg><foreignObject><p><b>x</p>y</foreignObject><style>${LINK}</style>`],
		[`<svg><desc><div><u></div>\n</desc><style>${LINK}</style>`],
		[`<svg><desc><div><u></div></br></desc><style>${LINK}</style>`],
	])("keeps the text of %s, with the formatting element reopened", (page) => {
		expect(stripped(page + LINK)).toBe(page + CLEAN);
	});

	// A table's end tags close its open cell or row (with an SVG in it, past an integration point too),
	// and the formatting elements of a cell closed are not reopened; with no cell open, `</td>` closes
	// nothing.
	it.each([
		[`<table><svg></td><style>`, `</style></svg>`],
		[`<table><svg></tr></tbody><style>`, `</style></svg>`],
		[`<table><td><svg><g></td></tr><svg></tr><style>`, `</style></svg>`],
		[`<table><td><svg><foreignObject><div></td><svg><style>`, `</style></svg>`],
		[`<table><td><p><b>x<td>y<svg></b><style>`, `</style></svg>`],
	])("follows a table's cells: %s…%s", (before, after) => {
		expect(stripped(before + LINK + after)).toBe(before + CLEAN + after);
	});
	it("keeps an HTML script after a cell's end closed the SVG in it", () => {
		const page = `<table><td><svg><g></td>${SCRIPT}`;
		expect(stripped(page + LINK)).toBe(page + CLEAN);
	});

	// Where a decision hangs on what is not modelled (the adoption agency with four elements between),
	// nothing after is altered.
	it.each([[`<b><span><span><span><span><div><svg></b><style>${LINK}</style>${LINK}`]])(
		"alters nothing after a decision it cannot take: %s",
		(page) => {
			expect(stripped(LINK + page)).toBe(CLEAN + page);
		},
	);

	// The adoption agency (checked in Chromium): a formatting element closed with a special element
	// above it trades places with it, again up to 8 times, then everything above it is closed, an SVG
	// too; a second `<a>` runs it for the first, then opens.
	it.each([
		[`<a><div><svg><g></a><style>${LINK}</style>`, `${LINK}</svg>`],
		[`<b><p><svg></b><script>${LINK}</script>`, `${LINK}</svg>`],
		[`<b><div><p><svg></b><style>${LINK}</style>`, `${LINK}`],
		[`<a><b><i><div><svg></a><style>${LINK}</style>`, `${LINK}`],
		[`<a><div><svg></svg><a><svg></a><style>${LINK}</style>`, `${LINK}`],
		[`<a>x<h1><b><a><svg></b><script>${LINK}</script>`, `${LINK}`],
		[`<nobr><div><nobr><svg></nobr><style>${LINK}</style>`, `${LINK}`],
		[`<b><button><dt><svg></b><style>${LINK}</style>`, `${LINK}`],
		// An element between that is not a formatting one is removed from the stack.
		[`<b><span><div><svg></b><style>${LINK}</style>`, `${LINK}`],
		[`<a><i><span><div><svg></a><style>${LINK}</style>`, `${LINK}`],
		[`<section><b><span><div></b></div><svg></span><style>`, `${LINK}</style>`],
	])("follows the adoption agency: %s…%s", (before, after) => {
		expect(stripped(before + LINK + after)).toBe(before + CLEAN + after.replace(LINK, CLEAN));
	});

	// A second `<a>` with the first after the list's last marker (checked in Chromium): out of scope (past
	// a table or an integration point) the first is removed from the stack where it is; before a marker
	// (an object's, a cell's) it stays open.
	it.each([
		[`<a><span><table><a></a></table><svg></a><style>${LINK}</style>`, `<style>${CLEAN}</style>`],
		[`<a><svg><desc><a></a></desc></svg><svg></a><style>${LINK}</style>`, `<style>${CLEAN}</style>`],
		[`<a><object><a></object><svg></a><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
		[`<a><table><td><a><svg></a><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
		[`<a><table><a><svg></a><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
	])("follows a second link: %s", (page, expectedEnd) => {
		const cut = page.indexOf("<style>");
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});

	// A formatting element closed other than by its end tag stays in the list after those open of its
	// name (each tag that opens one reopens those closed first): the adoption agency for that name, an
	// end tag's or a second `<a>`'s, finds it last and only drops it (checked in Chromium).
	it.each([
		[`<b><div><b></div></b><svg></b><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
		[`<a><table><td><p><a></p><a><svg></a><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
	])("drops a closed formatting element with one of its name open: %s", (page, expectedEnd) => {
		const cut = page.indexOf("<style>");
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});

	// The list's cap of three alike: a fourth formatting element of the same name and attributes drops
	// the earliest from the list; open, it is then closed by its end tag as any element, which a `<div>`
	// above it stops (checked in Chromium). Other attributes are not alike.
	it.each([
		[
			`<b><b><b><b></b></b></b><div><svg></b><style>${LINK}</style>${LINK}`,
			`<style>${CLEAN}</style>${CLEAN}`,
		],
		[
			`<b><b><b><div></div><b></b></b></b><div><svg></b><style>${LINK}</style>${LINK}`,
			`<style>${CLEAN}</style>${CLEAN}`,
		],
		[
			`<font><font color=red><font><font><font></font></font></font><div><svg></font><style>${LINK}</style>${LINK}`,
			`<style>${LINK}</style>${CLEAN}`,
		],
		[`<p><b><b><b></p><b><div><svg></b><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
	])("keeps three alike in the formatting list: %s", (page, expectedEnd) => {
		const cut = page.indexOf("<style>");
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});

	// A `<nobr>` start tag: the browser first reopens those closed, a `<nobr>` among them, which the
	// adoption agency closes again (one dropped, not two); one open out of scope (past a table, a
	// template, a cell, an integration point) is left open (checked in Chromium).
	it.each([
		[
			`<div><nobr><table><nobr></table></div><nobr></nobr><p><svg></nobr><style>${LINK}</style>${LINK}`,
			`<style>${LINK}</style>${CLEAN}`,
		],
		[
			`<div><nobr><table><nobr></table></div><nobr></nobr></nobr><div><svg></nobr><style>${LINK}</style>${LINK}`,
			`<style>${CLEAN}</style>${CLEAN}`,
		],
		[
			`<nobr><template><nobr><svg></nobr><style>${LINK}</style>${LINK}</template>`,
			`<style>${LINK}</style>${CLEAN}</template>`,
		],
		[`<nobr><svg><desc><nobr><svg></nobr><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
		[`<nobr><table><td><nobr><svg></nobr><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
		[
			`<nobr><table><nobr></table><nobr><svg></nobr></nobr><style>${LINK}</style>${LINK}`,
			`<style>${LINK}</style>${CLEAN}`,
		],
		[
			`<nobr><p><nobr><table><nobr></table></p><nobr><svg></nobr><style>${LINK}</style>${LINK}`,
			`<style>${LINK}</style>${CLEAN}`,
		],
	])("follows a nobr start tag: %s", (page, expectedEnd) => {
		const cut = page.indexOf("<style>");
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});

	// A template's contents are read as a body's with its own scopes (checked in Chromium): a table's
	// end tags outside it do not reach in, `</template>` closes all above it, and the formatting
	// elements closed before it are behind its marker (closed inside it, reopened there alone).
	it.each([
		[
			`${LINK}<template><svg></template>${SCRIPT}${LINK}`,
			`${CLEAN}<template><svg></template>${SCRIPT}${CLEAN}`,
		],
		[
			`<table><td><template><svg></td><style>${LINK}</style></svg></template></table>`,
			`<table><td><template><svg></td><style>${CLEAN}</style></svg></template></table>`,
		],
		[
			`${LINK}<template><p><b>x</p>y<svg></b>${SCRIPT}${LINK}`,
			`${CLEAN}<template><p><b>x</p>y<svg></b>${SCRIPT}${CLEAN}`,
		],
		[
			`<p><b>x</p><template>y<svg></b><style>${LINK}</style></svg></template>`,
			`<p><b>x</p><template>y<svg></b><style>${CLEAN}</style></svg></template>`,
		],
		[
			`<form><template><form><svg></form>${SCRIPT}${LINK}</template>`,
			`<form><template><form><svg></form>${SCRIPT}${CLEAN}</template>`,
		],
	])("follows a template: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});
	// A template whose first tag is a table's body, row or section part is read as a table: its cells'
	// and rows' end tags close what is in them, `<table>` out of a cell, `</table>` and a section's end
	// tag with none open are ignored, `<tbody>` closes a row open (checked in Chromium).
	it.each([
		[
			`<template><tr><td><svg></td><style>${LINK}</style></template>${LINK}`,
			`${LINK}</style></template>${CLEAN}`,
		],
		[
			`<template><tr><svg></tr><style>${LINK}</style></template>${LINK}`,
			`${LINK}</style></template>${CLEAN}`,
		],
		[
			`<template><tr><svg><table><style>${LINK}</style>${LINK}</template>`,
			`${LINK}</style>${CLEAN}</template>`,
		],
		[
			`<template><tbody><td><svg></tr><style>${LINK}</style></template>${LINK}`,
			`${LINK}</style></template>${CLEAN}`,
		],
		[
			`<template><tr><td><svg></table><style>${LINK}</style></svg></template>`,
			`${CLEAN}</style></svg></template>`,
		],
		[
			`<template><tr><td><svg></tbody><style>${LINK}</style></svg></template>`,
			`${CLEAN}</style></svg></template>`,
		],
		[
			`<template><tr><td><svg><g></g><tbody><svg></tr><script>${LINK}</script>${LINK}`,
			`${LINK}</script>${CLEAN}`,
		],
		[`<template><tr><svg></table><script>${LINK}</script>${LINK}`, `${LINK}</script>${CLEAN}`],
		[`<template><tbody><svg></table><script>${LINK}</script>${LINK}`, `${LINK}</script>${CLEAN}`],
		// In a table out of a cell a `<form>` opens nothing (ignored in a template, else closed at once).
		[`<template><tr><span><form><svg></span><style>${LINK}</style>${LINK}`, `${LINK}</style>${CLEAN}`],
		[`<table><span><form><svg></span><style>${LINK}</style>${LINK}`, `${LINK}</style>${CLEAN}`],
	])("follows a template read as a table: %s", (page, expectedEnd) => {
		const cut = page.indexOf(LINK);
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});
	// Chromium reads a `<select>`'s contents as a body's: `</select>`, `<select>` and `<input>` close the
	// select in scope with all above it (an SVG too), `<option>`, `<optgroup>` and `<hr>` close options.
	it.each([
		[`${LINK}<select><svg></select>${SCRIPT}${LINK}`, `${CLEAN}<select><svg></select>${SCRIPT}${CLEAN}`],
		[
			`${LINK}<p><select><option><svg><option></select>${SCRIPT}${LINK}`,
			`${CLEAN}<p><select><option><svg><option></select>${SCRIPT}${CLEAN}`,
		],
		[
			`${LINK}<select><b><input><svg></b>${SCRIPT}${LINK}`,
			`${CLEAN}<select><b><input><svg></b>${SCRIPT}${CLEAN}`,
		],
		[
			`${LINK}<select><optgroup><option><p><optgroup><svg></optgroup>${SCRIPT}${LINK}`,
			`${CLEAN}<select><optgroup><option><p><optgroup><svg></optgroup>${SCRIPT}${CLEAN}`,
		],
	])("follows a select: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});
	// Chromium reads an `<svg>` in a select as SVG; another browser's select mode drops the tag, and a
	// `<script>` or `<style>` there holds raw text: what follows is left as written.
	it.each([
		[`<select><svg><script>${LINK}</script></svg></select>${LINK}`],
		[`<select><option><math><style>${LINK}</style></math></select>${LINK}`],
		[`<select><svg><![CDATA[x]]>${LINK}`],
		[`<select><object><svg></select><style>${LINK}</style></svg>`],
		[`<select><svg><foreignObject><svg><title>${LINK}</title>`],
	])("alters nothing after a script, style or CDATA in an SVG in a select: %s", (page) => {
		expect(stripped(page)).toBe(page);
	});
	// A formatting element foster-parented in a table (no cell open) has no cell's marker: closed by
	// the table's end, it is reopened after (checked in Chromium); one in a cell is forgotten.
	it.each([
		[`<table><b></table>x<svg></b><style>${LINK}</style>`],
		[`<table><b><td>x</table>y<svg></b><style>${LINK}</style>`],
	])("reopens a formatting element foster-parented in a table: %s", (page) => {
		expect(stripped(page)).toBe(page);
	});
	// There a start tag reopens it as text does (only text of spaces, or a hidden input, would not).
	it.each([
		[`<table><b><tr><svg></b><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
		[`<table><i><td></td><math></i><style>${LINK}</style>${LINK}`, `<style>${LINK}</style>${CLEAN}`],
	])("reopens a formatting element foster-parented in a table at a start tag: %s", (page, expectedEnd) => {
		const cut = page.indexOf("<style>");
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});
	it("forgets a formatting element closed with its cell", () => {
		const page = `<table><td><b></table>x<svg></b><style>${LINK}</style>`;
		expect(stripped(page)).toBe(page.replace(LINK, CLEAN));
	});
	// A `<table>` in a table's cell is a table in it; out of a cell it ends that table first.
	it.each([
		[
			`${LINK}<table><td><table><td><svg></td>${SCRIPT}${LINK}`,
			`${CLEAN}<table><td><table><td><svg></td>${SCRIPT}${CLEAN}`,
		],
		[
			`${LINK}<table><tr><table><svg></td><style>${LINK}</style></svg>${LINK}`,
			`${CLEAN}<table><tr><table><svg></td><style>${CLEAN}</style></svg>${CLEAN}`,
		],
	])("follows a table in a table: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});
	// `</th>` with a `<td>` open, `</tbody>` with a `<thead>` open name nothing in table scope: ignored.
	it.each([
		[`<table><td><a></th><math></a>${SCRIPT}${LINK}`, `<table><td><a></th><math></a>${SCRIPT}${CLEAN}`],
		[
			`<table><thead><tr><td><svg></tbody><style>${LINK}</style></svg>`,
			`<table><thead><tr><td><svg></tbody><style>${CLEAN}</style></svg>`,
		],
		[
			`<table><th><svg></td><style>${LINK}</style></svg>`,
			`<table><th><svg></td><style>${CLEAN}</style></svg>`,
		],
	])("ignores a table's end tag naming a part not open: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});
	it("does not reopen after an object's end what was closed inside it", () => {
		// Its end clears the formatting list to its marker: the SVG stays open, its style holds text.
		const page = `<object><b></object>x<svg></b><style><![CDATA[</style>${LINK}]]></style></svg>`;
		expect(stripped(page)).toBe(page);
	});
	// A caption is read as a cell is, its contents as a body's, closed by `</caption>`, `</table>` or a
	// table's part (`</tr>` there is ignored); a column group or `<col>` closes all open in the table
	// (checked in Chromium), in a template whose first tag is one of them too.
	it.each([
		[`<table><caption><svg></caption><style>${LINK}</style>${LINK}`, `${LINK}</style>${CLEAN}`],
		[`<table><caption><svg></tr><style>${LINK}</style>`, `${CLEAN}</style>`],
		[`<table><caption><svg><desc><td><style>${LINK}</style>${LINK}`, `${LINK}</style>${CLEAN}`],
		[`<table><caption><b></caption><svg></b><style>${LINK}</style>`, `${CLEAN}</style>`],
		[`<table><td><svg><desc><col><style>${LINK}</style>${LINK}`, `${LINK}</style>${CLEAN}`],
		[`<table><colgroup><svg><style>${LINK}</style>`, `${CLEAN}</style>`],
		[`<template><caption><svg></caption>${SCRIPT}${LINK}`, `${LINK}'</script>${CLEAN}`],
		[`<template><colgroup><col><svg></table><style>${LINK}</style>`, `${CLEAN}</style>`],
	])("follows a caption or column group: %s", (page, expectedEnd) => {
		const cut = page.indexOf(LINK);
		expect(stripped(page)).toBe(page.slice(0, cut) + expectedEnd);
	});
	// A template whose first tag is a cell is read as a row (checked in Chromium): `<tr>`, `</tr>`,
	// `</table>` and a section's tags name nothing in table scope (a cell's close it first).
	it.each([
		[
			`<template><td><svg></tr>${SCRIPT}${LINK}`,
			`<template><td><svg></tr><script>s='${CLEAN}'</script>${CLEAN}`,
		],
		[
			`<template><td><svg></td><style>${LINK}</style></template>${LINK}`,
			`<template><td><svg></td><style>${LINK}</style></template>${CLEAN}`,
		],
		[
			`<template><th><svg></table><style>${LINK}</style></svg></template>`,
			`<template><th><svg></table><style>${CLEAN}</style></svg></template>`,
		],
		[
			`<template><td><svg><desc><tr><style>${LINK}</style>${LINK}`,
			`<template><td><svg><desc><tr><style>${LINK}</style>${CLEAN}`,
		],
		[
			`<template><td></td><tbody><td><svg></tbody><style>${LINK}</style>`,
			`<template><td></td><tbody><td><svg></tbody><style>${CLEAN}</style>`,
		],
	])("follows a template read as a row: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});
	// A template whose first tag is a `<col>` is read as a column group, which drops every tag but
	// `<col>` and a template's (checked in Chromium): a `<title>` or `<script>` there holds no text.
	it.each([
		[
			`<template><col><title></template><script>s='</title>${LINK}'</script>${LINK}`,
			`<template><col><title></template><script>s='</title>${LINK}'</script>${CLEAN}`,
		],
		[
			`<template><col><script></template><style>${LINK}</style>${LINK}`,
			`<template><col><script></template><style>${LINK}</style>${CLEAN}`,
		],
		[
			`<template><col><template><svg></template><title></template><style>${LINK}</style>${LINK}`,
			`<template><col><template><svg></template><title></template><style>${LINK}</style>${CLEAN}`,
		],
	])("follows a template read as a column group: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});

	// A raw text element's end tag closes it (the scanner skipped its text), never an SVG element of its
	// name below: `<svg><title><title></title>` leaves the SVG title open (checked in Chromium).
	it.each([
		[`<svg><title><title></title>${SCRIPT}${LINK}`, `<svg><title><title></title>${SCRIPT}${CLEAN}`],
		[
			`<svg><script><desc><script></script><style>${LINK}</style>`,
			`<svg><script><desc><script></script><style>${LINK}</style>`,
		],
	])("reads a raw text element's end tag as its own: %s", (page, expected) => {
		expect(stripped(page)).toBe(expected);
	});

	it("reads a CDATA section as a bogus comment in HTML, even inside an integration point", () => {
		const page = `<svg><foreignObject><div><![CDATA[ > ${LINK} ]]></div></foreignObject></svg><![CDATA[ > ${LINK}`;
		expect(stripped(page)).toBe(page.replaceAll(LINK, CLEAN));
	});

	it("returns the very buffer when no link changes", () => {
		const bytes = new TextEncoder().encode('<a href="/p?page=2">').buffer as ArrayBuffer;
		expect(lockedPageLinks(bytes, HTML, STRIP)).toBe(bytes);
	});

	it("leaves a page in a charset whose bytes can hide a tag (ISO-2022-JP, UTF-16) alone", () => {
		const page = '<a href="/p?gclid=x">';
		expect(stripped(page, "text/html; charset=ISO-2022-JP")).toBe(page);
		expect(stripped(`<meta charset="iso-2022-jp">${page}`, "text/html")).toBe(
			`<meta charset="iso-2022-jp">${page}`,
		);
		// With a byte order mark, as UTF-16LE: `<` and `a` are each followed by a zero byte.
		const utf16 = Uint8Array.from([0xff, 0xfe, ...[...page].flatMap((c) => [c.charCodeAt(0), 0])]);
		expect(lockedPageLinks(utf16.buffer as ArrayBuffer, "text/html", STRIP)).toBe(utf16.buffer);
		const bytes = new TextEncoder().encode(page).buffer as ArrayBuffer;
		expect(lockedPageLinks(bytes, "text/html; charset=UTF-16LE", STRIP)).toBe(bytes);
	});

	it("keeps a Shift_JIS page's bytes, stripping its links", () => {
		// 表 is 0x95 0x5c in Shift_JIS: a trail byte that is ASCII.
		const bytes = Uint8Array.from([
			...new TextEncoder().encode('<a href="/p?q='),
			0x95,
			0x5c,
			...new TextEncoder().encode('&amp;gclid=x">'),
			0x95,
			0x5c,
		]);
		const out = new Uint8Array(
			lockedPageLinks(bytes.buffer as ArrayBuffer, "text/html; charset=Shift_JIS", STRIP),
		);
		expect([...out]).toEqual([
			...new TextEncoder().encode('<a href="/p?q='),
			0x95,
			0x5c,
			0x22,
			0x3e,
			0x95,
			0x5c,
		]);
	});

	const HOSTILE: Record<string, (size: number) => string> = {
		"unclosed tags": (size) => grown(size, "<a "),
		"attributes without end": (size) => grown(size, 'x=" ', "<a "),
		"an unclosed comment of dashes": (size) => grown(size, "-", "<!--"),
		"a script of near end tags": (size) => grown(size, "</scrip<", "<script>"),
		"a script of escape openings": (size) => grown(size, "<!--<script>", "<script>"),
		"a script of double escapes and near ends": (size) =>
			grown(size, "<script></scrip--<!-<scrip", "<script><!--"),
		"nested foreign content": (size) => grown(size, "<svg><foreignObject><div>"),
		"unmatched end tags in SVG": (size) => grown(size, "<g></x>", "<svg><foreignObject><svg>"),
		"end tags past a special element": (size) => grown(size, "<span></b>", "<svg><foreignObject><b><div>"),
		"foreign elements broken out of": (size) => grown(size, "<svg><g><p>"),
		"an unclosed CDATA section": (size) => grown(size, "]]", "<svg><![CDATA["),
		"unmatched end tags inside SVG": (size) => grown(size, "</div></span></b></li></h1>", "<svg>"),
		"unmatched end tags above deep HTML": (size) => grown(size, "<span><svg></div></b></h2>"),
		"list items and paragraphs closing each other": (size) =>
			grown(size, "<li><div><p><h1><li><dd><dt><p>", "<svg><foreignObject>"),
		"links and tables reopened": (size) => grown(size, "<a><nobr><table><td><a><nobr></td>"),
		"table cells closing SVG": (size) => grown(size, "<td><b><svg><desc><i></td><tr><svg></th>", "<table>"),
		"formatting elements closed and reopened": (size) =>
			grown(size, "<p><b><i><u></p>x<s></u>", "<svg><desc>"),
		"end tags past a special element to the root": (size) => grown(size, "<div></x></span></a>", "<b><i>"),
		"nested templates": (size) => grown(size, "<template>"),
		"templates closing SVG and reopening": (size) =>
			grown(size, "<template><p><b>x</p>y<svg></template><i></p>"),
		"templates in table cells": (size) =>
			grown(size, "<table><td><template><svg></td><form></form></template>"),
		"nested selects": (size) => grown(size, "<object><select><optgroup><option><p>"),
		"selects closed by inputs": (size) => grown(size, "<select><b><div><option><svg><input>", "<span>"),
		"formatting fostered in tables and reopened": (size) =>
			grown(size, "<table><b><i><td>x</table>y<p><s>x</p>"),
		"tables in cells": (size) => grown(size, "<table><td><svg><desc><table><tr>"),
		"tables ending tables": (size) => grown(size, "<table><tr><b><table><svg></td>"),
		"links adopted past blocks": (size) => grown(size, "<a><div>"),
		"formatting elements adopted past paragraphs": (size) => grown(size, "<b><p><i><h1></b><svg>"),
		"end tags adopting past deep blocks": (size) =>
			grown(size / 2, "<div>", "<b><i><s>") + grown(size / 2, "</b></i></s>"),
		"links adopted with formatting between": (size) => grown(size, "<a><b><i><u><div><a><svg></a>"),
		"templates read as tables, nested in cells": (size) => grown(size, "<template><tr><td><svg><desc><b>"),
		"templates read as tables, rows closed": (size) =>
			grown(size, "<template><tr><i><svg></table><form><tbody>"),
		"templates read as rows, cells closed by rows": (size) =>
			grown(size, "<template><td><svg><desc><b><tr></table><th><i></td>"),
		"templates read as column groups, nested": (size) =>
			grown(size, "<template><col><script><svg><b></b><template><td><title>"),
		"links removed out of scope": (size) => grown(size, "<a><svg><desc><a><span><svg><foreignObject><a>"),
		"links before markers": (size) => grown(size, "<a><object><a><table><a><td><a></td></table>"),
		"captions and column groups closing cells": (size) =>
			grown(size, "<caption><svg><desc><b><td><i><col><caption></tr></caption><colgroup>", "<table>"),
		"the adoption agency removing spans": (size) => grown(size, "<b><span><i><div><svg></b></div></span>"),
		"the adoption agency removing spans left open": (size) =>
			grown(size / 2, "<b><span><div></b>") + grown(size / 2, "</span><span>"),
		"formatting elements past the list's cap of three alike": (size) =>
			grown(size, "<font color=red><b><font><b class=x><font color=red><div></b>", "<svg><desc>"),
		"formatting elements alike under others": (size) =>
			grown(size / 2, "<i class=x>") + grown(size / 2, "<i>"),
		"links to strip": (size) => grown(size, '<a href="/p?gclid=x&amp;b=2">'),
		"an unclosed href": (size) => grown(size, "?&amp;", '<a href="'),
	};
	for (const [name, input] of Object.entries(HOSTILE)) {
		it(`${name}: linear`, async () => {
			await expectLinearCost(name, input, (page) =>
				lockedPageLinks(new TextEncoder().encode(page).buffer as ArrayBuffer, HTML, STRIP),
			);
		});
	}
});
