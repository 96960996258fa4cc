/**
 * The HTMLRewriter pass over a guarded visitor's page. Trackers of denied purposes cannot load or run:
 * their scripts (by src, by inline content, or by the site's `data-consent` marker) become
 * `type="text/plain"` with `data-consent` and `data-src`, which the SDK re-enables once allowed;
 * pixels go (by `src` or any `srcset` candidate), frames and marked media keep their `src` in
 * `data-src`, resource hints to trackers go, and noscript pixels are cut. Link `href`s lose tracking
 * parameters. The runtime script (guard-runtime.ts) goes first, as the head's first child or, without
 * a head tag, before the first script or the body (after a `<meta>` charset declaration that comes
 * before those when the page's Content-Type names no charset). Everything else is untouched.
 * HTMLRewriter hands text over in arbitrary chunks, and an element is only usable inside its own
 * handler, so an inline script is collected and written back at its end tag, a noscript's or style's
 * text where its last chunk was.
 */
import { BEACON_SHAPES } from "./beacons";
import { withoutDeniedCssUrls } from "./css-urls";
import { breaksOut, RAW_TEXT_START } from "./foreign-content";
import { guardedRules, type RulesKind } from "./guarded-rules";
import { decodeAttribute, srcsetUrls, startTag } from "./html-attributes";
import type { Insistence } from "./insisted-locations";
import { keptBytes } from "./kept-bytes";
import { guardedLocation } from "./location-guard";
import { withoutDeniedPixels } from "./noscript-pixels";
import { publicLocation } from "./origin-location";
import { BYTEWISE, namesCharset, PRESCAN_BYTES, settlesCharset, sniffedContentType } from "./page-charset";
import { pageEnd } from "./page-end";
import { type PageRewriter, pageRewriter } from "./page-rewriter";
import { pageVerdicts } from "./page-verdicts";
import { peekStream } from "./peeked-stream";
import { refreshUrlSpan } from "./refresh-url";
import { isXhtml } from "./response-headers";
import { endForScanner, SCRIPT_END_FOR_SCANNER } from "./scanner-ends";
import type { StripOptions } from "./strip-tracking-params";
import { classifyTrackerUrl } from "./tracker-hosts";
import type { TrackerOverrides } from "./tracker-purpose";
import { activationPrefix, stubSource, trackerGlobals } from "./tracker-stubs";

export interface HtmlGuardOptions {
	/** Every purpose the visitor's decision denies (any of them a `data-consent` marker may name). */
	readonly denied: ReadonlySet<string>;
	readonly overrides: TrackerOverrides | undefined;
	/** Stripping options for link hrefs (the request's host for relative links). */
	readonly strip: StripOptions;
	/** The runtime's script tag (guard-runtime.ts), inserted once before anything can run script. */
	readonly runtime?: string;
	/**
	 * The page's Content-Type names no charset: browsers look for a `<meta>` declaration in its first
	 * 1024 bytes, so the tag goes after one rather than push it out of their sight.
	 */
	readonly metaCharset?: boolean;
	/**
	 * ORIGIN and the request's own origin: a refresh naming ORIGIN names the visitor's site instead,
	 * as its `Refresh` header does (origin-headers.ts).
	 */
	readonly proxied?: { readonly origin: string; readonly site: string };
	/** The page's own address, for a meta refresh that would name the page itself once stripped. */
	readonly address?: PageAddress;
	/** The page is served over plain http, where `https:host/p` names the host (tracker-hosts.ts). */
	readonly http?: boolean;
}

/**
 * The page's own bytes, for the end handler, and the Content-Type they are parsed with. A rewrite
 * without them writes nothing at the page's end, since it cannot tell what would take it in.
 */
interface PageBytes {
	readonly contentType: string;
	/** Null for a streamed page longer than the bytes kept of it (kept-bytes.ts). */
	read(): Promise<ArrayBuffer | null>;
	/** They are not needed. */
	release(): void;
}

/**
 * Where the page was asked for. A meta refresh whose URL, stripped, is the page itself (resolved, as
 * browsers resolve it, against the first `<base href>` before it) would reload it for ever (the
 * navigation to the URL as written is stripped back to the page, location-guard.ts).
 * Where the answer can still set the `ce_insisted` cookie letting that navigation through (a page
 * rewritten whole), `refreshed` is given: the refresh keeps its URL and `refreshed` is told its
 * target. Without it (a streamed page, its headers sent) the refresh is left out: the visitor stays.
 */
export interface PageAddress {
	/** The request's URL and ORIGIN's host, asked for only when a meta refresh loses parameters. */
	readonly url: () => URL;
	readonly originHost: () => string | null;
	/** Told of every meta refresh losing parameters: the target it insists on, or null (another URL). */
	readonly refreshed?: (insisted: Insistence | null) => void;
}

/**
 * Script types a browser runs: `module` and the HTML standard's JavaScript MIME type essences (legacy
 * ones such as `text/javascript1.5` and `text/livescript` included: Chromium runs those too); anything
 * else (JSON, templates, already gated) is inert already.
 */
const RUNNABLE_TYPES = new Set([
	"",
	"module",
	"text/javascript",
	"application/javascript",
	"application/ecmascript",
	"application/x-ecmascript",
	"application/x-javascript",
	"text/ecmascript",
	"text/javascript1.0",
	"text/javascript1.1",
	"text/javascript1.2",
	"text/javascript1.3",
	"text/javascript1.4",
	"text/javascript1.5",
	"text/jscript",
	"text/livescript",
	"text/x-ecmascript",
	"text/x-javascript",
]);
/**
 * Script types no browser runs but a page-speed loader on the page does, later (on the first
 * interaction, or in a worker), with the attribute holding the script's URL: WP Rocket's "delay
 * JavaScript execution", LiteSpeed Cache's, Perfmatters' and Partytown. A tracker under one of them is
 * gated like any other (`type="text/plain"`, its own type kept in `data-type`, its URL attribute kept
 * as it is), so the loader passes it by.
 */
const DEFERRED_TYPES: ReadonlyMap<string, string> = new Map([
	["rocketlazyloadscript", "data-rocket-src"],
	["litespeed/javascript", "data-src"],
	["pmdelayedscript", "data-pmdelayedscript"],
	["text/partytown", "src"],
]);

/**
 * Resource hints, style sheets and icons on a tracker's host (a sheet is fetched as a pixel is, and its
 * own `url()`s after it; Chromium asks for a page's icon after its load, `shortcut icon` too: checked,
 * session 57): `rel` is a token list, compared ASCII case-insensitively.
 */
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

/**
 * What in a URL attribute may name another host: `//` as written, or written so that only the
 * browser's decoding shows it (`https:&#x2F;&#x2F;…`, `&sol;&sol;…`, `https:\\…`, `/&Tab;/…`, a tab
 * or newline between the slashes, `http:host`): a scheme's colon, a slash or colon as a character
 * reference, a backslash, or a tab or newline after a slash. A plain relative path holds none, so the
 * parser can skip it.
 */
const ABSOLUTE_PARTS = ["//", ":", "&#", "\\", "sol;", "&colon;", "&Tab;", "&NewLine;", "/\t", "/\n", "/\r"];

/**
 * What an image's relative URL holds when the guard's own beacon paths may take it (beacons.ts): such
 * an image is a request the guard would answer 204, so it goes as a tracker's pixel does. A `%` may
 * escape any part of a mark (`/%6datomo.php`), which the guard decodes as the origin does, and a
 * mark's `=` may be written `&equals;`, which the browser decodes (`/tr?id=…&amp;ev&equals;…`).
 */
const IMAGE_PARTS = [
	...new Set([...ABSOLUTE_PARTS, "%", "&equals;", ...BEACON_SHAPES.flatMap((shape) => shape.marks)]),
];

/** A CSS string's text for `part`: a backslash, tab or line break escaped. */
const cssText = (part: string) =>
	part.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : `\\${c.charCodeAt(0).toString(16)} `));

/** Selectors for an element whose attribute holds one of `parts`. */
function holding(element: string, attribute: string, parts: readonly string[]): string {
	return parts.map((part) => `${element}[${attribute}*="${cssText(part)}"]:not([data-consent])`).join(", ");
}

/** The same test on a raw value, for a handler that one of several such selectors brought in. */
const mayBeImageRequest = (raw: string | null): raw is string =>
	raw !== null && IMAGE_PARTS.some((part) => raw.includes(part));

/**
 * Other elements that load a URL by themselves, with the attribute naming it: media and their
 * posters, text tracks, plugins, image buttons, SVG images and filter images, legacy backgrounds. A
 * tracker there is a pixel all the same.
 */
const LOADING_ATTRIBUTES: readonly (readonly [element: string, attribute: string])[] = [
	["video", "poster"],
	["video", "src"],
	["audio", "src"],
	["source", "src"],
	["track", "src"],
	["object", "data"],
	["embed", "src"],
	["input", "src"],
	// Legacy backgrounds load an image (a `<body>`'s is judged by its own handler, SVG images' by theirs).
	["table", "background"],
	["td", "background"],
	["th", "background"],
];

/**
 * URL attributes lazy-load plugins copy into `src`/`srcset` after load (lazysizes and most others
 * `data-src`, WP Rocket `data-lazy-src`, jQuery Lazy Load `data-original`): a tracker there loads all
 * the same, only later.
 */
const LAZY_SRC = ["data-src", "data-lazy-src", "data-original"];
const LAZY_SRCSET = ["data-srcset", "data-lazy-srcset"];

/**
 * URLs that may name a host inside markup held in an attribute (`srcdoc`), its own character
 * references decoded: after an http(s) scheme or two slashes (a backslash counts as one).
 */
const ABSOLUTE_URL = /(?:https?:|[/\\]{2})[^\s"'<>`)]+/gi;

/** A start tag as a tokenizer reads one: `<` and a letter. */
const TAG_OPEN = /<[A-Za-z]/;

/**
 * A start tag as a tokenizer reads one: a name ended by a space, `/` or `>`, then its attributes up to
 * its `>` outside quotes (to the end where none comes). Not `a<b;` or `i<n)` in a script. Linear: each
 * part starts with its own character.
 */
const FOREIGN_TAG = /<[A-Za-z][A-Za-z0-9-]*(?=[\t\n\f\r />])(?:[^>"']|"[^"]*"?|'[^']*'?)*>?/g;

/**
 * A `<` that opens neither a script's start or end tag nor a `<!--`: none the script data tokenizer
 * counts to tell where a script ends.
 */
const SCRIPT_TAG_LESS_THAN = /<(?!\/?script[\t\n\f\r />]|!--)/gi;

/**
 * CDATA text as the same characters outside the section, escaped: `>` too, so `]]>` cannot appear in
 * it and an XHTML page stays well-formed.
 */
const scannerText = (text: string): string =>
	`]]>${text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")}<![CDATA[`;

/**
 * Written before an HTML script in a title in SVG or MathML: an end tag for the preload scanner, which
 * reads such a title as raw text, and a comment for the tree builder (the "title script" handler).
 */
export const TITLE_END_FOR_SCANNER = endForScanner("title");

/** Raw text elements' names in SVG or MathML that no other handler ends for the scanner (scannerEnd). */
const FOREIGN_RAW_TEXT_SELECTOR = ["textarea", "xmp", "iframe", "noembed", "noframes", "noscript"]
	.flatMap((name) => [`svg ${name}`, `math ${name}`])
	.concat("math title")
	.join(", ");

const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
const SVG_NAMESPACE = "http://www.w3.org/2000/svg";
const MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML";

/**
 * HTML elements Chromium's tree builder closes or drops by itself where another of their kind starts
 * inside an open one (a second `<button>`, `<form>`, `<a>` or `<nobr>`; a heading inside a heading; a
 * `<button>` inside a `<select>`, which `</select>` closes), by the kind whose open one counts. Inside
 * MathML or SVG, HTMLRewriter acts as if the first stayed open and reads the `</mi>`, `</mtext>` or
 * `</foreignObject>` after it as not ending the integration point: what follows is HTML to it and
 * MathML or SVG to Chromium, where a tracker loaded (bench/HISTORY.md, session 53), and where a script
 * ran guarded that does not as written (session 55). The guard gives up on such a page
 * (AmbiguousMarkup).
 */
const REOPENED: Readonly<Record<string, string>> = {
	button: "button",
	form: "form",
	a: "a",
	nobr: "nobr",
	h1: "heading",
	h2: "heading",
	h3: "heading",
	h4: "heading",
	h5: "heading",
	h6: "heading",
	select: "select",
};
/**
 * Inside MathML or SVG by HTMLRewriter's element stack, and counted only inside an integration point
 * (POINT_SELECTOR): an svg or math left open where a tag such as `<div>` ended it in both parsers stays
 * on that stack, and the page's customizable `<select><button>` or sloppy nested links after it were
 * given up on (session 55).
 */
const REOPENED_SELECTOR = Object.keys(REOPENED)
	.flatMap((name) => [`math ${name}`, `svg ${name}`])
	.join(", ");
/**
 * SVG's and MathML's HTML integration points, counted open by their tags: under an svg or math (an HTML
 * title, or a `<desc>` or `<mi>` in HTML, is none).
 */
const POINT_SELECTOR =
	"svg foreignObject, svg desc, svg title, math mi, math mo, math mn, math ms, math mtext, math annotation-xml";

/**
 * Elements in an svg or math inside another (BREAKOUT_SELECTOR): one may be a tag that ends it (a
 * breakout), which, where the outer one's integration point holds the inner one, HTMLRewriter and
 * Chromium come out of in different places. Chromium ends the inner svg there and stays in the
 * integration point, where the next `</svg>` closes the outer svg; HTMLRewriter keeps the inner one
 * open to that `</svg>` and takes a `</foreignObject>` after it as closing the integration point. In
 * `<svg><foreignObject><svg><img></svg></foreignObject><script>` the script is HTML's to Chromium and
 * SVG's to HTMLRewriter, which parsed its text as markup: a `<!--` in it hid the iframe after it from
 * the guard, whose `srcdoc` loaded a tracker's script (seed 147, page 11). The guard gives up on such
 * a page (breakout). Four selectors, not one per breakout tag: lol-html compiles every selector for
 * each page (94 made a tiny page's transform about 0.05 ms dearer in a workerd loop, four did not
 * show), and an svg or math inside another is rare, so their handler is seldom called.
 */
const BREAKOUT_SELECTOR = "svg svg *, svg math *, math svg *, math math *";

/**
 * Elements whose end handlers a handler registered before svgStyleChild starts (onEnd's `first`): a
 * script's (guardScript), an svg's and a math's (countForeign), an integration point's (countPoint) and
 * REOPENED's kinds' (countReopenable).
 */
function endsStartedEarlier(tag: string): boolean {
	return (
		tag === "script" ||
		tag === "svg" ||
		tag === "math" ||
		Object.hasOwn(REOPENED, tag) ||
		INTEGRATION_POINT.test(tag)
	);
}

/** The namespaces whose elements a browser builds as HTML's, SVG's or MathML's. */
const BROWSER_NAMESPACES: ReadonlySet<string> = new Set([HTML_NAMESPACE, SVG_NAMESPACE, MATHML_NAMESPACE]);
/**
 * Local names of the elements the guard's handlers judge by their tag (what loads, runs, pings or styles,
 * and the SVG and MathML it follows). An XHTML page may name one under a prefix it binds to HTML's,
 * SVG's or MathML's namespace (`<h:img xmlns:h="http://www.w3.org/1999/xhtml" src=…>`): the XML parser
 * builds the element (Chromium fetched such a pixel), HTMLRewriter's selectors name none.
 */
const JUDGED_ELEMENTS: ReadonlySet<string> = new Set([
	"a",
	"area",
	"audio",
	"base",
	"body",
	"embed",
	"feimage",
	"frame",
	"iframe",
	"image",
	"img",
	"input",
	"link",
	"math",
	"meta",
	"noscript",
	"object",
	"script",
	"source",
	"style",
	"svg",
	"table",
	"td",
	"th",
	"track",
	"use",
	"video",
]);

/**
 * Thrown where the guard cannot tell how the browser will read the rest of a page (REOPENED), or what
 * an element of it is (JUDGED_ELEMENTS): a page read whole is then sent locked down, a streamed one cut
 * off with a notice (guard-response.ts).
 */
class AmbiguousMarkup extends Error {
	constructor(what: string) {
		super(`${AMBIGUOUS_MARKUP}: ${what}`);
	}
}
/** How an AmbiguousMarkup reads, whatever the runtime wraps it in on its way out of a rewrite. */
export const AMBIGUOUS_MARKUP = "consent-edge: markup read differently by HTMLRewriter and browsers";

/**
 * The runtime's tag with its URL in an `href` too: an SVG script loads its `href` and not its `src`,
 * an HTML one its `src` alone, so it loads once wherever the browser puts it.
 */
const anyNamespace = (tag: string) => tag.replace(/ src=("[^"]*")/, " href=$1$&");

/**
 * An SVG style open in the page: its text so far, whether each child open in it holds HTML (an
 * integration point or an HTML element), and how many do (counted: a test per element stays O(1)).
 */
interface Sheet {
	text: string;
	readonly children: boolean[];
	/** The open children's names, to close them before the sheet is written while they are open. */
	readonly names: string[];
	html: number;
	/** How many scripts were held when it opened: inside a held SVG script, its sheet is written into it. */
	readonly held: number;
	/**
	 * A MathML style: Chromium applies no sheet, but the preload scanner reads it as an HTML style and
	 * fetches its `@import` (`<math><style>@import url(…)` asked the tracker for its sheet through the
	 * guard until session 57). Its text is held and written as an SVG style's, and it ends where a tag
	 * ends the MathML; only its integration points are MathML's.
	 */
	readonly math: boolean;
}

/**
 * HTML's integration points, where HTML goes inside SVG or MathML without ending it. The workerd the
 * workers tests run (1.20261102) names them HTML (an `annotation-xml` only when its `encoding` is
 * HTML's), as it does the tags that end the SVG; the one `wrangler dev` runs (1.20261117) names them
 * SVG or MathML: their names tell them apart either way.
 */
const INTEGRATION_POINT = /^(?:foreignobject|desc|title|mi|mo|mn|ms|mtext|annotation-xml)$/i;

/** SVG's HTML integration points, by name. */
const SVG_INTEGRATION_POINT = /^(?:foreignobject|desc|title)$/i;

/** MathML's, by name. */
const MATHML_INTEGRATION_POINT = /^(?:mi|mo|mn|ms|mtext|annotation-xml)$/i;

function markerPurposes(value: string | null): string[] {
	return value === null ? [] : value.split(/\s+/).filter(Boolean);
}

/** An element's attributes as name and value pairs, in order. */
function attributesOf(el: Element): (readonly [string, string])[] {
	return [...el.attributes].map(([name = "", value = ""]) => [name, value] as const);
}

function union(a: readonly string[], b: readonly string[]): string[] {
	return b.length === 0 ? [...a] : [...new Set([...a, ...b])];
}

/** Moves a URL attribute aside (`src` → `data-src`), keeping its raw value (read unless given). */
function moveAside(el: Element, name: string, value = el.getAttribute(name)): void {
	if (value === null) return;
	el.setAttribute(`data-${name}`, value);
	el.removeAttribute(name);
}

function neutraliseScript(
	el: Element,
	purposes: readonly string[],
	type: string | null,
	src: string | null,
): void {
	if (type !== null && type.trim() !== "") el.setAttribute("data-type", type);
	el.setAttribute("type", "text/plain");
	el.setAttribute("data-consent", purposes.join(" "));
	moveAside(el, "src", src);
}

/** Attribute pairs of an inline script made inert, for the start tag written at its end tag. */
function neutralisedAttributes(
	attributes: readonly (readonly [string, string])[],
	purposes: readonly string[],
): [string, string][] {
	const out: [string, string][] = [["type", "text/plain"]];
	for (const [name, value] of attributes) {
		if (name === "type") {
			if (value.trim() !== "") out.push(["data-type", value]);
		} else if (name !== "data-consent" && name !== "data-type") {
			out.push([name, value]);
		}
	}
	out.push(["data-consent", purposes.join(" ")]);
	return out;
}

interface InlineScript {
	readonly attributes: readonly (readonly [string, string])[];
	readonly marked: readonly string[];
	/** Speculation rules or an import map (JSON), whose URLs are guarded rather than the script gated. */
	readonly rules?: RulesKind;
	/** Its text as written; in SVG, its own text alone (its text children), what Chromium runs. */
	chunks: string[];
	readonly svg?: SvgScriptBody;
	/** Written out unclosed where the page ended it (`<p>`): its end tag, as lol-html pairs it, is the page's. */
	unclosed?: boolean;
	/** An HTML script while an svg or math is open: its tags naming a tracker are written escaped. */
	readonly foreign: boolean;
}

/**
 * An SVG script's content, parsed as markup: written back whole at its end, in the page's order. Its
 * text is written with `<` as a reference, as a CDATA section's text comes without its markers.
 */
interface SvgScriptBody {
	readonly markup: string[];
	/** Whether each child element open holds HTML (an integration point or an HTML element), and how many. */
	readonly children: boolean[];
	html: number;
	/** Open children that a handler removed, with their content. */
	dropped: number;
}

export function htmlGuard(options: HtmlGuardOptions, page?: PageBytes): PageRewriter {
	const { denied, overrides, strip, proxied, address } = options;
	/** An XHTML page: the browser parses it as XML, where no tag ends an SVG or MathML element. */
	const xml = page !== undefined && isXhtml(page.contentType);
	let runtime = options.runtime;
	/**
	 * The runtime's tag before an element that comes ahead of any head tag and can run script (`namespace`:
	 * the element's, when its handler has read it). Inside an svg or math (by their tags) it goes inside an
	 * `<mtext>`, with both an `href` (an SVG script loads that) and a `src`: an integration point in MathML
	 * and an element of its own in SVG and HTML, so the tag runs whichever of them the browser builds
	 * there, which lol-html's name does not always tell (session 56, in Chromium, with no head tag):
	 * - a bare tag before a MathML script is an inert MathML element too, so it used to wait for an HTML
	 *   one, and came last; but lol-html names MathML's the script of a `<math>` in SVG (an SVG element, whose
	 *   script runs: `<svg><g><math><script>`), whose `new Image()` pixel then loaded before the runtime came;
	 * - lol-html names SVG's the script of an `<svg>` in MathML outside an integration point (a MathML
	 *   element, its script inert: `<math><svg><script>`), where a bare tag with both attributes never ran,
	 *   and a later HTML script's pixel loaded.
	 * Before an SVG script (`<svg><script>` and nothing after) a tag written late at the page's end, inside
	 * the SVG, did not run. One named SVG's with no svg open by its tags (after a self-closed `<svg/>`, in
	 * the workerd the tests run) gets both attributes, bare.
	 */
	const runtimeBefore = (el: Element, namespace?: string) => {
		if (runtime === undefined) return;
		const ns = namespace ?? el.namespaceURI;
		let tag = runtime;
		if (foreignOpen > 0) tag = `<mtext>${anyNamespace(runtime)}</mtext>`;
		else if (ns === SVG_NAMESPACE) tag = anyNamespace(runtime);
		el.before(tag, { html: true });
		runtime = undefined;
	};
	const denies = (purpose: string) => denied.has(purpose);
	const sitePaths = overrides !== undefined && Object.keys(overrides).some((key) => key.startsWith("/"));
	/** Whether an image's raw `src` or `srcset` is one its selectors (below) let in. */
	const imageUrlMatters = sitePaths ? (raw: string | null) => raw !== null : mayBeImageRequest;
	const anyDenied = (purposes: readonly string[]) => purposes.some(denies);
	const verdicts = pageVerdicts(overrides, strip, options.http);
	const classify = (raw: string) => {
		const purpose = verdicts.urlPurpose(raw);
		return purpose === null ? [] : [purpose];
	};
	/** Inline scripts held back, innermost last: an SVG script may hold another. */
	const scripts: InlineScript[] = [];
	/** Whether an HTML style or noscript is open in a held SVG script (at an integration point). */
	let rawHeld = false;
	/**
	 * The end handlers given to the element whose start tag the handlers are at: its name and their list.
	 * Handlers run in the order registered; the first one that may give an element an end handler
	 * (guardScript, svgStyleChild for others, svgStyle outside a style) starts its list, and the last
	 * (svgScriptChild) or its end tag clears it, so no element runs another's.
	 */
	let givenEnds: { tag: string; handlers: ((end: EndTag) => void)[] } | undefined;
	/**
	 * Gives an element an end handler (throws where it has no end tag). An element keeps only the last
	 * one given, so each runs those given before it, in order.
	 */
	const onEnd = (el: Element, handler: (end: EndTag) => void, first = false) => {
		const tag = el.tagName;
		const handlers = first || givenEnds?.tag !== tag ? [] : givenEnds.handlers;
		el.onEndTag((end) => {
			givenEnds = undefined;
			for (const given of handlers) given(end);
		});
		handlers.push(handler);
		givenEnds = { tag, handlers };
	};
	/**
	 * Whether the preload scanner may read on in raw text where the tree builder has ended an element
	 * here: not in XHTML (no preload scanner; and `--` in a comment is an XML error), nor in an SVG script
	 * or style, whose own end serves (the scanner reads what is in them as their text).
	 */
	const scannerMayWait = () => !xml && scripts.at(-1)?.svg === undefined && sheets.length === 0;
	/**
	 * An element with a raw text element's name (a script's too) that lol-html names SVG's or MathML's:
	 * where the tree builder ends it without its own end tag, its end as the preload scanner reads it
	 * (endForScanner). `first`: no earlier handler gave it an end handler.
	 */
	const scannerEnd = (el: Element, first = false) => {
		if (!scannerMayWait()) return;
		const name = el.tagName;
		const ending = endForScanner(name);
		try {
			onEnd(
				el,
				(end) => {
					if (end.name !== name) end.before(ending, { html: true });
				},
				first,
			);
		} catch {
			el.after(ending, { html: true });
		}
	};
	/** The first `<base href>` the page keeps (raw), parsed so far: a meta refresh resolves against it. */
	let baseHref: string | null = null;

	/** A held script as written back: without its end tag where the browser closes it without one. */
	const closeScript = (current: InlineScript, endTag = "</script>"): string => {
		const written = current.chunks.join("");
		// Chromium runs an SVG script's text with its references decoded.
		const source = current.svg === undefined ? written : decodeAttribute(written);
		const safe = (text: string) => (current.foreign ? foreignSafeScript(text) : text);
		const body = safe(current.svg === undefined ? written : current.svg.markup.join(""));
		if (current.rules !== undefined) {
			const rules = guardedRules(current.rules, source, verdicts, denies, deniedUrl);
			return `${startTag("script", current.attributes)}${rules === null ? body : safe(rules)}${endTag}`;
		}
		const purposes = union(current.marked, verdicts.scriptPurposes(source));
		if (!anyDenied(purposes)) return `${startTag("script", current.attributes)}${body}${endTag}`;
		const gated = startTag("script", neutralisedAttributes(current.attributes, purposes));
		// A recognised bootstrap leaves stand-ins for the globals the site's own code calls. A script
		// gated only by the site's own marker is the site's to stand in for.
		const globals = purposes.some((p) => !current.marked.includes(p)) ? trackerGlobals(source) : null;
		if (globals === null) return `${gated}${body}${endTag}`;
		const nonce = current.attributes.find(([name]) => name === "nonce");
		const stub = `${startTag("script", nonce ? [nonce] : [])}${stubSource(globals)}</script>`;
		// The removal of the stand-ins, once allowed, is a gated script of its own just before the
		// bootstrap: the bootstrap's text stays as the page wrote it (a CSP may admit it by its hash).
		const prefix = activationPrefix(globals);
		const activation =
			prefix === ""
				? ""
				: `${startTag("script", [["type", "text/plain"], ...(nonce ? [nonce] : []), ["data-consent", purposes.join(" ")]])}${prefix}</script>`;
		return `${stub}${activation}${gated}${body}${endTag}`;
	};
	/** Markup written where the page has it: inside the SVG script held around it, if any. */
	const writeHeld = (markup: string, here: (markup: string) => void) => {
		const outer = scripts.at(-1);
		if (outer?.svg === undefined) here(markup);
		else if (outer.svg.dropped === 0) outer.svg.markup.push(markup);
	};

	/**
	 * A tracker's image goes. In HTML an `<img>` start tag also reconstructs the formatting elements the
	 * page left open (`<p><b>x</p><img …><p>y` builds the img and what follows inside a new `<b>`), which
	 * a removed one no longer did: an `<area/>` is left in its place, which the tree builder treats as it
	 * treats an `<img>` and which shows nothing (`display: none`; checked in Chromium). An img that ends
	 * an SVG or MathML also gets the "svg img, math img" handler's `<body/>`, which lands before the area
	 * (that handler runs later, and lol-html writes a later `after()` nearer the element; an area alone
	 * would be an SVG element there). Inside a held SVG script the `<body/>` alone, as before: writeHeld
	 * keeps markup in call order, which would put the area first.
	 */
	const removeImage = (el: Element) => {
		el.remove();
		if (scripts.at(-1)?.svg === undefined && el.namespaceURI === HTML_NAMESPACE)
			el.after("<area/>", { html: true });
	};

	/**
	 * A denied element that loads by `attribute` (a source, a hint, a base) goes where it is HTML's, void.
	 * In SVG or MathML its tag builds an element holding what follows, which lol-html ends at an ancestor's
	 * end tag where the page writes none: removed, `<svg><base href=…></svg>` took the `</svg>` with it,
	 * and the page after was built inside the SVG (and `<math><base href=…><script …>…</math>` lost the
	 * script). There the attribute goes, which the preload scanner reads as an HTML element's.
	 */
	const removeLoading = (el: Element, attribute: string) => {
		if (el.namespaceURI === HTML_NAMESPACE) el.remove();
		else el.removeAttribute(attribute);
	};

	/**
	 * A MathML script is an inert MathML element holding markup: Chromium runs none of it. But lol-html
	 * names some scripts MathML's that Chromium builds otherwise: a `<math>` tag in SVG outside an
	 * integration point builds an SVG element named math, whose script is an SVG one, and a tag that
	 * ends the SVG there (`<svg><g><math><mi><br/></mi><script …>`) makes what follows HTML's. Both
	 * fetched a tracker's script through the guard (session 54). So what such a script would load, its
	 * `href` or `xlink:href` as SVG's or its `src` as HTML's, or its marker, is judged as theirs are and
	 * a denied one made inert (the URL kept aside in `data-src`); its text stays where it is.
	 */
	const guardMathScript = (el: Element) => {
		const type = el.getAttribute("type");
		if (!RUNNABLE_TYPES.has((type ?? "").trim().toLowerCase())) return;
		judgeForeignScript(el, markerPurposes(el.getAttribute("data-consent")), type);
	};
	/**
	 * A script in SVG or MathML by what it would load as an SVG script (its `href`, else `xlink:href`) and
	 * as an HTML one (its `src`), whichever the browser builds: made inert when any names a denied
	 * purpose, its URL kept aside in `data-src` (the SVG one first, as for an SVG script). Whether it loads
	 * is the browser's tree builder's to say, which lol-html's namespace does not always follow.
	 */
	const judgeForeignScript = (
		el: Element,
		marked: readonly string[],
		type: string | null,
		href = el.getAttribute("href") ?? el.getAttribute("xlink:href"),
	) => {
		const src = el.getAttribute("src");
		let purposes = [...marked];
		for (const url of [href, src]) if (url !== null) purposes = union(purposes, classify(url));
		if (!anyDenied(purposes)) return;
		neutraliseScript(el, purposes, type, href ?? src);
		el.removeAttribute("href");
		el.removeAttribute("xlink:href");
	};

	const guardScript: HTMLRewriterElementContentHandlers = {
		element(el) {
			givenEnds = undefined;
			// Read from lol-html once: the runtime's place, a MathML script and an SVG one all depend on it.
			const namespace = namespaceOf(el);
			runtimeBefore(el, namespace);
			// Replaced below by the end handler of a script held back, which writes the same.
			if (namespace !== HTML_NAMESPACE) scannerEnd(el, true);
			if (namespace === MATHML_NAMESPACE) return guardMathScript(el);
			const inSvg = namespace === SVG_NAMESPACE;
			// An HTML script is inside a held SVG script only under an integration point (`<desc>`): else the
			// SVG scripts still held were closed without their end tag.
			if (!inSvg && scripts.at(-1)?.svg?.html === 0) el.before(unclosedScripts(), { html: true });
			const type = el.getAttribute("type");
			const kind = (type ?? "").trim().toLowerCase();
			const deferredSrc = DEFERRED_TYPES.get(kind);
			const rules = kind === "speculationrules" || kind === "importmap" ? kind : undefined;
			if (!RUNNABLE_TYPES.has(kind) && deferredSrc === undefined && rules === undefined) return;
			const marked = markerPurposes(el.getAttribute("data-consent"));
			// An SVG script loads its `href` (or, without one, its `xlink:href`), as Chromium does: kept aside
			// in `data-src` when denied, so the SDK can run it once allowed, as a gated script's `src`.
			const svgSrc = inSvg ? (el.getAttribute("href") ?? el.getAttribute("xlink:href")) : null;
			// Its `src` too: where lol-html names it SVG's, the browser may have ended the SVG before it.
			if (svgSrc !== null) return judgeForeignScript(el, marked, type, svgSrc);
			const src = el.getAttribute(deferredSrc ?? "src");
			if (deferredSrc !== undefined && deferredSrc !== "src" && src !== null) {
				// The loader reads its own attribute: the URL stays where it is, only the type changes.
				const purposes = union(marked, classify(src));
				if (anyDenied(purposes)) neutraliseScript(el, purposes, type, null);
				return;
			}
			if (src !== null) {
				const purposes = union(marked, classify(src));
				if (anyDenied(purposes)) neutraliseScript(el, purposes, type, src);
				return;
			}
			if (anyDenied(marked)) {
				neutraliseScript(el, marked, type, null);
				return;
			}
			// The verdict needs the whole source: hold the script back and write it out at its end tag.
			const attributes = attributesOf(el);
			const svg: SvgScriptBody | undefined = inSvg
				? { markup: [], children: [], html: 0, dropped: 0 }
				: undefined;
			const foreign = !inSvg && foreignOpen > 0;
			const current: InlineScript = { attributes, marked, rules, chunks: [], svg, foreign };
			// Only an SVG script gets the scanner's end (a classic one has its own): no check for the others.
			const scannerOpen = svg !== undefined && scannerMayWait();
			try {
				onEnd(
					el,
					(end) => {
						// lol-html pairs a script the page ended with `<p>` with a later end tag (`</div>`), and removes it.
						if (current.unclosed) end.before(`</${end.name}>`, { html: true });
						if (scripts.at(-1) !== current) return;
						scripts.pop();
						// lol-html also ends an SVG script at an end tag closing an element around it (`</svg>`), and
						// removes that tag: the browser closes the script there, without running it. The preload
						// scanner does not (SCRIPT_END_FOR_SCANNER).
						const own = end.name === "script";
						const unowned = scannerOpen ? SCRIPT_END_FOR_SCANNER : "";
						writeHeld(closeScript(current, own ? "</script>" : unowned), (markup) =>
							end.before(own ? markup : `${markup}</${end.name}>`, { html: true }),
						);
					},
					true,
				);
			} catch {
				// `<script/>` in SVG: no end tag, no text to judge; left to the child handler, if in a held script.
				return;
			}
			el.removeAndKeepContent();
			scripts.push(current);
		},
		text(chunk) {
			const current = scripts.at(-1);
			if (current === undefined) return;
			// Removing an empty chunk (a text node's last, most often) would change nothing.
			const text = chunk.text;
			if (text === "") return;
			chunk.remove();
			const { svg } = current;
			if (svg === undefined) {
				current.chunks.push(text);
				return;
			}
			// A style's own text is its sheet's, judged and written at its end (svgStyle); an HTML style's or
			// noscript's (at an integration point) is heldText's.
			if (svg.dropped > 0 || rawHeld) return;
			const sheet = sheets.at(-1);
			if (sheet !== undefined && sheet.held >= scripts.length && sheet.children.length === 0) return;
			svg.markup.push(text.replaceAll("<", "&lt;"));
			if (svg.children.length === 0) current.chunks.push(text);
		},
		// Only an SVG script holds comments. The preload scanner reads an SVG script's text as an HTML
		// script's, where `<!--` starts no comment: a `</script>` in the comment ends the script for it and
		// the tags after are read (`<svg><script><!--</script><img src=…>` fetched the pixel). One holding a
		// tag naming a denied tracker goes, as scannerComment drops one elsewhere in SVG or MathML.
		comments(comment) {
			const svg = scripts.at(-1)?.svg;
			if (svg === undefined) return;
			const text = comment.text;
			if (svg.dropped === 0 && !(text.includes(">") && scannerFetches(text)))
				svg.markup.push(`<!--${text}-->`);
			comment.remove();
		},
	};

	/** The scripts still held, as far as they came, no longer held: the browser closed them without an end tag. */
	const unclosedScripts = (): string => {
		let markup = "";
		// Outermost first: the preload scanner reads the others as its text (SCRIPT_END_FOR_SCANNER).
		const scannerOpen = !xml && sheets.length === 0;
		for (let current = scripts.shift(); current !== undefined; current = scripts.shift()) {
			current.unclosed = true;
			const ending = current.svg !== undefined && scannerOpen ? SCRIPT_END_FOR_SCANNER : "";
			markup += closeScript(current, ending);
		}
		return markup;
	};

	/**
	 * A child element of a held SVG script (registered last, so other handlers have changed it): held
	 * with the script's text, its start tag as they left it. An HTML element that is no child of an
	 * integration point ends the SVG in the browser (`<p>`, `<b>`): the script, closed without its end
	 * tag, is not run (checked in Chromium), and is written before it, as far as it came.
	 */
	const svgScriptChild = (el: Element) => {
		holdScriptChild(el);
		// Last on any element: what it was given is no later element's.
		givenEnds = undefined;
	};
	const holdScriptChild = (el: Element) => {
		const owner = scripts.at(-1);
		const svg = owner?.svg;
		// A nested script held on its own is taken by guardScript (registered earlier, the only handler
		// that removes a script).
		if (svg === undefined || svg.dropped > 0 || (el.removed && el.tagName === "script")) return;
		// An SVG integration point holds HTML: the workerd that `wrangler dev` runs names it SVG, the one
		// the workers tests run names it HTML (its HTML child then broke out in the browser test alone).
		const point = SVG_INTEGRATION_POINT.test(el.tagName);
		const html = el.namespaceURI === HTML_NAMESPACE || point;
		if (html && svg.html === 0 && !point) {
			el.before(unclosedScripts(), { html: true });
			return;
		}
		const name = el.tagName;
		const removed = el.removed;
		// An HTML style or noscript (raw text) is judged by heldText, which writes it into the script.
		const raw = html && (name === "style" || name === "noscript");
		try {
			onEnd(el, (end) => {
				if (raw) rawHeld = false;
				// Its script, ended by the page before it (`<p>`), is written: its end tag is the page's.
				if (owner?.unclosed) {
					if (!removed) end.before(`</${end.name}>`, { html: true });
					return;
				}
				if (removed) {
					svg.dropped--;
					return;
				}
				if (svg.children.pop()) svg.html--;
				svg.markup.push(`</${name}>`);
			});
		} catch {
			// Self-closing or void: no end tag, no content.
			if (removed) return;
			svg.markup.push(startTag(name, attributesOf(el)).replace(/>$/, "/>"));
			el.remove();
			return;
		}
		// Removed by another handler: its content goes with it.
		if (removed) {
			svg.dropped++;
			return;
		}
		svg.markup.push(startTag(name, attributesOf(el)));
		svg.children.push(html);
		if (html) svg.html++;
		if (raw) rawHeld = true;
		el.removeAndKeepContent();
	};

	// Elements without a type or `data-consent` marker (most of a page's) are judged by one URL alone,
	// read once: every attribute read is a call into the runtime.
	const guardPlainScript = (el: Element) => {
		givenEnds = undefined;
		runtimeBefore(el);
		// Inside SVG or MathML by its tags, whatever lol-html names it: an SVG script loads its `href`.
		if (foreignOpen > 0) {
			if (namespaceOf(el) !== HTML_NAMESPACE) scannerEnd(el, true);
			return judgeForeignScript(el, [], null);
		}
		const src = el.getAttribute("src") as string;
		const purposes = classify(src);
		if (anyDenied(purposes)) neutraliseScript(el, purposes, null, src);
	};

	/** Whether a decoded URL is a tracker of a denied purpose (srcset candidates, noscript pixels). */
	const deniedUrl = (url: string) => {
		const purpose = classifyTrackerUrl(url, overrides, options.http);
		return purpose !== null && denies(purpose);
	};

	/**
	 * Whether any candidate of a raw `srcset` is a tracker of a denied purpose. Decoded before it is
	 * split, as a browser does (`&#32;` or `&#44;` can separate candidates).
	 */
	const deniedSrcset = (raw: string | null) =>
		raw !== null && srcsetUrls(decodeAttribute(raw)).some(deniedUrl);

	/** A frame of a denied purpose keeps its `src` aside in `data-src`, marked with its purposes (true). */
	const gateFrame = (el: Element, purposes: readonly string[], src: string | null): boolean => {
		if (!anyDenied(purposes)) return false;
		el.setAttribute("data-consent", purposes.join(" "));
		moveAside(el, "src", src);
		return true;
	};

	/** An element loading a denied tracker keeps its URL aside (`poster` → `data-poster`), marked. */
	const gateUrl = (el: Element, attribute: string, url = el.getAttribute(attribute)) => {
		if (url === null) return;
		const purposes = classify(url);
		if (!anyDenied(purposes)) return;
		el.setAttribute("data-consent", purposes.join(" "));
		moveAside(el, attribute, url);
	};

	const strippedAttribute = (attribute: string): HTMLRewriterElementContentHandlers => ({
		element(el) {
			const stripped = verdicts.strippedLink(el.getAttribute(attribute) ?? "");
			if (stripped !== null) el.setAttribute(attribute, stripped);
		},
	});
	const stripHref = strippedAttribute("href");

	/**
	 * A frame the guard let load keeps its URL without tracking parameters (its own navigation). Told
	 * by the frame handlers, so a frame is one call: only a query can carry them (its `?` may be a
	 * character reference), as for links.
	 */
	const stripFrameSrc = (el: Element, src: string | null) => {
		if (src === null || !(src.includes("?") || src.includes("&"))) return;
		const stripped = verdicts.strippedLink(src);
		if (stripped !== null) el.setAttribute("src", stripped);
	};

	/**
	 * `<meta http-equiv="refresh" content="5; url=…">` navigates like a link: its URL is stripped too,
	 * and named on the visitor's site when it names ORIGIN. One that would name the page itself once
	 * stripped keeps its URL or is left out (PageAddress).
	 */
	const stripRefresh = (el: Element) => {
		const content = el.getAttribute("content") as string;
		const span = refreshUrlSpan(content);
		if (span === null) return;
		const url = content.slice(span.start, span.end);
		const onSite = proxied === undefined ? null : publicLocation(url, proxied.origin, proxied.site);
		const written = onSite ?? url;
		const stripped = verdicts.strippedLink(written);
		const insisted = stripped === null ? null : ownTarget(written, span.delay);
		if (insisted !== null && address?.refreshed === undefined) {
			el.remove();
			return;
		}
		const kept = insisted === null ? (stripped ?? onSite) : onSite;
		if (kept !== null)
			el.setAttribute("content", `${content.slice(0, span.start)}${kept}${content.slice(span.end)}`);
	};

	/** The target of a refresh to `written` (raw) that names the page itself once stripped, or null. */
	const ownTarget = (written: string, delay: number): Insistence | null => {
		if (address === undefined) return null;
		const url = address.url();
		const location = underBase(decodeAttribute(written), baseHref, url);
		const verdict = guardedLocation(location, url, address.originHost(), strip);
		const insisted = verdict !== null && "insisted" in verdict ? { target: verdict.insisted, delay } : null;
		address.refreshed?.(insisted);
		return insisted;
	};

	/**
	 * A noscript's or style's text comes in chunks: held, and written back (without denied pixels or
	 * URLs) where its last chunk was. Raw text is one text node, so no end-tag callback is needed (an
	 * empty one has nothing to write). In SVG or MathML they are parsed as markup (CDATA sections, child
	 * elements), not raw text, and their elements are judged as any others: an SVG style is `svg`'s (below),
	 * anything else there is left as it is.
	 */
	const heldText = (
		rewrite: (text: string) => string | null,
		svg?: HTMLRewriterElementContentHandlers,
	): HTMLRewriterElementContentHandlers => {
		let chunks: string[] | null = null;
		let inSvg = false;
		return {
			element(el) {
				const namespace = namespaceOf(el);
				// A MathML style is `svg`'s too (its end tag, Sheet).
				inSvg = svg !== undefined && namespace !== HTML_NAMESPACE;
				if (inSvg) svg?.element?.(el);
				chunks = namespace === HTML_NAMESPACE ? [] : null;
			},
			text(chunk) {
				if (inSvg) svg?.text?.(chunk);
				if (chunks === null) return;
				chunks.push(chunk.text);
				if (!chunk.lastInTextNode) {
					chunk.remove();
					return;
				}
				const text = chunks.join("");
				const written = rewrite(text) ?? text;
				// At an integration point in a held SVG script: written into it, in its place.
				if (rawHeld) {
					chunk.remove();
					writeHeld(written, () => {});
				} else chunk.replace(written, { html: true });
				chunks = null;
			},
		};
	};

	/**
	 * An SVG style's sheet is its own text pieces joined, references decoded, CDATA included (checked in
	 * Chromium): a comment or child element between two pieces is no part of it, so a URL split by one
	 * (`url(https://connect.face<!--x-->book.net/p)`) loads. The pieces are held and the sheet, without
	 * denied URLs, is written as one text at the end tag (after the style's children and comments), or
	 * at the page's end. A CDATA section's `<` is written as a reference, so it cannot become markup (its
	 * references, which a CDATA section keeps as text, are then decoded: a text chunk does not say it came
	 * from CDATA, so its `&` cannot be escaped alone). Text inside a child is the child's and stays;
	 * `sheets` holds the styles open, innermost last, with their open children. An HTML element there
	 * that is no child of an integration point (`foreignObject`, `mi`, an HTML element) ends the SVG in
	 * the browser (`<p>`, `<img>`, `<font color>`: the parser tells which): the style's sheet so far is
	 * written before it, and the text after it is the page's (checked in Chromium). So is its end tag,
	 * where the browser ends it: the preload scanner reads an SVG style as raw text up to the first
	 * `</style>`, and `<svg><style><b><script></style><img src=…>` fetched the pixel the DOM holds as
	 * the HTML script's text.
	 */
	const sheets: Sheet[] = [];
	const sheetText = (raw: string) =>
		(withoutDeniedCssUrls(raw, deniedUrl, true) ?? raw).replaceAll("<", "&lt;");
	/**
	 * A sheet written while children of its style are open (a tag ending the SVG inside one, or the
	 * style's end tag, which closes them in the browser): they are closed first, so its text is the
	 * style's and not the child's (foreign elements, which the browser closes there anyway).
	 */
	const closedSheet = (sheet: Sheet): string => {
		const text = sheetText(sheet.text);
		if (text === "" || sheet.names.length === 0) return text;
		return `${sheet.names
			.toReversed()
			.map((name) => `</${name}>`)
			.join("")}${text}`;
	};
	const svgStyle: HTMLRewriterElementContentHandlers = {
		element(el) {
			// Chromium applies one inside an SVG script too (its `@import` and `url()` load): its sheet goes
			// into the script's markup, before the style's end tag.
			// A MathML style is judged as one too (Sheet). Inside an `<svg>` it is taken for an SVG style: lol-html
			// names MathML's a style Chromium builds as SVG's (a `<math>` tag in SVG outside an integration
			// point builds an SVG element) or HTML's (after a tag there that ends the SVG), whose `@import` and
			// `url()` loaded through the guard (session 54).
			const math = el.namespaceURI === MATHML_NAMESPACE && svgOpen === 0;
			const sheet: Sheet = { text: "", children: [], names: [], html: 0, held: scripts.length, math };
			// Ended without its end tag, it is still raw text to the preload scanner (endForScanner).
			const unowned = scannerMayWait() ? endForScanner("style") : "";
			const close = (end: EndTag) => {
				if (!sheets.includes(sheet)) return;
				sheets.splice(sheets.indexOf(sheet), 1);
				const ending = end.name === "style" ? "" : unowned;
				writeHeld(`${closedSheet(sheet)}${ending}`, (markup) => end.before(markup, { html: true }));
			};
			try {
				// Inside a style, svgStyleChild gave it one first.
				onEnd(el, close, sheets.length === 0);
			} catch {
				// `<style/>`: no end tag, no text.
				if (unowned !== "") el.after(unowned, { html: true });
				return;
			}
			sheets.push(sheet);
		},
		text(chunk) {
			const sheet = sheets.at(-1);
			if (sheet === undefined || sheet.children.length > 0) return;
			sheet.text += chunk.text;
			chunk.remove();
		},
	};
	/** A child element of an SVG style: its text, up to its end tag (a self-closing one has none), is its own. */
	const svgStyleChild = (el: Element) => {
		// First on any element whose end handlers no earlier handler starts.
		const tag = el.tagName;
		if (!endsStartedEarlier(tag)) givenEnds = undefined;
		let sheet = sheets.at(-1);
		if (sheet === undefined) return;
		// An SVG integration point holds HTML whichever namespace lol-html gives it (see svgScriptChild).
		const point = sheet.math ? MATHML_INTEGRATION_POINT : SVG_INTEGRATION_POINT;
		const html = el.namespaceURI === HTML_NAMESPACE || point.test(el.tagName);
		if (html && sheet.html === 0 && !INTEGRATION_POINT.test(el.tagName) && !xml) {
			// The browser closes every foreign element up to an integration point: nested styles too, whose
			// sheets all go before the element (a style inside a style's child, seldom seen). Not in an
			// XHTML page, where the element is the style's child and a `</style>` here an XML error.
			do {
				writeHeld(`${closedSheet(sheet)}</style>`, (markup) => el.before(markup, { html: true }));
				// Written: its children's end tags, later, have no sheet to close them before.
				sheet.text = "";
				sheets.pop();
				sheet = sheets.at(-1);
				// The style just ended was its parent style's last open child: not to be closed again.
				if (sheet?.html === 0) {
					sheet.names.pop();
					sheet.children.pop();
				}
			} while (sheet !== undefined && sheet.html === 0);
			return;
		}
		const open = sheet;
		try {
			const name = el.tagName;
			onEnd(el, (end) => {
				open.names.pop();
				if (open.children.pop()) open.html--;
				// Closed by another's end tag (`</style>`), before the sheet is written there: closed first, so
				// the sheet is the style's (in a held script, the script's markup closes it).
				if (end.name !== name && open.text !== "" && scripts.length === 0)
					end.before(`</${name}>`, { html: true });
			});
			open.names.push(name);
			open.children.push(html);
			if (html) open.html++;
		} catch {}
	};

	/**
	 * A CDATA section in SVG or MathML is text, but Chromium's preload scanner, which does not know it
	 * is in foreign content, reads `<![CDATA[` as a bogus comment ending at the first `>` and fetches
	 * the tags after it (`<![CDATA[<p><img src=…>]]>`). A text node there holding a tag that names a
	 * denied tracker, or one left open at its end naming a host, is written
	 * as escaped text between `]]>` and `<![CDATA[`: the same characters, merged into one text node by
	 * the browser (checked in Chromium), and no tag. HTMLRewriter does not say a chunk is CDATA: text
	 * elsewhere in SVG holds no `<` before a letter, but an HTML raw text element at an integration
	 * point does (`<foreignObject><textarea>`): its handlers (a script's, a style's, a noscript's, and
	 * the raw text one below) have written its chunks, or it is a script they leave (README, known limits).
	 * Held from its first chunk holding `<` (a tag or URL may be split between chunks) to its last.
	 */
	let cdataHeld: string[] | null = null;
	const cdataText = (chunk: Text) => {
		// A held script's or style's text (removed, written by its handler with `<` as `&lt;`).
		if (chunk.removed) return;
		const text = chunk.text;
		if (cdataHeld === null) {
			if (!text.includes("<")) return;
			if (chunk.lastInTextNode) {
				if (scannerReads(text)) chunk.replace(scannerText(text), { html: true });
				return;
			}
			cdataHeld = [];
		}
		cdataHeld.push(text);
		if (!chunk.lastInTextNode) {
			chunk.remove();
			return;
		}
		const whole = cdataHeld.join("");
		cdataHeld = null;
		chunk.replace(scannerReads(whole) ? scannerText(whole) : whole, { html: true });
	};
	/**
	 * Whether the preload scanner may fetch a denied tracker's URL in CDATA text, or read raw text from
	 * it. The scanner reads a CDATA section in SVG or MathML as a bogus comment, ended at its first `>`,
	 * and the rest as markup: a raw text element's start tag there puts it into raw text the tree builder
	 * never enters (`<svg><![CDATA[--><script>…` read the page after as a script's text, to a
	 * `</script>` in a later `<noembed>`, and fetched the pixel after that; seed 143, page 62).
	 */
	const scannerReads = (text: string) => scannerFetches(text) || RAW_TEXT_START.test(text);
	/**
	 * A comment in SVG or MathML is a comment in the DOM, but the preload scanner leaves foreign content
	 * where the tree builder does not (at an HTML element inside an integration point) and reads
	 * `<noframes>`, `<style>` or `<title>` after it as raw text, whose end tag in the comment ends it:
	 * `<svg><foreignObject><div></div></foreignObject><noframes><!--</noframes><script src=…>` fetches
	 * the script. One holding a tag naming a denied tracker goes (a comment, nothing the page shows).
	 * A bogus comment (`<![CDATA[` at an integration point, which Chromium reads as a CDATA section)
	 * holds no `>`, so no end tag, and the scanner ends it at the first `>` too: it stays.
	 */
	const scannerComment = (comment: Comment) => {
		if (comment.removed) return;
		const text = comment.text;
		if (text.includes(">") && scannerFetches(text)) comment.remove();
	};
	/**
	 * An element inside a raw text element's name in SVG or MathML (`<svg><style><g title="…">`): the
	 * preload scanner reads that element as raw text, ended by its end tag anywhere, also inside an
	 * attribute (`<g title="</style><img src=…>">` fetched the pixel). Attributes holding a tag that
	 * names a denied tracker (read together: an end tag in one, the tag in the next) have their `<`
	 * written `&lt;`, the same value (lol-html reads and writes an attribute's raw text).
	 */
	const scannerAttributes = (el: Element) => {
		if (el.removed) return;
		const attributes = attributesOf(el).filter(([, value]) => value.includes("<"));
		if (attributes.length === 0 || !scannerFetches(attributes.map(([, value]) => value).join(" "))) return;
		for (const [name, value] of attributes) el.setAttribute(name, value.replaceAll("<", "&lt;"));
	};
	/** Whether the preload scanner may read a tag in `text` naming a denied tracker (linear time). */
	const scannerFetches = (text: string): boolean => {
		if (!TAG_OPEN.test(text)) return false;
		// A tag left open at the end, naming a host: its URL may go on in the next section.
		const open = text.slice(text.lastIndexOf(">") + 1);
		if (TAG_OPEN.test(open) && ABSOLUTE_PARTS.some((part) => open.includes(part))) return true;
		// A URL's tabs and line breaks are dropped by the browser (`https:/&Tab;/host`).
		const urls =
			decodeAttribute(text)
				.replace(/[\t\n\r]/g, "")
				.match(ABSOLUTE_URL) ?? [];
		return urls.some(deniedUrl);
	};

	/** Whether the text handed to the title and textarea handler is an HTML title's or textarea's own. */
	let rcdataText = false;
	/** Whether the last title or textarea begun is foreign content's, whose text holds CDATA (cdataText). */
	let foreignText = false;
	/**
	 * The text of the element a handler's element callback chose (`hold()`) held from chunk to chunk and
	 * written at its last, as `write` makes it; another element's (`pass()`) is left as it is.
	 */
	const wholeText = (write: (text: string) => string) => {
		let held: string[] | null = null;
		return {
			hold: () => {
				held = [];
			},
			pass: () => {
				held = null;
			},
			text(chunk: Text) {
				if (chunk.removed) return;
				if (held === null) return;
				held.push(chunk.text);
				if (!chunk.lastInTextNode) {
					chunk.remove();
					return;
				}
				const text = held.join("");
				held = null;
				chunk.replace(write(text), { html: true });
			},
		};
	};

	/**
	 * How many `<svg>` and `<math>` elements are open, by their start and end tags. HTMLRewriter's tree
	 * builder is a simple one, and sometimes takes an element for HTML's where the browser's builds
	 * MathML or SVG: in <math><mtext><p><form></form></mtext><xmp><img src=…>, the form closes the p for
	 * Chromium, so `</mtext>` ends the text point, the xmp is MathML's and its img (a tag that ends the
	 * MathML) is fetched; HTMLRewriter reads the img as the xmp's raw text. So, while one is open, the text
	 * of an HTML raw text element or script that holds a tag naming a denied tracker is written so no
	 * parser reads a tag in it (foreignSafeText, foreignSafeScript). Where there is no disagreement, the
	 * text is the same or nearly (an HTML raw text element keeps `&lt;` as written). An SVG left open
	 * (no `</svg>`) keeps the count up: the rest of the page is then treated so, which changes only such
	 * text.
	 */
	let foreignOpen = 0;
	/** How many of them are `<svg>` elements (svgStyle). */
	let svgOpen = 0;
	/**
	 * lol-html's namespace for an element whose handling depends on it: a script, a style, a noscript,
	 * raw text, a title or textarea. HTMLRewriter's tree builder keeps the SVG or MathML namespace after
	 * an end tag that its element stack, and the browser, took as closing the svg or math
	 * (pointClosedByAncestor): `</svg>` inside a `<desc>`, `<title>` or `<foreignObject>`, `</math>`
	 * inside an `<mi>`. Chromium builds what follows as HTML, and what the guard did there as if it were
	 * MathML or SVG went wrong (session 56): an inline tracker's script named MathML's, inert and left as
	 * written, ran and fetched its pixel; an SVG style's sheet, ended before a `<b>` in it, and a MathML
	 * title's script, given the `<!--</title>-->` an HTML title's gets, let a script run that as written
	 * is the HTML style's or title's text. The guard gives up on such a page (AmbiguousMarkup), and on
	 * any element named MathML's with no math open by its tags: the workerd the workers tests run (not
	 * the one `wrangler dev` runs) names what follows a self-closed `<math/>` MathML's, and its scripts
	 * would be left as inert. What follows a self-closed `<svg/>` there is named SVG's and judged as
	 * such (an SVG script's verdict is its text's), so that common icon markup is not given up on.
	 */
	const namespaceOf = (el: Element): string => {
		const namespace = el.namespaceURI;
		if (
			foreignOpen === 0 &&
			namespace !== HTML_NAMESPACE &&
			(namespace === MATHML_NAMESPACE || pointClosedByAncestor)
		)
			throw new AmbiguousMarkup(
				`a <${el.tagName}> HTMLRewriter names SVG's or MathML's after its svg or math was closed`,
			);
		return namespace;
	};
	/**
	 * Starts an element's end handlers with `closed` (the first handler on it: those given later add to
	 * them); false where it has no end tag (`<svg/>`, `<mi/>`: open no longer than its tag).
	 */
	const startEnds = (el: Element, closed: (end: EndTag) => void): boolean => {
		try {
			onEnd(el, closed, true);
			return true;
		} catch {
			givenEnds = undefined;
			return false;
		}
	};
	/**
	 * The svgs and maths (false) and integration points (true) open by their tags, outermost first: what
	 * a breakout tag ends, and whether that is inside an integration point.
	 */
	const nesting: boolean[] = [];
	/** Opens `point` in nesting until its element ends (by lol-html's element stack). */
	const nest = (point: boolean) => {
		const depth = nesting.push(point);
		return () => {
			nesting.length = Math.min(nesting.length, depth - 1);
		};
	};
	const countForeign = (el: Element) => {
		pointClosedByAncestor = false;
		const svg = el.tagName === "svg";
		let unnest = (): void => {};
		const closed = () => {
			foreignOpen--;
			if (svg) svgOpen--;
			unnest();
		};
		if (!startEnds(el, closed)) return;
		foreignOpen++;
		if (svg) svgOpen++;
		unnest = nest(false);
	};
	/** A breakout tag straight in an svg or math inside another's integration point (BREAKOUT_SELECTOR). */
	const breakout = (el: Element) => {
		if (xml || nesting.length < 3 || nesting.at(-1) !== false || !nesting.includes(true)) return;
		const tag = el.tagName;
		const styled =
			tag === "font" && (el.hasAttribute("color") || el.hasAttribute("face") || el.hasAttribute("size"));
		if (!breaksOut(tag, styled)) return;
		throw new AmbiguousMarkup(`a <${tag}> ending an svg or math inside another's integration point`);
	};
	/** How many integration points (POINT_SELECTOR) are open, by their tags. */
	let pointsOpen = 0;
	/** Since the last svg or math began, an integration point was closed by another's end tag (namespaceOf). */
	let pointClosedByAncestor = false;
	const countPoint = (el: Element) => {
		const tag = el.tagName;
		// An SVG title is raw text to the preload scanner (TITLE_END_FOR_SCANNER).
		const title = tag === "title" && scannerMayWait();
		let unnest = (): void => {};
		const closed = (end: EndTag) => {
			pointsOpen--;
			unnest();
			if (end.name === tag) return;
			pointClosedByAncestor = true;
			if (title) end.before(endForScanner(tag), { html: true });
		};
		if (startEnds(el, closed)) {
			pointsOpen++;
			unnest = nest(true);
		} else if (title) el.after(endForScanner(tag), { html: true });
	};
	/** HTML elements of REOPENED's kinds open inside MathML's or SVG's integration points, by their tags. */
	const reopenable = new Map<string, number>();
	const countReopenable = (el: Element) => {
		// First on these elements: what an element of the same name was given is not this one's.
		givenEnds = undefined;
		if (el.namespaceURI !== HTML_NAMESPACE || pointsOpen === 0) return;
		const name = el.tagName;
		const kind = REOPENED[name] ?? name;
		if ((reopenable.get(kind) ?? 0) > 0 || (name === "button" && (reopenable.get("select") ?? 0) > 0))
			throw new AmbiguousMarkup(
				`a <${name}> where the browser closes an open element of its kind, in MathML or SVG`,
			);
		if (startEnds(el, () => reopenable.set(kind, (reopenable.get(kind) ?? 1) - 1)))
			reopenable.set(kind, (reopenable.get(kind) ?? 0) + 1);
	};
	/** The prefixes an XHTML page has bound to BROWSER_NAMESPACES so far (an approximation: one scope). */
	const boundPrefixes = new Set<string>();
	/** In an XHTML page, every element: one the guard judges, under such a prefix, gives the page up. */
	const prefixedElement = (el: Element) => {
		for (const [attribute, value] of attributesOf(el))
			if (attribute.startsWith("xmlns:") && BROWSER_NAMESPACES.has(value))
				boundPrefixes.add(attribute.slice(6));
		const name = el.tagName;
		const colon = name.indexOf(":");
		if (colon > 0 && boundPrefixes.has(name.slice(0, colon)) && JUDGED_ELEMENTS.has(name.slice(colon + 1)))
			throw new AmbiguousMarkup(
				`a <${name}>, an element the guard judges under a namespace prefix, in XHTML`,
			);
	};
	/** A raw text element's text, where it may be MathML's or SVG's: its `<` a reference if it names a tracker. */
	const foreignSafeText = (text: string): string | null =>
		foreignOpen > 0 && scannerFetches(text) ? text.replaceAll("<", "&lt;") : null;
	/** A held noscript's or style's text as rewritten (null: unchanged), and then so. */
	const foreignSafe = (rewritten: string | null, text: string): string | null =>
		foreignOpen === 0 ? rewritten : (foreignSafeText(rewritten ?? text) ?? rewritten);
	/**
	 * A script's text there: only the `<`s of a tag that names a denied tracker in its attributes (its
	 * own and any in its quoted values) are written `\u003c`, the same character in a script's string,
	 * template, regular expression or JSON (where tags in a script are found), and in a comment. The rest
	 * of the script, its `a<b` too, stays as written. After a `<!--`, a `<script` or `</script` keeps its
	 * `<`: there the tokenizer counts them to tell where the script ends, and in
	 * `<script>x="<!--<script>";</script><script src=…></script><script>…</script>` Chromium reads one
	 * script to the page's end, as lol-html does; with that `<` escaped it ended at the tracker's own
	 * `</script>`, and ran the last script, which the guard had read as text (checked in Chromium). A
	 * `<!--` keeps its `<` too, in a tag's quoted value as well (the tokenizer knows no quotes there): in
	 * `<script><iframe srcdoc="<!--x--!><img src=…>"><script>…</script><script>…</script>` Chromium
	 * reads one script, and with that `<` escaped ran the last one (seed 105's page 50, session 55). A tag
	 * keeping a `<` has its `=` written `\u003d` instead (the same character), so it has no `src` for the
	 * preload scanner, which reads one after `<noframes>` there (seed 5's page 4 fetched it).
	 */
	const foreignSafeScript = (text: string): string => {
		if (!TAG_OPEN.test(text)) return text;
		const comment = text.indexOf("<!--");
		return text.replace(FOREIGN_TAG, (tag, at: number) => {
			if (!scannerFetches(tag)) return tag;
			if (comment === -1 || comment >= at + tag.length) return tag.replaceAll("<", "\\u003c");
			const kept = tag.replace(SCRIPT_TAG_LESS_THAN, "\\u003c");
			return kept.includes("<") ? kept.replaceAll("=", "\\u003d") : kept;
		});
	};

	/**
	 * An HTML raw text element's text, held while an svg or math is open; else left as it is. Left, not
	 * written: text with a `<` that no handler holds there is a CDATA section's in SVG or MathML (an
	 * element of a raw text element's name there has no raw text), which cdataText escapes.
	 */
	const rawText = wholeText((text) => foreignSafeText(text) ?? text);
	/** An HTML script's in SVG or MathML that no other handler holds. */
	const scriptText = wholeText(foreignSafeScript);

	/** Only an XHTML page has every element looked at (prefixedElement). */
	const inXml = (rewriter: PageRewriter) => (xml ? rewriter.on("*", { element: prefixedElement }) : rewriter);

	/** Only a page naming no charset has its `<meta>` declarations looked at. */
	const afterCharset = (rewriter: PageRewriter) =>
		options.metaCharset !== true
			? rewriter
			: rewriter.on('meta[charset], meta[http-equiv="content-type" i]', {
					element(el) {
						if (runtime === undefined) return;
						el.after(runtime, { html: true });
						runtime = undefined;
					},
				});

	/** What is still held at the page's end, unless it ends inside markup. */
	const writeHeldAtEnd = async (end: DocumentEnd, page: PageBytes) => {
		const bytes = await page.read();
		if (bytes === null) return;
		// A page ending inside a comment in a held SVG script ends inside nothing the rewrite wrote: the
		// script took the comment (its comments handler) and writes it back closed, with what it holds.
		const ends = await pageEnd(bytes, page.contentType);
		if (ends === "markup" || (ends === "comment" && scripts.at(-1)?.svg === undefined)) return;
		const here = (markup: string) => end.append(markup, { html: true });
		// Innermost first: a sheet goes into the SVG script it is in, a nested script into its parent.
		for (;;) {
			const sheet = sheets.at(-1);
			if (sheet !== undefined && sheet.held >= scripts.length) {
				sheets.pop();
				writeHeld(sheetText(sheet.text), here);
				continue;
			}
			const current = scripts.pop();
			if (current === undefined) break;
			writeHeld(closeScript(current, ""), here);
		}
	};

	const rewriter = afterCharset(
		pageRewriter()
			// First: it starts an svg's or math's end handlers.
			.on("svg, math", { element: countForeign })
			.on(POINT_SELECTOR, { element: countPoint })
			.on(REOPENED_SELECTOR, { element: countReopenable })
			.on(BREAKOUT_SELECTOR, { element: breakout })
			.on(FOREIGN_RAW_TEXT_SELECTOR, {
				element(el) {
					// A title in an svg too has its end from countPoint; one inside another of its name is read
					// as that one's text, whose end serves.
					if (el.namespaceURI === HTML_NAMESPACE || givenEnds?.tag === el.tagName) return;
					scannerEnd(el, true);
				},
			})
			.on("head", {
				element(el) {
					if (runtime === undefined || options.metaCharset === true) return;
					el.prepend(runtime, { html: true });
					runtime = undefined;
				},
			})
			// A legacy `background` loads an image.
			.on("body", {
				element(el) {
					runtimeBefore(el);
					const background = el.getAttribute("background");
					if (background !== null && !el.hasAttribute("data-consent")) gateUrl(el, "background", background);
				},
			})
			// A script in an SVG or MathML title: the preload scanner reads the title as raw text, ended by a
			// `</title>` in the script's text (<svg><title><b><script></title><img src=…> fetched the pixel).
			// `<!--</title>-->` before it ends the title there for the scanner, and is a comment to the tree
			// builder. A bare `</title>` (sessions 46-53) was ignored in an HTML element in the title but
			// ended the title where the script was directly in it, which lol-html's element stack does not
			// always tell: after a breakout from an SVG in the title (<svg><title><svg><g><br><script>) or a
			// `<p>` a `<div>` closed (<svg><title><p><div></div><script>), the script was built as SVG's
			// there, its text parsed as markup. lol-html sees no children in an HTML title.
			.on("title script", {
				element(el) {
					// lol-html reads this title's text as markup, as an SVG or MathML title's. With no svg or math
					// open by its tags (`<svg><desc></svg></desc><title>`), the browser's is an HTML title, whose
					// text it is: the `<!--</title>-->` would end it, and what follows would run (session 56).
					if (foreignOpen === 0)
						throw new AmbiguousMarkup(
							"a <title> HTMLRewriter reads as SVG's or MathML's after its svg or math was closed",
						);
					if (el.namespaceURI === HTML_NAMESPACE)
						writeHeld(TITLE_END_FOR_SCANNER, (markup) => el.before(markup, { html: true }));
				},
			})
			// An external script is judged by its tag alone: no text callbacks for its (empty) body. Nor is a
			// script whose type names JSON (JSON-LD, a framework's data) or a template: no such type is run,
			// deferred or guarded as rules (above), so its text decides nothing.
			.on("script[src]:not([type]):not([data-consent])", { element: guardPlainScript })
			.on(
				'script[src][type], script[src][data-consent], script[type*="json" i], script[type*="template" i]',
				{ element: guardScript.element },
			)
			.on('script:not([src]):not([type*="json" i]):not([type*="template" i])', guardScript)
			// An HTML script in SVG or MathML that the handlers above leave as written (external, JSON, a
			// template, gated by its marker): held to its last chunk and written so (foreignSafeScript). Only
			// there: elsewhere, a script no browser runs costs no text callback.
			.on("svg script, math script", {
				element(el) {
					if (el.namespaceURI === HTML_NAMESPACE) scriptText.hold();
					else scriptText.pass();
				},
				text: scriptText.text,
			})
			.on(
				"noscript",
				heldText((body) => foreignSafe(withoutDeniedPixels(body, deniedUrl), body)),
			)
			// The runtime charges per matched element, so selectors let the parser skip what cannot
			// matter: a relative image is first-party unless the site classified its own paths or the
			// guard's beacon paths may take it. An image goes by its `src` or any candidate of its
			// `srcset`, judged in one call (the handler tests again which of the two may matter). But
			// lol-html also tries every selector on every start tag and compiles them all per page: a
			// `srcset` (absolute on most sites, so let in anyway) and a `<picture>` source are let in
			// whole, tested here, rather than by a selector per part (56 fewer).
			.on(
				sitePaths
					? "img[src]:not([data-consent]), img[srcset]:not([data-consent])"
					: `${holding("img", "src", IMAGE_PARTS)}, img[srcset]:not([data-consent])`,
				{
					element(el) {
						const src = el.getAttribute("src");
						if (imageUrlMatters(src) && anyDenied(classify(src))) {
							removeImage(el);
							return;
						}
						const srcset = el.getAttribute("srcset");
						if (imageUrlMatters(srcset) && deniedSrcset(srcset)) removeImage(el);
					},
				},
			)
			// A `<picture>`'s sources too, by every candidate.
			.on("source[srcset]:not([data-consent])", {
				element(el) {
					const srcset = el.getAttribute("srcset");
					if (imageUrlMatters(srcset) && deniedSrcset(srcset)) removeLoading(el, "srcset");
				},
			})
			.on("img[data-consent]", {
				element(el) {
					if (anyDenied(markerPurposes(el.getAttribute("data-consent")))) {
						moveAside(el, "src");
						moveAside(el, "srcset");
						return;
					}
					const src = el.getAttribute("src");
					if ((src !== null && anyDenied(classify(src))) || deniedSrcset(el.getAttribute("srcset"))) {
						removeImage(el);
					}
				},
			})
			.on("iframe[src]:not([data-consent])", {
				element(el) {
					const src = el.getAttribute("src") as string;
					if (!gateFrame(el, classify(src), src)) stripFrameSrc(el, src);
				},
			})
			// An inline frame's document is markup in an attribute: any tracker URL in it gates the frame.
			// Decoded twice: the attribute's references, then those of the frame's own attributes. Its CSS
			// is read as CSS (escapes), also with its comments and tags left out, which an SVG style's
			// sheet leaves out (`url(https://connect.face<!---->book.net/p)`). Its images' relative URLs
			// resolve against the page's: one on a beacon path gates the frame as a tracker's pixel does.
			.on("iframe[srcdoc]", {
				element(el) {
					const markup = decodeAttribute(el.getAttribute("srcdoc") as string);
					const srcdoc = decodeAttribute(markup);
					const urls: string[] = srcdoc.match(ABSOLUTE_URL) ?? [];
					const noted = (url: string) => {
						urls.push(url);
						return false;
					};
					withoutDeniedPixels(markup, noted);
					withoutDeniedCssUrls(srcdoc, noted, false, true);
					// Tags and comments hold no `<` or `>` of their own, mostly: read in linear time.
					withoutDeniedCssUrls(srcdoc.replace(/<[^<>]*>/g, ""), noted, false, true);
					// Its URLs are decoded as the frame reads them: no further (`&amp;amp;sol;` is `&sol;` there).
					const purposes = union(
						[],
						urls.flatMap((url) => {
							const purpose = classifyTrackerUrl(url, overrides, options.http);
							return purpose === null ? [] : [purpose];
						}),
					);
					if (!anyDenied(purposes)) return;
					el.setAttribute(
						"data-consent",
						union(markerPurposes(el.getAttribute("data-consent")), purposes).join(" "),
					);
					moveAside(el, "srcdoc");
					// A srcdoc wins over a src: without it the frame would load its src, a request it never made.
					moveAside(el, "src");
				},
			})
			.on("iframe[data-consent]", {
				element(el) {
					const src = el.getAttribute("src");
					const marked = markerPurposes(el.getAttribute("data-consent"));
					if (!gateFrame(el, src === null ? marked : union(marked, classify(src)), src))
						stripFrameSrc(el, src);
				},
			})
			.on("source[data-consent]", {
				element(el) {
					if (anyDenied(markerPurposes(el.getAttribute("data-consent")))) {
						moveAside(el, "src");
						moveAside(el, "srcset");
					} else if (deniedSrcset(el.getAttribute("srcset"))) {
						removeLoading(el, "srcset");
					}
				},
			})
			.on(HINTS, {
				element(el) {
					if (anyDenied(classify(el.getAttribute("href") as string))) removeLoading(el, "href");
				},
			})
			// An image preload loads one of its `imagesrcset` candidates, whatever its `href` says.
			.on('link[imagesrcset][rel~="preload" i]', {
				element(el) {
					if (!el.removed && deniedSrcset(el.getAttribute("imagesrcset"))) removeLoading(el, "imagesrcset");
				},
			})
			// A base URL on a tracker's host would make every relative URL after it (which the handlers
			// above take as first-party) a request to that tracker: it goes, and they stay on the site.
			// The first one kept is the document's base URL, for the meta refreshes after it, and for the
			// runtime's own `src`: without a head tag, the tag goes before it, else a base on another host
			// (`<base href=https://cdn.example/>`) loads the runtime from there, and it never runs (an SVG
			// base sets no URL, checked in Chromium).
			.on("base[href]", {
				element(el) {
					if (el.namespaceURI === HTML_NAMESPACE) runtimeBefore(el, HTML_NAMESPACE);
					const href = el.getAttribute("href") as string;
					if (anyDenied(classify(href))) removeLoading(el, "href");
					else baseHref ??= href;
				},
			})
			.on(
				LOADING_ATTRIBUTES.map(([name, attribute]) => `${name}[${attribute}]:not([data-consent])`).join(", "),
				{
					element(el) {
						const tag = el.tagName;
						for (const [name, attribute] of LOADING_ATTRIBUTES) {
							if (tag === name) gateUrl(el, attribute);
						}
					},
				},
			)
			.on([...LAZY_SRC, ...LAZY_SRCSET].map((a) => `img[${a}]:not([data-consent])`).join(", "), {
				element(el) {
					if (el.removed) return;
					const lazy =
						LAZY_SRC.some((a) => {
							const url = el.getAttribute(a);
							return url !== null && anyDenied(classify(url));
						}) || LAZY_SRCSET.some((a) => deniedSrcset(el.getAttribute(a)));
					if (lazy) el.remove();
				},
			})
			// A frame's lazy URL is dropped (a frame the guard gates itself keeps its `src` in `data-src`,
			// so only frames marked by nobody are looked at).
			.on(LAZY_SRC.map((a) => `iframe[${a}]:not([data-consent])`).join(", "), {
				element(el) {
					for (const attribute of LAZY_SRC) {
						const url = el.getAttribute(attribute);
						if (url === null) continue;
						const purposes = classify(url);
						if (!anyDenied(purposes)) continue;
						el.setAttribute("data-consent", purposes.join(" "));
						el.removeAttribute(attribute);
					}
				},
			})
			// An SVG `<use>` fetches the document its reference names (Chromium fetches another host's), an
			// SVG image or filter image (`<feImage>`) its image; they also take `xlink:href`. `<image src>`
			// is parsed as an `<img>`: one the site did not mark is judged by its `src` too.
			.on("use, feimage", {
				element(el) {
					gateUrl(el, "href");
					gateUrl(el, "xlink:href");
				},
			})
			.on("image", {
				element(el) {
					const marked = el.hasAttribute("data-consent");
					gateUrl(el, "href");
					if (!marked) gateUrl(el, "src");
					gateUrl(el, "xlink:href");
				},
			})
			.on("style *", {
				element(el) {
					svgStyleChild(el);
					scannerAttributes(el);
				},
			})
			.on(
				"style",
				heldText((css) => foreignSafe(withoutDeniedCssUrls(css, deniedUrl), css), svgStyle),
			)
			// A function's name may be escaped or referenced (`\75 rl(`, `u&#114;l(`, `url&lpar;`): style
			// attributes holding `\` or `&#` are rare (1 and 0 of 6,379 on htmlparser-benchmark's 258 pages).
			.on(
				'[style*="url(" i], [style*="@import" i], [style*="image-set(" i], [style*="\\\\"], [style*="&#"], [style*="&lpar;"], [style*="&bsol;"]',
				{
					element(el) {
						const css = withoutDeniedCssUrls(el.getAttribute("style") as string, deniedUrl, true);
						if (css !== null) el.setAttribute("style", css);
					},
				},
			)
			// Hyperlink auditing: Chromium POSTs to every `ping` URL when the link is followed.
			.on("a[ping], area[ping]", {
				element(el) {
					const ping = el.getAttribute("ping") as string;
					const urls = ping.split(/[\t\n\f\r ]+/).filter(Boolean);
					const kept = urls.filter((url) => !anyDenied(classify(url)));
					if (kept.length === urls.length) return;
					if (kept.length === 0) el.removeAttribute("ping");
					else el.setAttribute("ping", kept.join(" "));
				},
			})
			// Only a link with a query can carry tracking parameters (its `?` may be a character reference).
			.on('a[href*="?"], a[href*="&"]', stripHref)
			// An SVG link without an `href` follows its `xlink:href` (checked in Chromium). Rare: one
			// selector lets every such link in, and the handler leaves one without a query as it is.
			.on("a[xlink\\:href]", strippedAttribute("xlink:href"))
			// Only a refresh with a query can carry tracking parameters, and only an absolute one names ORIGIN.
			.on(
				'meta[http-equiv="refresh" i][content*="?"], meta[http-equiv="refresh" i][content*="&"], meta[http-equiv="refresh" i][content*="://"]',
				{ element: stripRefresh },
			)
			.on('area[href*="?"], area[href*="&"]', stripHref)
			// Only in SVG or MathML has a raw text element's name children (HTMLRewriter reads no tags in raw
			// text); a style's are `style *`'s (above). No `plaintext`: the scanner reads no end tag after it.
			.on("title *, textarea *, xmp *, iframe *, noembed *, noframes *, noscript *", {
				element(el) {
					// A title with children holds no raw text: the text after is theirs or its own in SVG.
					rcdataText = false;
					scannerAttributes(el);
				},
			})
			// Last: a held SVG script's children are written back as the handlers above left them.
			.on("script *", { element: svgScriptChild })
			// An `<img>` in SVG or MathML ends it in the browser (out of an integration point): a removed pixel
			// leaves an empty `<body/>` tag, which ends it the same way and is ignored once in HTML (checked in
			// Chromium); self-closed, so an XHTML page stays well-formed XML. After svgScriptChild, so it goes
			// into a held script's markup where the img was. After the image handlers too: lol-html writes a
			// later `after()` nearer the element, so the `<body/>` comes before removeImage's `<area/>`.
			.on("svg img, math img", {
				element(el) {
					if (el.removed) writeHeld("<body/>", (markup) => el.after(markup, { html: true }));
				},
			})
			// Raw text, which holds tags as text (also at an integration point in SVG or MathML, where the
			// preload scanner reads it as raw text too): while an svg or math is open, HTML's is held to its
			// last chunk, and written so (foreignSafeText), which cdataText then takes as removed. One lol-html
			// names SVG's or MathML's holds CDATA sections, for cdataText: the preload scanner reads such an
			// element as raw text to its end tag, and `<svg><noembed><![CDATA[</noembed><img src=…>` fetched
			// the img (session 61; it also reached one past an element that lol-html's selectors kept open
			// after a breakout, random page 57 of seed 170 with loaders).
			.on("xmp, iframe, noembed, noframes, plaintext", {
				element(el) {
					// Read first: one lol-html misnames gives the page up (namespaceOf).
					const html = namespaceOf(el) === HTML_NAMESPACE;
					if (foreignOpen > 0 && html) rawText.hold();
					else rawText.pass();
				},
				text: rawText.text,
			})
			// A title's or textarea's text is written with its `<` as a reference, which the browser decodes
			// there: the same text. Where lol-html takes the element for HTML's and Chromium for MathML's, it
			// holds no tag either: in <math><mtext><p><form></form></mtext><title><img src=…>, the form closes
			// the p, so </mtext> ends the text point, and Chromium fetched the img lol-html read as text.
			// Only its own text, which lol-html gives in one text node: an SVG title's children (a JSON
			// script's text) are written as they are, as raw text's. An SVG title is an integration point,
			// which holds no CDATA; a textarea in SVG or MathML, or a MathML title, is not: its CDATA sections
			// are left to cdataText (`<svg><textarea><![CDATA[</textarea><img src=…>` fetched the img).
			.on("title, textarea", {
				element(el) {
					const namespace = namespaceOf(el);
					rcdataText = namespace === HTML_NAMESPACE;
					foreignText =
						namespace !== HTML_NAMESPACE && (namespace !== SVG_NAMESPACE || el.tagName !== "title");
				},
				text(chunk) {
					const own = rcdataText;
					if (chunk.lastInTextNode) rcdataText = false;
					if (chunk.removed || foreignText || !chunk.text.includes("<")) return;
					chunk.replace(own ? chunk.text.replaceAll("<", "&lt;") : chunk.text, { html: true });
				},
			})
			// Last: text other handlers left (a held script's or sheet's they removed, and write escaped), and
			// comments the preload scanner may read tags in.
			.on("svg, math", { text: cdataText, comments: scannerComment })
			.onDocument({
				// A page cut off inside a held-back script still gets what was held, unclosed as the page left it
				// (Chromium runs no script the file ends in), unless the page ended inside a tag, comment or
				// doctype, which would take it in (page-end.ts). A noscript's or style's text is written at its
				// last chunk, which comes at the end too.
				end(end) {
					if (page === undefined) return;
					if (scripts.length === 0 && sheets.length === 0) return page.release();
					// Only a page that leaves something held reads its bytes again: no other waits on a promise.
					return writeHeldAtEnd(end, page);
				},
			}),
	);
	return inXml(rewriter);
}

/**
 * A refresh's decoded URL as the browser resolves it: against the document's base URL, the page's
 * first `<base href>` (raw) resolved against the page, when that is an http(s) URL (Chromium ignores
 * a `data:` or `javascript:` one, and a relative URL cannot resolve against those anyway); else as it
 * is, left to resolve against the page.
 */
function underBase(url: string, baseHref: string | null, page: URL): string {
	if (baseHref === null) return url;
	try {
		const base = new URL(decodeAttribute(baseHref), page);
		if (base.protocol !== "http:" && base.protocol !== "https:") return url;
		return new URL(url, base).href;
	} catch {
		return url;
	}
}

/**
 * The rewritten body. HTMLRewriter refuses charsets it cannot parse (an unknown label, or one that is
 * not ASCII-compatible such as UTF-16): those bodies are parsed as windows-1252, which maps every byte
 * to a character and back, so markup in an unknown ASCII-compatible charset is still found, the text
 * around it keeps its bytes, and an ASCII-incompatible body matches nothing and passes through as it
 * was, rather than failing the page. A page read whole whose Content-Type names no charset is parsed
 * with the one its first bytes declare; a streamed one must have it named (`rewriteUndeclaredHtml`).
 */
export function rewriteHtml(
	body: ReadableStream | ArrayBuffer,
	contentType: string,
	options: HtmlGuardOptions,
): ReadableStream | null {
	const parsedAs =
		body instanceof ArrayBuffer && !namesCharset(contentType)
			? sniffedContentType(contentType, new Uint8Array(body, 0, Math.min(body.byteLength, PRESCAN_BYTES)))
			: contentType;
	// The end handler may need the page's bytes (page-end.ts): a streamed page's are kept as they pass.
	const kept = body instanceof ArrayBuffer ? null : keptBytes(body);
	const parsed = kept === null ? body : kept.stream;
	const guarded = (type: string) => {
		const page: PageBytes = {
			contentType: type,
			read: () => (kept === null ? Promise.resolve(parsed as ArrayBuffer) : kept.bytes),
			release: () => kept?.release(),
		};
		return htmlGuard(options, page).transform(new Response(parsed, { headers: { "Content-Type": type } }))
			.body;
	};
	try {
		return guarded(parsedAs);
	} catch (err) {
		console.warn(`cannot parse ${parsedAs}; rewriting it byte for byte as ${BYTEWISE}`, err);
		return guarded(`text/html; charset=${BYTEWISE}`);
	}
}

/**
 * How long a streamed page's head is waited for: a server that flushes its first bytes early and
 * renders the rest slowly holds the page back no longer than this.
 */
const HEAD_WAIT_MS = 500;

/** The rewrite of a streamed page whose Content-Type names no charset: its head is read first. */
export async function rewriteUndeclaredHtml(
	body: ReadableStream<Uint8Array>,
	contentType: string,
	options: HtmlGuardOptions,
): Promise<ReadableStream | null> {
	// A head that declares its charset early is enough: the page's first bytes are not held back.
	const { head, stream } = await peekStream(body, PRESCAN_BYTES, HEAD_WAIT_MS, settlesCharset);
	return rewriteHtml(stream, sniffedContentType(contentType, head), options);
}
