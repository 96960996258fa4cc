/**
 * The locked-down page's link scanner against Chromium's own parser: each page is loaded as the origin
 * wrote it and as the scanner left it, running no script (as under the lock-down policy, so the DOM is
 * the parser's alone), and compared: every script's and style's text must come out the same; the links
 * are listed with their namespace.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockedPageLinks } from "../../workers/guard/locked-page-links";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";

warnIfNoChromium("locked page links");

const ORIGIN = "https://shop.example";

/**
 * What a page parses to: its links (namespace, name, `href`, `xlink:href`), its scripts' and styles'
 * text, and all its text (templates' contents too).
 */
interface Parsed {
	readonly links: string[];
	readonly texts: string[];
	readonly text: string | null;
}

describe.skipIf(!hasChromium)("a locked-down page's links, as Chromium parses the page", () => {
	let browser: Browser;
	let context: BrowserContext;
	let served = "";

	beforeAll(async () => {
		browser = await launchChromium();
		context = await browser.newContext();
		await context.route(`${ORIGIN}/**`, (route) =>
			route.fulfill({
				contentType: "text/html; charset=utf-8",
				headers: { "Content-Security-Policy": "script-src 'none'" },
				body: served,
			}),
		);
	});
	afterAll(async () => {
		await browser?.close();
	});

	async function parsed(page: string): Promise<Parsed> {
		served = page;
		const tab = await context.newPage();
		try {
			await tab.goto(`${ORIGIN}/`);
			return await tab.evaluate(() => {
				const ns = (el: Element) => (el.namespaceURI ?? "").replace(/.*\//, "");
				// A template's contents are a fragment of their own, which selectors and textContent skip.
				const roots: ParentNode[] = [document];
				for (let i = 0; i < roots.length; i++) {
					for (const template of (roots[i] as ParentNode).querySelectorAll("template"))
						roots.push(template.content);
				}
				const all = (selector: string) => roots.flatMap((root) => [...root.querySelectorAll(selector)]);
				return {
					links: all("a, area").map(
						(el) =>
							`${ns(el)} ${el.localName} ${el.getAttribute("href")} ${el.getAttributeNS("http://www.w3.org/1999/xlink", "href")}`,
					),
					texts: all("script, style").map((el) => `${ns(el)} ${el.localName} ${el.textContent}`),
					text: roots
						.map((root) => (root === document ? document.documentElement : root).textContent)
						.join("|"),
				};
			});
		} finally {
			await tab.close();
		}
	}

	function scanned(page: string): string {
		const bytes = new TextEncoder().encode(page).buffer as ArrayBuffer;
		return new TextDecoder().decode(
			lockedPageLinks(bytes, "text/html; charset=utf-8", { baseHost: "shop.example" }),
		);
	}

	const CASES: [name: string, page: string, links: string[]][] = [
		[
			"a script's escaped text holding `<script>` and `</script>`",
			`<script>a="<!--<script>";b="</script>";c='<a href="/p?gclid=x">'</script><a href="/q?gclid=y">q</a>`,
			["xhtml a /q null"],
		],
		[
			"a double-escaped stretch left by `-->`",
			`<script><!--<script>--><!--<script></script><a href="/p?gclid=x"></script><a href="/q?gclid=y">q</a>`,
			["xhtml a /q null"],
		],
		[
			"an escaped script ended by its end tag",
			`<script><!--<scripts></script><a href="/q?gclid=y">q</a>`,
			["xhtml a /q null"],
		],
		[
			"SVG links by `href` and by `xlink:href`",
			`<svg><a xlink:href="/p?gclid=x&amp;k=1"><text>p</text></a><a href="/q?fbclid=y" xlink:href="/r?gclid=z"></a></svg>`,
			["svg a null /p?k=1", "svg a /q /r"],
		],
		[
			"SVG's style, script and title holding elements",
			'<svg><style><a href="/p?gclid=x">s</a></style><script><a href="/q?gclid=x"></a></script><title><a href="/r?gclid=x"></a></title></svg>',
			["svg a /p null", "svg a /q null", "xhtml a /r null"],
		],
		[
			"a CDATA section: text in SVG, a bogus comment in HTML",
			'<svg><![CDATA[ > <a href="/p?gclid=x"> ]]></svg><![CDATA[ > <a href="/q?gclid=x"> ]]>',
			["xhtml a /q null"],
		],
		[
			"HTML breaking out of SVG, and an end tag closing it",
			`<svg><g><p><script>s='<a href="/p?gclid=x">'</script><div><svg><g></div><script>t='<a href="/q?gclid=x">'</script><a href="/r?gclid=x">`,
			["xhtml a /r null"],
		],
		[
			"an integration point's HTML script, and SVG's after it",
			`<svg><foreignObject><script>s='<a href="/p?gclid=x">'</script></foreignObject><script><a href="/q?gclid=x"></a></script></svg>`,
			["svg a /q null"],
		],
		[
			"MathML: a text integration point's HTML script, and a MathML style",
			`<math><mi><script>s='<a href="/p?gclid=x">'</script></mi><style><a href="/q?gclid=x"></a></style></math>`,
			["MathML a /q null"],
		],
		[
			"an end tag in SVG closing no element kept: the SVG stays open",
			'<svg></span><style><a href="/p?gclid=x"></a><![CDATA[ </style><a href="/q?gclid=x"> ]]></style></svg>' +
				'<span><div><svg></span><title><a href="/r?gclid=x"></a></title></svg></div></span>',
			["svg a /p null", "xhtml a /r null"],
		],
		[
			"an end tag in SVG closing an HTML element below: the SVG closes with it",
			`<div><p><svg><g></div><script>s='<a href="/p?gclid=x">'</script><b><svg></b><style>a{}/*<a href="/q?gclid=x">*/</style><a href="/r?gclid=x">`,
			["xhtml a /r null"],
		],
		[
			"an SVG-cased end tag (`</clipPath>`) in SVG closing no HTML element of its name",
			'<div><foreignObject><svg><g></foreignObject><style><![CDATA[</style><a href="/p?gclid=x">]]></style></svg></div>' +
				'<div><clippath><svg></clipPath><style><a href="/q?gclid=x"></a></style></svg></div>',
			["svg a /q null"],
		],
		[
			"a raw text element's end tag closing it, not an SVG element of its name",
			`<svg><title><title></title><script>s='<a href="/p?gclid=x">'</script><a href="/q?gclid=x"></title></svg>` +
				'<svg><script><desc><script></script><style><a href="/r?gclid=x"></style></desc></script></svg>',
			["xhtml a /q null"],
		],
		[
			"a list's end closes an SVG in its item; a stray item end does not",
			'<ul><li><svg></ul><p><svg></li><style><a href="/p?gclid=x"></a></style></svg>',
			["svg a /p null"],
		],
		[
			"an integration point's HTML closed by implied ends, then the point",
			'<svg><foreignObject><div><p></div></foreignObject><style><a href="/p?gclid=x"></a><![CDATA[</style><a href="/x?gclid=x">]]></style></svg>' +
				'<svg><foreignObject><li><div><li></li></foreignObject><style><a href="/q?gclid=x"></a></style></svg>' +
				'<math><mi><p><h1></h1></mi><style><a href="/r?gclid=x"></a></style></math>' +
				'<math><annotation-xml encoding="text/html"><dd><dt></dt></annotation-xml><style><a href="/s?gclid=x"></a></style></math>',
			["svg a /p null", "svg a /q null", "MathML a /r null", "MathML a /s null"],
		],
		[
			"formatting elements reopened by text: an SVG inside closed by its end tag, a point's HTML kept open",
			`<svg><foreignObject><p><b>x</p>y</foreignObject><style>a{}/*<a href="/p?gclid=x">*/</style><a href="/q?gclid=x"></a></svg>` +
				`<p><i>x</p><span><svg></i><script>s='<a href="/r?gclid=x">'</script><a href="/s?gclid=x">`,
			["xhtml a /q null", "xhtml a /s null"],
		],
		[
			"an end tag `</br>` in an integration point, read as `<br>`, reopening what `</div>` closed",
			`<svg><desc><div><u></div></br></desc><style>a{}/*<a href="/p?gclid=x">*/</style><a href="/q?gclid=x"></a></desc></svg>`,
			["xhtml a /q null"],
		],
		[
			"a table's cell end closing the SVG in it; with no cell open, closing nothing",
			'<table><svg></td><style><a href="/p?gclid=x"></a></style></svg></table>' +
				'<table><td><svg><foreignObject><div></td><svg><style><a href="/q?gclid=x"></a></style></svg></table>' +
				`<table><td><p><b>x<td>y<svg></b><style><a href="/r?gclid=x"></a></style></svg></table>` +
				`<table><td><svg><g></td><script>s='<a href="/s?gclid=x">'</script></table>` +
				'<table><svg></tr></tbody><style><a href="/t?gclid=x"></a></style></svg></table>' +
				'<table><td><svg><g></td></tr><svg></tr><style><a href="/u?gclid=x"></a></style></svg></table>',
			["svg a /p null", "svg a /q null", "svg a /r null", "svg a /t null", "svg a /u null"],
		],
		[
			"formatting elements foster-parented in a table reopened after it; one in a cell forgotten; one reopened in a cell",
			`<table><b></table>x<svg></b><style><a href="/p?gclid=x"></style>` +
				`<table><u><td>x</table>y<svg></u><style><a href="/q?gclid=x"></style>` +
				`<table><td><i></table>x<svg></i><style><a href="/r?gclid=x"></a></style></svg>` +
				`<table><td><p><s>x</p>y<svg></s><script>s='<a href="/s?gclid=x">'</script><a href="/t?gclid=x"></table>`,
			["svg a /r null", "xhtml a /t null"],
		],
		[
			"a table in a table's cell, and a table started out of a cell ending the first",
			`<table><td><table><td><svg></td><script>s='<a href="/p?gclid=x">'</script></table></table>` +
				`<table><tr><table><svg></td><style><a href="/q?gclid=x"></a></style></svg></table>` +
				`<table><td><table><svg></table></td><style><a href="/r?gclid=x"></style></svg></table><a href="/s?gclid=x">`,
			["svg a /q null", "xhtml a /s null"],
		],
		[
			"a cell's or section's end tag naming another kind than the one open, ignored",
			`<table><td><a></th><math></a><script>s='<a href="/p?gclid=x">'</script></table>` +
				`<table><thead><tr><td><svg></tbody><style><a href="/q?gclid=x"></a></style></svg></table>` +
				`<table><th><svg></td><style><a href="/r?gclid=x"></a></style></svg></table>`,
			["xhtml a null null", "svg a /q null", "svg a /r null"],
		],
		[
			"the adoption agency moving a link below two special elements, then closing it with the SVG above",
			`<b><button><dt><svg></b><style>a{}/*<a href="/q?gclid=x">*/</style><a href="/r?gclid=x">`,
			["xhtml a /r null"],
		],
		[
			"the adoption agency moving a link and formatting elements below a block, then closing an SVG",
			`<a><b><i><div><svg><g></a><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a></div>`,
			["xhtml a null null", "xhtml a null null", "xhtml a /q null"],
		],
		[
			"a second `<a>` adopting the first, then a `<b>` reopened and closed with an SVG",
			`<a>x<h1><b><a><svg></b><script>s='<a href="/p?gclid=x">'</script><a href="/q?gclid=x"></a></h1>` +
				`<nobr><div><nobr><svg></nobr><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a></div>`,
			["xhtml a null null", "xhtml a null null", "xhtml a null null", "xhtml a /q null", "xhtml a /s null"],
		],
		[
			"a second `<a>`: the first, out of scope, removed from the stack; before a marker, left open",
			`<a><span><table><a></a></table><svg></a><style><a href="/p?gclid=x"></a></style></svg></span></a>` +
				`<a><svg><desc><a></a></desc></svg><svg></a><style><a href="/q?gclid=x"></a></style></svg></a>` +
				`<a><object><a></object><svg></a><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a>` +
				`<a><table><td><a><svg></a><style><a href="/t?gclid=x"></a></style><a href="/u?gclid=x"></a></table></a>` +
				`<a><table><a><svg></a><style><a href="/v?gclid=x"></a></style><a href="/w?gclid=x"></a></table>`,
			[
				"xhtml a null null",
				"xhtml a null null",
				"svg a /p null",
				"xhtml a null null",
				"xhtml a null null",
				"svg a /q null",
				"xhtml a null null",
				"xhtml a null null",
				"xhtml a /s null",
				"xhtml a null null",
				"xhtml a null null",
				"xhtml a /u null",
				"xhtml a null null",
				"xhtml a null null",
				"xhtml a /w null",
			],
		],
		[
			"captions read as cells, column groups closing what is open in the table, in templates too",
			`<table><caption><svg></caption><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a></table>` +
				`<table><caption><svg></tr><style><a href="/r?gclid=x"></a></style></svg></caption></table>` +
				`<table><caption><svg><desc><td><style><a href="/s?gclid=x"></a></style><a href="/t?gclid=x"></a></table>` +
				`<table><caption><b></caption><svg></b><style><a href="/u?gclid=x"></a></style></svg></table>` +
				`<table><td><svg><desc><col><style><a href="/v?gclid=x"></a></style><a href="/w?gclid=x"></a></table>` +
				`<table><colgroup><svg><style><a href="/x?gclid=x"></a></style></svg></table>` +
				`<template><caption><svg></caption><script>s='<a href="/y?gclid=x">'</script><a href="/z?gclid=x"></a></template>` +
				`<template><colgroup><col><svg></table><style><a href="/o?gclid=x"></a></style></svg></template>`,
			[
				"xhtml a /q null",
				"svg a /r null",
				"xhtml a /t null",
				"svg a /u null",
				"xhtml a /w null",
				"svg a /x null",
				"xhtml a /z null",
				"svg a /o null",
			],
		],
		[
			"the adoption agency removing an element other than a formatting one from the stack",
			`<a href="/p?gclid=x"></a><b><span><div><svg></b><style>a{}/*<a href="/q?gclid=x">*/</style><a href="/r?gclid=x"></a></div>` +
				`<a><i><span><div><svg></a><style><a href="/s?gclid=x"></a></style><a href="/t?gclid=x"></a></div>` +
				`<section><b><span><div></b></div><svg></span><style><a href="/u?gclid=x"></a></style></svg></section>`,
			[
				"xhtml a /p null",
				"xhtml a /r null",
				"xhtml a null null",
				"xhtml a null null",
				"xhtml a /t null",
				"svg a /u null",
			],
		],
		[
			"a formatting element foster-parented in a table, reopened at a start tag out of a cell",
			`<table><b><tr><svg></b><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a></table>` +
				`<table><i><td></td><math></i><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a></table>`,
			["xhtml a /q null", "xhtml a /s null"],
		],
		[
			"a `<form>` in a cell of a template read as a table is opened (`</form>` closes the SVG above); out of a cell it is dropped",
			`<template><tr><td><form><svg></form><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a></template>` +
				`<template><tr><form><svg></form><style><a href="/r?gclid=x"></a></style></svg></template>`,
			["xhtml a /q null", "svg a /r null"],
		],
		[
			"the adoption agency with four elements between, not modelled: nothing after is altered",
			`<a href="/p?gclid=x"></a><b><span><span><span><span><div><svg></b><style>a{}/*<a href="/q?gclid=x">*/</style><a href="/r?gclid=x">`,
			["xhtml a /p null", "xhtml a /r?gclid=x null"],
		],
		[
			"a closed formatting element dropped by its end tag or a second `<a>`, one of its name left open",
			`<b><div><b></div></b><svg></b><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a>` +
				`<a><table><td><p><a></p><a><svg></a><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a>`,
			["xhtml a /q null", "xhtml a null null", "xhtml a null null", "xhtml a null null", "xhtml a /s null"],
		],
		[
			"the formatting list's cap of three alike: the earliest dropped, closed as any element (a `<div>` above stops its end tag); other attributes are not alike",
			`<b><b><b><b></b></b></b><div><svg></b><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a></svg></div>` +
				`<font><font color=red><font><font><font></font></font></font><div><svg></font><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a>`,
			["svg a /p null", "svg a /q null", "xhtml a /s null"],
		],
		[
			"a `<nobr>` start tag: a closed one reopened and closed again (one dropped), one out of scope left open",
			`<div><nobr><table><nobr></table></div><nobr></nobr><p><svg></nobr><style><a href="/p?gclid=x"></a></style><a href="/q?gclid=x"></a></p>` +
				`<div><nobr><table><nobr></table></div><nobr></nobr></nobr><div><svg></nobr><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a></svg></div>` +
				`<nobr><template><nobr><svg></nobr><style><a href="/t?gclid=x"></a></style><a href="/u?gclid=x"></a></template>`,
			["xhtml a /q null", "svg a /r null", "svg a /s null", "xhtml a /u null"],
		],
		[
			"a reopening inside an object, and none after its end of what it closed",
			`<a href="/p?gclid=x"></a><object><p><b>x</p>y<svg></b><script>s='<a href="/q?gclid=x">'</script><a href="/r?gclid=x">` +
				`</object><object><i></object>x<svg></i><style><![CDATA[</style><a href="/s?gclid=x">]]></style></svg>`,
			["xhtml a /p null", "xhtml a /r null"],
		],
		[
			"templates: their own scopes, `</template>` closing all above, formatting behind their marker",
			`<template><svg></template><script>s='<a href="/p?gclid=x">'</script>` +
				`<table><td><template><svg></td><style><a href="/q?gclid=x"></a></style></svg></template></table>` +
				`<template><p><b>x</p>y<svg></b><script>s='<a href="/r?gclid=x">'</script><a href="/s?gclid=x"></template>` +
				`<p><b>x</p><template>y<svg></b><style><a href="/t?gclid=x"></a></style></svg></template>` +
				`<form><template><form><svg></form><script>s='<a href="/u?gclid=x">'</script></template></form><a href="/v?gclid=x">`,
			["xhtml a /v null", "svg a /q null", "xhtml a /s null", "svg a /t null"],
		],
		[
			"selects read as a body (Chromium's parser): closed by `</select>`, `<select>`, `<input>`; options by options; a style in an SVG in one (raw text in another browser) stops the scanner",
			`<select><svg></select><script>s='<a href="/p?gclid=x">'</script>` +
				`<p><select><option><svg><option></select><script>s='<a href="/q?gclid=x">'</script>` +
				`<select><b><input><svg></b><script>s='<a href="/r?gclid=x">'</script>` +
				`<select><optgroup><option><p><optgroup><svg></optgroup><script>s='<a href="/s?gclid=x">'</script></select>` +
				`<select><object><svg></select><style><a href="/t?gclid=x"></a></style></svg></object></select><a href="/u?gclid=x">`,
			["svg a /t?gclid=x null", "xhtml a /u?gclid=x null"],
		],
		[
			"templates read as column groups (a `<col>` first): every tag but `<col>` and a template's dropped",
			`<a href="/p?gclid=x"></a><template><col><title></template><script>s='</title><a href="/q?gclid=x">'</script><a href="/r?gclid=x">` +
				`<template><col><script></template><style><a href="/s?gclid=x"></a></style><a href="/t?gclid=x">` +
				`<template><col><template><svg></template><title></template><style><a href="/u?gclid=x"></a></style><a href="/v?gclid=x">`,
			["xhtml a /p null", "xhtml a /r null", "xhtml a /t null", "xhtml a /v null"],
		],
		[
			"templates read as tables (a row or section first): cells and rows close, `<table>` and `</table>` ignored",
			`<template><tr><td><svg></td><style><a href="/p?gclid=x"></a></style></template>` +
				`<template><tr><svg></tr><style><a href="/q?gclid=x"></a></style></template>` +
				`<template><tr><svg><table><style><a href="/r?gclid=x"></a></style><a href="/s?gclid=x"></a></template>` +
				`<template><tbody><td><svg></tr><style><a href="/t?gclid=x"></a></style></template>` +
				`<template><tr><td><svg></table><style><a href="/u?gclid=x"></a></style></svg></template>` +
				`<template><tr><td><svg></tbody><style><a href="/v?gclid=x"></a></style></svg></template>` +
				`<template><tr><b><tbody><svg><style><a href="/w?gclid=x"></a></style></svg></template><a href="/z?gclid=x">` +
				`<template><tr><span><form><svg></span><style><a href="/x?gclid=x"></a></style></template>` +
				`<table><span><form><svg></span><style><a href="/y?gclid=x"></a></style></table>`,
			["xhtml a /z null", "xhtml a /s null", "svg a /u null", "svg a /v null", "svg a /w null"],
		],
		[
			"templates read as rows (a cell first): `<tr>`, `</tr>`, `</table>`, sections name nothing in table scope",
			`<a href="/p?gclid=x"></a><template><td><svg></tr><script>s='<a href="/q?gclid=x">'</script></template><a href="/r?gclid=x"></a>` +
				`<template><td><svg></td><style><a href="/s?gclid=x"></a></style></template>` +
				`<template><th><svg></table><style><a href="/t?gclid=x"></a></style></svg></template>` +
				`<template><td><svg><desc><tr><style><a href="/u?gclid=x"></a></style><a href="/v?gclid=x"></a></template>` +
				`<template><td></td><tbody><td><svg></tbody><style><a href="/w?gclid=x"></a></style></svg></template>`,
			[
				"xhtml a /p null",
				"xhtml a /r null",
				"svg a /q null",
				"svg a /t null",
				"xhtml a /v null",
				"svg a /w null",
			],
		],
	];

	it("an SVG link without an href is followed to its xlink:href, stripped", async () => {
		served = scanned(
			'<svg width="200" height="50"><a xlink:href="/p?gclid=x&amp;k=1"><text id="t" y="20">go</text></a></svg>',
		);
		const tab = await context.newPage();
		try {
			await tab.goto(`${ORIGIN}/`);
			await Promise.all([tab.waitForURL(`${ORIGIN}/p?k=1`), tab.click("#t")]);
		} finally {
			await tab.close();
		}
	});

	it.each(CASES)("%s", async (_name, page, links) => {
		const before = await parsed(page);
		const after = await parsed(scanned(page));
		expect(after.texts).toEqual(before.texts);
		expect(after.text).toBe(before.text);
		expect(after.links).toEqual(links);
	});
});
