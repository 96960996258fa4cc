/**
 * Reference `html-rewriter-floor` (not a target): `passthrough-html` through an HTMLRewriter whose
 * handlers do nothing, on exactly the selectors workers/guard/html-guard.ts registers (for a site
 * that has not classified its own paths, its Content-Type naming a charset), answering as the guard
 * does: a page sent with its length (up to 1 MiB) is rewritten whole and answered in one piece
 * (workers/guard/guard-response.ts). It shows what the runtime charges for calling into JavaScript
 * per matched element and text chunk, before any guard logic (the guard's end-tag callbacks for held
 * inline scripts are its own, not the floor's). Keep it in step with html-guard.ts
 * (until session 35 it lacked the selectors added since session 4: head and body, the audit's media,
 * lazy, SVG, style, ping, base, srcdoc and refresh ones, `&` queries and two hint types).
 */
const WHOLE_PAGE_MAX_BYTES = 1 << 20;
const ELEMENT = { element() {} };
const ELEMENT_AND_TEXT = { element() {}, text() {} };
const TEXT = { text() {} };
// HTML elements the browser closes when another of their kind starts inside, within MathML or SVG.
const REOPENED = ["button", "form", "a", "nobr", "h1", "h2", "h3", "h4", "h5", "h6", "select"]
	.flatMap((name) => [`math ${name}`, `svg ${name}`])
	.join(", ");
// Elements in an svg or math inside another: a tag ending the inner one there gives the page up.
const BREAKOUT = "svg svg *, svg math *, math svg *, math math *";
// SVG's and MathML's integration points, counted open (the elements above count only inside one).
const POINTS =
	"svg foreignObject, svg desc, svg title, math mi, math mo, math mn, math ms, math mtext, math annotation-xml";
// Raw text elements' names in SVG or MathML, given the preload scanner's end where the tree builder ends them.
const FOREIGN_RAW_TEXT = ["textarea", "xmp", "iframe", "noembed", "noframes", "noscript"]
	.flatMap((name) => [`svg ${name}`, `math ${name}`])
	.concat("math title")
	.join(", ");
const HINTS = [
	"preconnect",
	"dns-prefetch",
	"preload",
	"prefetch",
	"modulepreload",
	"prerender",
	"stylesheet",
	"icon",
]
	.map((rel) => `link[href][rel~="${rel}" i]`)
	.join(", ");
// What may name another host (a scheme, slashes, backslashes, references, a tab or newline after a slash),
// a percent-escape, a mark's `=` as `&equals;`, then the marks of workers/guard/beacons.ts's shapes, in its
// order: written as CSS strings.
const IMAGE_PARTS = [
	..."// : &# \\\\ sol; &colon; &Tab; &NewLine;".split(" "),
	"/\\9 ",
	"/\\a ",
	"/\\d ",
	"%",
	"&equals;",
	..."collect batch pagead form-data gtag gtm.js ns.html id=G id=AW- id=DC- ev= cdn-cgi matomo piwik".split(
		" ",
	),
	..."httpapi data= v0/e pixel".split(" "),
];
const holding = (element, attribute) =>
	IMAGE_PARTS.map((part) => `${element}[${attribute}*="${part}"]:not([data-consent])`).join(", ");
const LOADING_ATTRIBUTES = [
	["video", "poster"],
	["video", "src"],
	["audio", "src"],
	["source", "src"],
	["track", "src"],
	["object", "data"],
	["embed", "src"],
	["input", "src"],
	["table", "background"],
	["td", "background"],
	["th", "background"],
];
const LAZY_SRC = ["data-src", "data-lazy-src", "data-original"];
const LAZY_SRCSET = ["data-srcset", "data-lazy-srcset"];

export const floorRewriter = () =>
	new HTMLRewriter()
		.on("svg, math", ELEMENT)
		.on(POINTS, ELEMENT)
		.on(REOPENED, ELEMENT)
		.on(BREAKOUT, ELEMENT)
		.on(FOREIGN_RAW_TEXT, ELEMENT)
		.on("head", ELEMENT)
		.on("body", ELEMENT)
		.on("title script", ELEMENT)
		.on("script[src]:not([type]):not([data-consent])", ELEMENT)
		.on(
			'script[src][type], script[src][data-consent], script[type*="json" i], script[type*="template" i]',
			ELEMENT,
		)
		.on('script:not([src]):not([type*="json" i]):not([type*="template" i])', ELEMENT_AND_TEXT)
		.on("svg script, math script", ELEMENT_AND_TEXT)
		.on("noscript", ELEMENT_AND_TEXT)
		.on(`${holding("img", "src")}, img[srcset]:not([data-consent])`, ELEMENT)
		.on("source[srcset]:not([data-consent])", ELEMENT)
		.on("img[data-consent]", ELEMENT)
		.on("iframe[src]:not([data-consent])", ELEMENT)
		.on("iframe[srcdoc]", ELEMENT)
		.on("iframe[data-consent]", ELEMENT)
		.on("source[data-consent]", ELEMENT)
		.on(HINTS, ELEMENT)
		.on('link[imagesrcset][rel~="preload" i]', ELEMENT)
		.on("base[href]", ELEMENT)
		.on(
			LOADING_ATTRIBUTES.map(([name, attribute]) => `${name}[${attribute}]:not([data-consent])`).join(", "),
			ELEMENT,
		)
		.on([...LAZY_SRC, ...LAZY_SRCSET].map((a) => `img[${a}]:not([data-consent])`).join(", "), ELEMENT)
		.on(LAZY_SRC.map((a) => `iframe[${a}]:not([data-consent])`).join(", "), ELEMENT)
		.on("use, feimage", ELEMENT)
		.on("image", ELEMENT)
		.on("style *", ELEMENT)
		.on("style", ELEMENT_AND_TEXT)
		.on(
			'[style*="url(" i], [style*="@import" i], [style*="image-set(" i], [style*="\\\\"], [style*="&#"], [style*="&lpar;"], [style*="&bsol;"]',
			ELEMENT,
		)
		.on("a[ping], area[ping]", ELEMENT)
		.on('a[href*="?"], a[href*="&"]', ELEMENT)
		.on("a[xlink\\:href]", ELEMENT)
		.on(
			'meta[http-equiv="refresh" i][content*="?"], meta[http-equiv="refresh" i][content*="&"], meta[http-equiv="refresh" i][content*="://"]',
			ELEMENT,
		)
		.on('area[href*="?"], area[href*="&"]', ELEMENT)
		.on("title *, textarea *, xmp *, iframe *, noembed *, noframes *, noscript *", ELEMENT)
		.on("script *", ELEMENT)
		.on("svg img, math img", ELEMENT)
		.on("xmp, iframe, noembed, noframes, plaintext", TEXT)
		.on("title, textarea", ELEMENT_AND_TEXT)
		.on("svg, math", { text() {}, comments() {} })
		.onDocument({ end() {} });

/** Registered once, as the guard registers its selectors once (workers/guard/page-rewriter.ts). */
const rewriter = floorRewriter();

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const res = await fetch(`${env.ORIGIN}${url.pathname}${url.search}`, { headers: request.headers });
		const rewritten = rewriter.transform(res);
		const length = Number(res.headers.get("Content-Length") ?? Number.NaN);
		if (!(length <= WHOLE_PAGE_MAX_BYTES)) return rewritten;
		return new Response(await rewritten.arrayBuffer(), rewritten);
	},
};
