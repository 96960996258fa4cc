/**
 * A tracker's URL spelled as the page's author (or a vendor's snippet) may spell it, against the
 * opted-out page rewrite: whatever the HTML parser decodes (character references, named ones too,
 * numeric ones without their `;`) and the URL parser folds (case, a trailing dot, a port, userinfo,
 * backslashes, tabs and newlines, `http:host` on an https page), the browser requests the tracker,
 * so the rewrite must leave nothing that loads it. Each spelling here was checked in Chromium. And
 * the other way round: first-party URLs that merely hold a tracker's name stay.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CallInit } from "../helpers";
import { fakeOrigin, guardEnv, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const FB = "connect.facebook.net";

/** The body of the page the guard sends an opted-out visitor (or `visitor`) for `body`. */
async function rewritten(
	body: string,
	visitor: CallInit = VISITORS.optedOut,
	env = guardEnv(),
	address = "/",
): Promise<string> {
	fakeOrigin(
		() =>
			new Response(`<html><head></head><body>${body}</body></html>`, {
				headers: { "Content-Type": "text/html; charset=utf-8" },
			}),
	);
	const res = await visit(address, visitor, {}, env);
	const page = await res.text();
	vi.restoreAllMocks();
	return page.slice(page.indexOf("<body>") + 6, page.lastIndexOf("</body>"));
}

/** Image URLs (raw attribute text) that Chromium requests from Meta's host on an https page. */
const TRACKER_SPELLINGS: readonly string[] = [
	`HTTPS://CONNECT.FACEBOOK.NET/tr`,
	`https://${FB}./tr`,
	`https://${FB}:443/tr`,
	`https://a:b@${FB}/tr`,
	`https:\\\\${FB}\\tr`,
	`/\\${FB}/tr`,
	` //${FB}/tr`,
	`//${FB}&#47;tr`,
	// A tab or newline between the slashes, as written or as a reference: the URL parser drops it.
	`/\t/${FB}/tr`,
	`/\n/${FB}/tr`,
	`/&Tab;/${FB}/tr`,
	`/&NewLine;/${FB}/tr`,
	`&Tab;https://${FB}/tr`,
	`https://www.facebook.com&NewLine;/tr`,
	// Slashes, a colon, a dot or a whole letter as named references.
	`&sol;&sol;${FB}/tr`,
	`https:&sol;&sol;${FB}/tr`,
	`HTTPS&colon;&sol;&sol;CONNECT.FACEBOOK.NET/tr`,
	`https://connect&period;facebook.net/tr`,
	`https://${FB}&sol;tr`,
	`https://consent.example&commat;${FB}/tr`,
	`https://face&percnt;62ook.net/tr`,
	`https://&fopf;acebook.net/tr`,
	`https://www.&Fscr;acebook.com/tr`,
	`https://www.faceboo&kfr;.com/tr`,
	// What IDNA drops from a host, as a named reference.
	`https://face&shy;book.net/tr`,
	`https://face&ZeroWidthSpace;book.net/tr`,
	`https://face&NoBreak;book.net/tr`,
	`https://face&InvisibleTimes;book.net/tr`,
	// Numeric references without their `;`, or with many leading zeros.
	`https:&#47&#47${FB}/tr`,
	`https://&#x63onnect.facebook.net/tr`,
	`https://&#0000000099;onnect.facebook.net/tr`,
	// The special scheme's relative form: on an https page `http:host` names the host (an image is
	// then upgraded to https).
	`http:${FB}/tr`,
	`HTTP:${FB}/tr`,
	`http:/${FB}/tr`,
	`http:\\${FB}/tr`,
];

/** First-party or unknown URLs that only hold a tracker's name, and addresses no table names. */
const FIRST_PARTY: readonly string[] = [
	`/${FB}/logo.png`,
	`/img.png?u=https://${FB}`,
	`https://not${FB}.example.com/logo.png`,
	`https://${FB}.example.com/logo.png`,
	`https://1.2.3.4/logo.png`,
	`https://[2001:db8::1]/logo.png`,
	`https://[::1]:8443/logo.png`,
	// The page's own scheme without slashes is a path on the page's host.
	`https:${FB}/logo.png`,
	`https://consent.example\\@${FB}/logo.png`,
	`/a&amp;b/&copy=2.png`,
];

describe("an opted-out visitor's page: a tracker however its URL is spelled", () => {
	it("an image on Meta's host goes, each spelling of its URL", async () => {
		const kept: string[] = [];
		for (const src of TRACKER_SPELLINGS) {
			const body = await rewritten(`<p>${src.length}</p><img src="${src}" alt="">`);
			if (body.includes("<img")) kept.push(src);
		}
		expect(kept).toEqual([]);
	});

	it("on a page served over plain http, https:host names the host and http:host is a path", async () => {
		// The URL parser reads a special scheme other than the page's as absolute (WHATWG URL, Chromium:
		// test/browser/guard-hostile-urls).
		const page = "http://consent.example/";
		for (const src of [
			`https:${FB}/tr`,
			`HTTPS:${FB}/tr`,
			`https:/${FB}/tr`,
			`https:\\${FB}/tr`,
			`https:&sol;${FB}/tr`,
		]) {
			expect({
				src,
				body: await rewritten(`<img src="${src}" alt="">`, VISITORS.optedOut, guardEnv(), page),
			}).toEqual({
				src,
				// A removed image leaves an inert `<area/>` (html-guard.ts, removeImage).
				body: "<area/>",
			});
		}
		const path = `<img src="http:${FB}/logo.png" alt="">`;
		expect(await rewritten(path, VISITORS.optedOut, guardEnv(), page)).toBe(path);
		// The same page over https: the other way round.
		const https = `<img src="https:${FB}/logo.png" alt=""><img src="http:${FB}/tr" alt="">`;
		expect(await rewritten(https)).toBe(`<img src="https:${FB}/logo.png" alt=""><area/>`);
	});

	it("a srcset naming the tracker in a later candidate only, and a picture's source, go", async () => {
		// Whitespace (a tab, a newline, written or referenced) splits a srcset's candidates instead.
		for (const src of TRACKER_SPELLINGS.filter((url) => !/\s|&Tab;|&NewLine;/.test(url))) {
			const body = await rewritten(
				`<img src="/a.png" srcset="/a.png 1x, ${src} 2x" alt="">` +
					`<picture><source srcset="/b.png 1x, ${src} 2x"><img src="/b.png" alt=""></picture>`,
			);
			expect({ src, body }).toEqual({ src, body: `<area/><picture><img src="/b.png" alt=""></picture>` });
		}
	});

	it("an SVG image, a poster, an object, an embed, an image button, hints and a ping keep no such URL", async () => {
		for (const src of [`https:&sol;&sol;${FB}/tr`, `http:${FB}/tr`, `https://face&shy;book.net/tr`]) {
			const body = await rewritten(
				`<svg><image href="${src}"/><image xlink:href="${src}"/></svg><video poster="${src}"></video>` +
					`<object data="${src}"></object><embed src="${src}"><input type="image" src="${src}">` +
					`<link rel="preload" as="image" href="${src}"><link rel="prefetch" href="${src}">` +
					`<link rel="preconnect" href="${src}"><link rel="dns-prefetch" href="${src}">` +
					`<a ping="${src}">x</a>`,
			);
			expect({ src, left: body.match(/\s(?:href|xlink:href|poster|data|src|ping)="/g) }).toEqual({
				src,
				left: null,
			});
		}
	});

	it("a frame's srcdoc naming the tracker through its own character references is gated", async () => {
		const body = await rewritten(
			`<iframe srcdoc="<img src=&quot;https:&amp;#47;&amp;#47;${FB}/tr&quot;>"></iframe>` +
				`<iframe srcdoc="<img src=https:\\\\${FB}\\tr>"></iframe>` +
				`<iframe srcdoc="<img src=http:${FB}/tr>"></iframe>`,
		);
		expect(body.match(/<iframe data-consent="ads" data-srcdoc=/g)?.length).toBe(3);
		expect(body).not.toMatch(/ srcdoc=/);
	});

	it("a frame whose srcdoc is gated does not load its src instead (a srcdoc wins over a src)", async () => {
		const body = await rewritten(
			`<iframe title="ad" src="https://ads.example/x?gclid=1&amp;q=2" srcdoc="<img src=https://${FB}/tr>"></iframe>`,
		);
		expect(body).toBe(
			`<iframe title="ad" data-consent="ads" data-srcdoc="<img src=https://${FB}/tr>" data-src="https://ads.example/x?q=2"></iframe>`,
		);
	});

	it("a noscript pixel whose src follows a slash or a quoted value with no space is cut", async () => {
		const body = await rewritten(
			`<noscript><img/src="https://${FB}/tr"><img alt="x"src="https://${FB}/tr"><p>kept</p></noscript>`,
		);
		expect(body).toBe("<noscript><p>kept</p></noscript>");
	});

	it("a CSS url() written with CSS escapes, in a style attribute or block, becomes none", async () => {
		const body = await rewritten(
			`<div style="background:url(https://connect.facebook\\2e net/tr)"></div>` +
				`<div style="background:url('https://connect\\.facebook.net/tr')"></div>` +
				`<div style="background:url(/\\\\${FB}/tr)"></div>` +
				`<style>p{background:url(https://connect.facebook\\2e net/tr)}</style>`,
		);
		const none = `<div style="background:none"></div>`;
		expect(body).toBe(`${none}${none}${none}<style>p{background:none}</style>`);
		const own = `<div style="background:url(/img/a\\ b.png)"></div><style>p{background:url(/a\\2e png)}</style>`;
		expect(await rewritten(own)).toBe(own);
	});

	it("an image-set() naming the tracker by a string, in a style attribute or block, becomes none", async () => {
		const body = await rewritten(
			`<div style="background:image-set(&quot;/a.png&quot; 1x, &quot;https://${FB}/tr&quot; 2x)"></div>` +
				`<div style="background-image:-webkit-image-set('https:&sol;&sol;${FB}/tr' 1x);color:red"></div>` +
				`<style>p{background:IMAGE-SET("/a.png" 1x, 'https://${FB}/tr' 2x) no-repeat}</style>`,
		);
		expect(body).toBe(
			`<div style="background:none"></div><div style="background-image:none;color:red"></div>` +
				`<style>p{background:none no-repeat}</style>`,
		);
		const own = `<div style="background:image-set('/a.png' 1x, url(/b.png) 2x)"></div>`;
		expect(await rewritten(own)).toBe(own);
	});

	it("url() or image-set() whose name or parentheses are written with escapes or references: none", async () => {
		// Each loads the tracker in Chromium as written (checked): the HTML parser decodes references
		// in the attribute, then CSS reads escapes in names.
		const spellings = [
			`u&#114;l(https://${FB}/tr)`,
			`u&#x72l(https://${FB}/tr)`,
			`\\75 rl(https://${FB}/tr)`,
			`\\75rl(https://${FB}/tr)`,
			`\\000075 rl(https://${FB}/tr)`,
			`\\55 RL(https://${FB}/tr)`,
			`ur\\l(https://${FB}/tr)`,
			`\\75 \\72 \\6c (https://${FB}/tr)`,
			`&#92;75 rl(https://${FB}/tr)`,
			`&bsol;75 rl(https://${FB}/tr)`,
			`\\75&Tab;rl(https://${FB}/tr)`,
			`url&#40;https://${FB}/tr)`,
			`url&lpar;https://${FB}/tr&rpar;`,
			`url(https://${FB}/tr&#41;`,
			`\\69mage-set('https://${FB}/tr' 1x)`,
			`-webkit-image-s\\65t(&quot;https://${FB}/tr&quot; 1x)`,
			`\\2d webkit-image-set('https://${FB}/tr' 1x)`,
			`image-set&#40;'https://${FB}/tr' 1x)`,
		];
		const kept: string[] = [];
		for (const css of spellings) {
			const body = await rewritten(`<div style="background:${css};color:&#114;ed"></div>`);
			if (body !== `<div style="background:none;color:&#114;ed"></div>`) kept.push(`${css} -> ${body}`);
		}
		expect(kept).toEqual([]);
	});

	it("an @import or url() in a style block whose name is written with escapes goes", async () => {
		const blocks: Record<string, string> = {
			[`p{background:\\75 rl(https://${FB}/tr)}`]: "p{background:none}",
			[`p{background:URL(https://${FB}/tr)}`]: "p{background:none}",
			[`p{background:\\69mage-set("https://${FB}/tr" 1x)}`]: "p{background:none}",
			[`@\\69mport "https://${FB}/x.css";p{}`]: "p{}",
			[`@\\69 mport url(https://${FB}/x.css);p{}`]: "p{}",
			[`@IMPORT "https://${FB}/x.css";p{}`]: "p{}",
			[`@impor\\74 "https://${FB}/x.css";p{}`]: "p{}",
			[`@import"https://${FB}/x.css";p{}`]: "p{}",
		};
		const kept: string[] = [];
		for (const [css, left] of Object.entries(blocks)) {
			const body = await rewritten(`<style>${css}</style>`);
			if (body !== `<style>${left}</style>`) kept.push(`${css} -> ${body}`);
		}
		expect(kept).toEqual([]);
	});

	it("a comment between @import and its URL, or in an image-set(), hides no tracker", async () => {
		// Chromium skips comments between tokens (checked): each of these loads the tracker as written.
		const blocks: Record<string, string> = {
			[`@import/**/"https://${FB}/x.css";p{}`]: "p{}",
			[`@import /**/ /**/ 'https://${FB}/x.css';p{}`]: "p{}",
			[`@import/*"*/"https://${FB}/x.css";p{}`]: "p{}",
			[`p{background:image-set(/*"*/"https://${FB}/tr" 1x)}`]: "p{background:none}",
		};
		const kept: string[] = [];
		for (const [css, left] of Object.entries(blocks)) {
			const body = await rewritten(`<style>${css}</style>`);
			if (body !== `<style>${left}</style>`) kept.push(`${css} -> ${body}`);
		}
		const attribute = `<div style="background:image-set(/*'*/'https://${FB}/tr' 1x)"></div>`;
		const body = await rewritten(attribute);
		if (body !== `<div style="background:none"></div>`) kept.push(`${attribute} -> ${body}`);
		expect(kept).toEqual([]);
		const unclosed = `<style>@import/*"https://${FB}/x.css";p{}</style>`;
		expect(await rewritten(unclosed)).toBe(unclosed);
	});

	it("an SVG <style> (its references decoded, as Chromium reads it) loses a denied url() or @import", async () => {
		// Each loads the tracker in Chromium (checked): in SVG a style's text is markup, so references
		// are decoded and a CDATA section is text; its child elements and comments are no part of the sheet.
		const blocks: Record<string, string> = {
			[`#a{background:url(https://${FB}/tr)}`]: "#a{background:none}",
			[`#a{background:u&#114;l(https://${FB}/tr)}`]: "#a{background:none}",
			[`#a{background:url(https://${FB}&#47;tr)}`]: "#a{background:none}",
			[`@import "https://${FB}/x.css";#a{}`]: "#a{}",
			[`<![CDATA[#a{background:url(https://${FB}/tr)}]]>`]: "<![CDATA[]]>#a{background:none}",
			[`#a{background:url(https://${FB}/tr)}<g></g>#b{background:url(https://${FB}/tr)}`]:
				"<g></g>#a{background:none}#b{background:none}",
		};
		const kept: string[] = [];
		for (const [css, left] of Object.entries(blocks)) {
			const body = await rewritten(`<svg><style>${css}</style></svg>`);
			if (body !== `<svg><style>${left}</style></svg>`) kept.push(`${css} -> ${body}`);
		}
		expect(kept).toEqual([]);
		// An allowed visitor's SVG style, an HTML style's references and an SVG noscript stay as written.
		const page =
			`<svg><style>#a{background:u&#114;l(https://${FB}/tr)}<g></g></style>` +
			`<noscript>url(https://${FB}/tr)</noscript></svg><style>#b{background:u&#114;l(https://${FB}/tr)}</style>`;
		expect(await rewritten(page, VISITORS.allowed)).toBe(page);
		expect(await rewritten(page)).toBe(
			page.replace(
				"#a{background:u&#114;l(https://connect.facebook.net/tr)}<g></g>",
				"<g></g>#a{background:none}",
			),
		);
	});

	it("an SVG <style> split by a comment or child element is read joined, as Chromium reads it", async () => {
		// Each loads the tracker in Chromium (test/browser/guard-hostile-urls): the sheet is the style's
		// own text pieces joined. They are written back as one text at the end tag, after its children.
		const blocks: Record<string, string> = {
			"#a{background:url(https://connect.face<!--x-->book.net/tr)}": "<!--x-->#a{background:none}",
			"#a{background:url(https://connect.face<a/>book.net/tr)}": "<a/>#a{background:none}",
			[`#a{background:u<!---->rl(https://${FB}/tr)}`]: "<!---->#a{background:none}",
			'@import "https://connect.face<g></g>book.net/x.css";#a{}': "<g></g>#a{}",
			[`#a{background:image-set("https://${FB}<g></g>/tr" 1x)}`]: "<g></g>#a{background:none}",
			"#a{background:url(https://connect.face<![CDATA[book.net/tr)}]]>": "<![CDATA[]]>#a{background:none}",
			// Text inside a child element is the child's, not the sheet's: it stays where it was.
			[`#a{}<g>url(https://${FB}/tr)</g>#b{}`]: `<g>url(https://${FB}/tr)</g>#a{}#b{}`,
			// A CDATA section's < is text: written back as a reference, it cannot become markup.
			"#a{background:url(https://connect.face<!--x--><![CDATA[book.net/tr)}</style><img src=/x>]]>":
				"<!--x--><![CDATA[]]>#a{background:none}&lt;/style>&lt;img src=/x>",
		};
		const kept: string[] = [];
		for (const [css, left] of Object.entries(blocks)) {
			const body = await rewritten(`<svg><style>${css}</style></svg>`);
			if (body !== `<svg><style>${left}</style></svg>`) kept.push(`${css} -> ${body}`);
		}
		expect(kept).toEqual([]);
		// A sheet naming no tracker keeps its text as written; one split across two styles is two sheets.
		const plain = `<svg><style>#a{fill:red}<!--x-->#b>c{fill:u&#114;l(#g)}</style></svg>`;
		expect(await rewritten(plain)).toBe(
			`<svg><style><!--x-->#a{fill:red}#b>c{fill:u&#114;l(#g)}</style></svg>`,
		);
		const apart = `<svg><style>#a{background:url(https://connect.face</style><style>book.net/tr)}</style></svg>`;
		expect(await rewritten(apart)).toBe(apart);
		// A page ending inside one has its sheet written at the end.
		fakeOrigin(
			() =>
				new Response(`<svg><style>#a{background:url(https://connect.face<!--x-->book.net/tr)}`, {
					headers: { "Content-Type": "text/html; charset=utf-8" },
				}),
		);
		const cut = await (await visit("/", VISITORS.optedOut, {}, guardEnv())).text();
		expect(cut.slice(cut.indexOf("<svg>"))).toBe("<svg><style><!--x-->#a{background:none}");
	});

	it("a <style> at an integration point inside SVG or MathML is an HTML style; a MathML one is inert", async () => {
		// Checked in Chromium (session 38): each of these loads the tracker, as an HTML style does...
		const html = [
			"<math><mi><style>",
			"<math><mtext><style>",
			'<math><annotation-xml encoding="text/html"><style>',
			'<math><annotation-xml encoding="application/xhtml+xml"><style>',
			"<svg><foreignObject><style>",
			"<svg><desc><style>",
			"<svg><title><style>",
		];
		const kept: string[] = [];
		for (const open of html) {
			const body = await rewritten(`${open}#a{background:url(https://${FB}/tr)}</style>`);
			if (!body.includes("#a{background:none}</style>")) kept.push(`${open} -> ${body}`);
		}
		expect(kept).toEqual([]);
		// ...and none of these (a MathML style, or one in an `annotation-xml` that is no integration point, is
		// no style sheet). But the preload scanner reads each as an HTML style and fetches its `@import`
		// (checked in Chromium, session 57), so its denied URLs go as an SVG style's do.
		for (const markup of [
			`<math><style>@import url(https://${FB}/a.css);#a{background:url(https://${FB}/tr)}</style></math>`,
			`<math><annotation-xml encoding=" text/html"><style>@import "https://${FB}/a.css";#a{background:url(https://${FB}/tr)}</style></annotation-xml></math>`,
		]) {
			expect(await rewritten(markup), markup).toBe(
				markup.replace(/@import[^;]*;/, "").replace(`url(https://${FB}/tr)`, "none"),
			);
		}
		// But one lol-html names MathML's inside an SVG is taken for an SVG style: Chromium builds an SVG
		// element for a `<math>` tag in SVG, and an HTML style after `<mi><br/>` there (session 54: each
		// loaded through the guard, test/browser/guard-cdata.test.ts).
		for (const open of ["<svg><g><math><style>", "<svg><g><math><mi><br/></mi><style>"]) {
			expect(await rewritten(`${open}#a{background:url(https://${FB}/tr)}</style></math></svg>`), open).toBe(
				`${open}#a{background:none}</style></math></svg>`,
			);
		}
	});

	it("a tag that ends the SVG inside its <style> (<p>, <img>, <font color>) keeps the sheet's text before it", async () => {
		// Chromium closes the SVG there (test/browser/guard-hostile-urls, Breakout…): the style's text so
		// far is its sheet, and the text after the tag is the page's, shown to the visitor. The style's end
		// tag is written there too, where the browser ends it (the preload scanner reads the style to the
		// first `</style>`: test/browser/guard-cdata.test.ts).
		const blocks: Record<string, string> = {
			"#a{color:red}<p>para</p>tail": "#a{color:red}</style><p>para</p>tail",
			"#a{background:url(https://connect.face<img>book.net/tr)}":
				"#a{background:url(https://connect.face</style><img>book.net/tr)}",
			[`#a{background:url(https://${FB}/tr)}<p>url(https://${FB}/tr)</p>#b{}`]: `#a{background:none}</style><p>url(https://${FB}/tr)</p>#b{}`,
			"#a{<!--c-->color:red}<b>x</b>#b{}": "<!--c-->#a{color:red}</style><b>x</b>#b{}",
			[`<g></g>#a{background:url(https://${FB}/tr)}<font color=red>x</font>`]:
				"<g></g>#a{background:none}</style><font color=red>x</font>",
			[`<g>#a{}<div>x</div></g>#b{background:url(https://${FB}/tr)}`]: `<g>#a{}</style><div>x</div></g>#b{background:url(https://${FB}/tr)}`,
		};
		const moved: string[] = [];
		for (const [css, left] of Object.entries(blocks)) {
			const body = await rewritten(`<svg><style>${css}</style></svg>`);
			if (body !== `<svg><style>${left}</style></svg>`) moved.push(`${css} -> ${body}`);
		}
		expect(moved).toEqual([]);
		// Inside an integration point (foreignObject) HTML is the child's, not a way out: the sheet is
		// read joined, as before; a <font> without attributes stays in the SVG too.
		const inside = `<svg><style>#a{}<foreignObject><p>x</p></foreignObject>#b{background:url(https://${FB}/tr)}<font>y</font></style></svg>`;
		expect(await rewritten(inside)).toBe(
			"<svg><style><foreignObject><p>x</p></foreignObject><font>y</font>#a{}#b{background:none}</style></svg>",
		);
	});

	it("a sheet written while a child of its style is open closes the child first, so the text stays the style's", async () => {
		// Chromium closes the child at the tag ending the SVG, or at the style's end tag: the text before
		// the child is the style's sheet (test/browser/guard-rewrite-diff, distilled seed-5 pages 185, 189).
		expect(await rewritten("<svg><style>p{}<a><b>x</b></a></style></svg>")).toBe(
			"<svg><style><a></a>p{}</style><b>x</b></a></style></svg>",
		);
		expect(await rewritten("<svg><g><style>p{}<a><g>q{}<p>x</p></g></a></style></g></svg>")).toBe(
			"<svg><g><style><a><g>q{}</g></a>p{}</style><p>x</p></g></a></style></g></svg>",
		);
		expect(
			await rewritten(
				`<svg><style>#a{background:url(https://${FB}/tr)}<noscript><br></noscript></style></svg>`,
			),
		).toBe("<svg><style><noscript></noscript>#a{background:none}</style><br></noscript></style></svg>");
		expect(await rewritten("<svg><style>p{}<a>x</style><g>y</g></svg>")).toBe(
			"<svg><style><a>x</a>p{}</style><g>y</g></svg>",
		);
		// A sheet with no text has nothing to place: the children stay as written (the style's end tag,
		// which closes them too, goes where the browser ends the style).
		expect(await rewritten("<svg><style><g>#a{}<div>x</div></g></style></svg>")).toBe(
			"<svg><style><g>#a{}</style><div>x</div></g></style></svg>",
		);
	});

	it("a CSS string's escaped line break or quote, and a url() or string left open at the end, are read", async () => {
		// Each loads the tracker in Chromium (test/browser/guard-hostile-urls, Qa…).
		const blocks: Record<string, string> = {
			'<style>#a{background:url("https://connect.facebook\\\n.net/tr")}</style>':
				"<style>#a{background:none}</style>",
			[`<style>#a{background:url('https://${FB}/tr?x=\\'')}</style>`]: "<style>#a{background:none}</style>",
			[`<style>@import "https://${FB}/x.css?x=\\"";p{}</style>`]: "<style>p{}</style>",
			[`<style>#a{background:url(https://${FB}/tr</style>`]: "<style>#a{background:none</style>",
			[`<style>#a{background:url( "https://${FB}/tr</style>`]: "<style>#a{background:none</style>",
			[`<div style="background:url(https://${FB}/tr"></div>`]: `<div style="background:none"></div>`,
		};
		const kept: string[] = [];
		for (const [css, left] of Object.entries(blocks)) {
			const body = await rewritten(css);
			if (body !== left) kept.push(`${css} -> ${body}`);
		}
		expect(kept).toEqual([]);
		// A line break ends a string (a bad string: nothing loads), and the scan goes on after it.
		const bad = `<style>#a{background:url("https://${FB}/tr\n")}#b{background:url(/b.png)}</style>`;
		expect(await rewritten(bad)).toBe(bad);
	});

	it("a url(), image-set() or @import inside a CSS string or comment is text, and stays", async () => {
		// Chromium loads none of these (test/browser/guard-hostile-urls, Inert…): they are a string's or
		// a comment's text, which a page may show (`content`) or a script may read (a custom property).
		const inert = [
			`<style>#a::before{content:"url(https://${FB}/tr)"}</style>`,
			`<style>/* url(https://${FB}/tr) */p{color:red}</style>`,
			`<style>#a::before{content:"@import 'https://${FB}/x.css'"}#a{color:red}</style>`,
			`<style>/* @import "https://${FB}/x.css"; */p{color:red}</style>`,
			`<style>#a::before{content:'image-set("https://${FB}/tr" 1x)'}</style>`,
			`<style>#a::before{content:'it\\'s url(https://${FB}/tr)'}</style>`,
			`<style>#a::before{content:"a\\\nurl(https://${FB}/tr)"}</style>`,
			`<style>p{color:red}/* url(https://${FB}/tr)</style>`,
			`<div style="--x:'url(https://${FB}/tr)'"></div>`,
			`<div style="content:&quot;url(https://${FB}/tr)&quot;"></div>`,
			`<svg><style>#a::before{content:"url(https://${FB}/tr)"}</style></svg>`,
		];
		const changed: string[] = [];
		for (const markup of inert) {
			const body = await rewritten(markup);
			if (body !== markup) changed.push(`${markup} -> ${body}`);
		}
		expect(changed).toEqual([]);
		// Where the string or comment ends (a line break ends a string), or where a quote is escaped and
		// opens none, CSS is read again: each of these loads the tracker in Chromium.
		const loading: Record<string, string> = {
			[`<style>#a{content:"x\n;background:url(https://${FB}/tr)}</style>`]:
				'<style>#a{content:"x\n;background:none}</style>',
			[`<style>#a{content:\\"x;background:url(https://${FB}/tr)}</style>`]:
				'<style>#a{content:\\"x;background:none}</style>',
			[`<style>/* x */#a{background:url(https://${FB}/tr)}</style>`]:
				"<style>/* x */#a{background:none}</style>",
			[`<style>#a::before{content:"x"}#a{background:url("https://${FB}/tr")}</style>`]:
				'<style>#a::before{content:"x"}#a{background:none}</style>',
			[`<style>@import "https://${FB}/x.css";/* x */p{}</style>`]: "<style>/* x */p{}</style>",
			[`<div style="content:'x';background:url(https://${FB}/tr)"></div>`]: `<div style="content:'x';background:none"></div>`,
		};
		const kept: string[] = [];
		for (const [css, left] of Object.entries(loading)) {
			const body = await rewritten(css);
			if (body !== left) kept.push(`${css} -> ${body}`);
		}
		expect(kept).toEqual([]);
	});

	it("a frame's srcdoc naming the tracker in CSS escapes, or split by a comment in an SVG style, is gated", async () => {
		// Each loads the tracker in Chromium (test/browser/guard-hostile-urls, QaSrcdoc…).
		for (const markup of [
			`<div style=&quot;background:url(https://connect.facebook\\2e net/tr)&quot;></div>`,
			`<style>@import 'https://connect.face\\62ook.net/x.css';</style>`,
			`<svg><style>#s{background:url(https://connect.face<!---->book.net/tr)}</style></svg>`,
		]) {
			const frame = `<iframe title="t" srcdoc="${markup}"></iframe>`;
			expect(await rewritten(frame)).toBe(
				`<iframe title="t" data-consent="ads" data-srcdoc="${markup}"></iframe>`,
			);
		}
		// Decoded as the frame reads it, no further: `&amp;amp;sol;` is `&sol;` there, a path of the site.
		for (const markup of [
			`<div style=&quot;background:url(&amp;amp;sol;&amp;amp;sol;${FB}/x.png)&quot;></div>`,
			`<img src=&quot;https:&amp;amp;sol;&amp;amp;sol;${FB}/x.png&quot;>`,
		]) {
			const frame = `<iframe title="t" srcdoc="${markup}"></iframe>`;
			expect(await rewritten(frame)).toBe(frame);
		}
		// Text that names no tracker once its tags are left out stays.
		const plain = `<iframe title="t" srcdoc="<p>connect.face<b>book</b></p><style>p{background:url(/a.png)}</style>"></iframe>`;
		expect(await rewritten(plain)).toBe(plain);
	});

	it("a name split by a comment is no url() (as in Chromium), and an allowed visitor's escapes stay", async () => {
		const split = `<div style="background:u/**/rl(https://${FB}/tr)"></div><style>p{background:u/**/rl(https://${FB}/tr)}</style>`;
		expect(await rewritten(split)).toBe(split);
		const escaped =
			`<div style="background:u&#114;l(https://${FB}/tr)"></div><div style="background:\\75 rl(https://${FB}/tr)"></div>` +
			`<style>@\\69mport "https://${FB}/x.css";p{background:\\75 rl(https://${FB}/tr)}</style>`;
		expect(await rewritten(escaped, VISITORS.allowed)).toBe(escaped);
	});

	it("first-party URLs holding a tracker's name, and bare addresses, stay", async () => {
		for (const src of FIRST_PARTY) {
			const markup = `<img src="${src}" alt=""><img srcset="${src} 2x" alt="">`;
			expect(await rewritten(markup)).toBe(markup);
		}
	});
});
