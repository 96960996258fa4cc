/**
 * The guard's rewrite, differentially (CONTRACT.md: "leaving every other element intact"): random pages
 * (random-pages.ts) are loaded in Chromium as written and through the guard as an opted-out visitor,
 * and the trees Chromium builds must be the same once the guard's intended changes are undone
 * (`normalised`); the page's other scripts run as before, and nothing is asked of a tracker's host.
 * A second pass loads pages whose trackers also load by every other way a page can ask for a URL
 * (`srcset`, `<link>`, `poster`, `<object>`, a sheet's `url()`, …; random-pages.ts, `loaders`) and asks
 * only that none loads (session 61, seeds 1 and 169-190 x 200: seed 170's page 57 loaded a pixel from
 * a CDATA section the guard took for a `<noembed>`'s raw text, since fixed; the distilled pages below).
 * A fixed seed keeps it a test; to try more pages run it with CE_DIFF_SEED=<n> CE_DIFF_PAGES=<count>
 * CE_DIFF_LOADER_PAGES=<count> (each mismatch is printed with its page), e.g. `CE_DIFF_SEED=2
 * CE_DIFF_PAGES=200 npm run test:browser -- test/browser/guard-rewrite-diff.test.ts`. Other seeds still
 * find mismatches the guard cannot fix alone: lol-html reads an element's namespace otherwise than
 * Chromium after markup its tree builder does not follow (`<math>` in `<svg>` or the reverse, a `<ul>`
 * closing a `<p>` in a `<foreignObject>`, an HTML end tag closing an SVG), where the guard errs towards
 * text: a page's own script there may not run (seeds 8-190 x 200, bench/HISTORY.md sessions 52-61).
 * Seed 55 found the other direction, where a tracker loaded: an element HTMLRewriter keeps open
 * inside `<mi>` or `<mtext>` (nested buttons) made it take the MathML after `</mi>` for HTML, and seed 91 one where a
 * script ran guarded that does not as written (nested buttons in a `<foreignObject>`); the guard now
 * gives up on such a page (html-guard.ts, REOPENED), which this test counts with the pages lol-html
 * gave up on. Seed 143 found a pixel the preload scanner fetched after a raw text element's name in SVG
 * that the tree builder ended without its end tag (guard/scanner-ends.ts; session 59), and seed 147 a
 * tracker's script loaded from a frame's `srcdoc` after a breakout in a nested svg, which the guard
 * now gives up on too (html-guard.ts, BREAKOUT_SELECTOR; session 60).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { withoutDeniedPixels } from "../../workers/guard/noscript-pixels";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { randomPage, TRACKER_HOSTS, TRACKING_PARAMS } from "./random-pages";
import { type RecordingSite, serveRecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard rewrite differential");

const SEED = Number(process.env.CE_DIFF_SEED ?? 1);
const PAGES = Number(process.env.CE_DIFF_PAGES ?? 40);
/** Pages whose trackers also load by every other way (random-pages.ts, `loaders`): 0 skips them. */
const LOADER_PAGES = Number(process.env.CE_DIFF_LOADER_PAGES ?? 40);
const OPTED_OUT = { "X-Debug-Geo": "DE" };

/**
 * Pages the random ones found a bug in, shrunk: each is compared as the random ones are.
 * A MathML script is an inert element holding markup (its text, comment and child kept in place), and
 * without a head tag the runtime goes before the first HTML script, not into a MathML or SVG one.
 */
const DISTILLED: readonly string[] = [
	'<math><script>r.push("m");<!--c--><mi>x</mi>fbq("init", "1");</script></math><script>(window.r=window.r||[]).push("s0");</script>',
	'<svg><script src="/s.js"></script></svg><p>x</p>',
	// An SVG script in an SVG style's child element stays there (it was written at the page's end).
	'<svg><style><g><script>(window.r=window.r||[]).push("g");</script></g>.c{}</style></svg><p>x</p>',
	// A removed pixel that ended an SVG or MathML (`<img>` breaks out) still ends it: what follows is HTML.
	'<svg><g></g><img src="https://www.facebook.com/tr?id=1&amp;ev=a" width="1" height="1"><g>x</g><p>y</p></svg><math><mi>m</mi><img src="https://www.facebook.com/tr?id=2"><mo>z</mo></math>',
	// An SVG style's sheet written while a child is open (a tag ending the SVG in it, or `</style>`) stays
	// the style's text (seed 5, pages 185 and 189).
	"<svg><g><style>p{}<a><b>bold</b></a><pre>x</pre></style></g></svg><p>y</p>",
	"<svg><style>p{}<noscript><br>a</noscript><p>b</p></style></svg>",
	"<svg><style>p{}<a>x</style><g>y</g></svg>",
	// Without a head tag the runtime goes before a base on another host, which would load it from there
	// (seed 7, page 164).
	'<base href=https://x.example/b/><script>(window.r=window.r||[]).push("s0");</script>',
	// After `<!--`, a script's `<script` tags tell where it ends: with one escaped, the last script, text
	// to the guard, ran ungated (seed 5, pages 74, 135 and 147; seed 7, page 187); kept, the preload
	// scanner read its `src` after a `<noframes>` (seed 5, page 4).
	'<math><mi><script>x="<!--<script>";</script><script src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script><script>(window.r=window.r||[]).push("s1");new Image().src="https://www.facebook.com/tr?id=1&ev=x";</script></mi></math>',
	'<noscript><img src="https://www.facebook.com/tr?id=1&amp;ev=s29" width="1" height="1"></noscript><p>x</p>',
	'<svg><foreignObject><br> </foreignObject><noframes><b>bold<script>(window.r=window.r||[]).push("s14<!--<script>");</noframes><script src="https://www.googletagmanager.com/gtag/js?id=G-ABC123">',
	// A pixel's `<img>` reconstructs the formatting elements the page left open (a `<b>` here): what
	// follows it is built inside a new `<b>`, so the removed pixel leaves an `<area/>` that does the same
	// (seed 5, page 67).
	'<p><b>x</p><img src="https://www.facebook.com/tr?id=1&amp;ev=f" width="1" height="1"><p>y</p><script>(window.r=window.r||[]).push("f");</script>',
	'<ul><li><svg><g><script type="application/ld+json">{"a":"<b>"}</script></g></svg><li><img src="https://www.facebook.com/tr?id=1&amp;ev=s23"><script>(window.r=window.r||[]).push("s0");</script></ul>',
	// The preload scanner reads an SVG script's text as an HTML script's: `</script>` in a comment there
	// ended it, and the pixel after was fetched (seed 13, page 169). The comment goes.
	'<head></head><svg><script><!-- x</script><img src="https://www.facebook.com/tr?id=1&amp;ev=c"> --></script></svg><p>y</p>',
	// Without a head tag, before the first script, an SVG one, the runtime is an SVG script that loads its
	// `href`; left to the page's end, it was written inside the SVG, where it did not run (seed 14, page 75).
	'<svg><script>(window.r=window.r||[]).push("s");</script><script>x',
	// A page ending inside a comment in an SVG script lost the script: the comment, which the script took,
	// was taken for the page's end inside markup (seed 14, page 37).
	'<head></head><svg><g><script>(window.r=window.r||[]).push("s51<!--<script>");</script></g><p>x</p>',
	// Without a head tag or an HTML script, a page ending inside a MathML one had the runtime written inside
	// it, an inert MathML element (seed 14, page 75).
	"<math><script>(window.r=window.r||[]).push('m');",
	"<svg><math><mi><script>(window.r=window.r||[]).push('s');</script></mi></math></svg>",
	// `</math>` in an `<mi>` closes the math for Chromium and HTMLRewriter's element stack, but
	// HTMLRewriter named the script after it MathML's, inert to the guard: without a head tag the runtime
	// waited for an HTML element, and the pixel loaded (session 56). The page is given up on.
	'<math><mi></math></mi><script>new Image().src="https://www.facebook.com/tr?id=1&ev=mi";</script><p>x</p>',
	// A script HTMLRewriter names MathML's inside an svg runs in Chromium, as SVG's (a `<math>` tag in SVG
	// builds an SVG element) or HTML's (a `<br/>` there ends the SVG): the runtime's tag waited for an HTML
	// element and came after it, and its pixel loaded (session 56).
	'<svg><g><math><script>new Image().src="https://www.facebook.com/tr?id=1&ev=sm";(window.r=window.r||[]).push("sm");</script></math></svg><p>x</p>',
	'<svg><g><math><mi><br/></mi><script>new Image().src="https://www.facebook.com/tr?id=1&ev=sb";(window.r=window.r||[]).push("sb");</script></math></svg><p>x</p>',
	// An `<svg>` in MathML outside an integration point is a MathML element, its script inert: the
	// runtime's tag before it, which HTMLRewriter names SVG's, never ran, and a later pixel loaded.
	'<math><svg><script>var a = 1;</script></svg></math><script>new Image().src="https://www.facebook.com/tr?id=1&ev=ms";(window.r=window.r||[]).push("ms");</script>',
	// The preload scanner reads an element named as a raw text element in SVG or MathML as raw text to its
	// end tag, wherever the tree builder ended it: after that end tag in a `<noembed>`, a comment or an
	// attribute, it fetched the pixel (seed 143, page 62; session 59). So did a script tag in a CDATA
	// section, which the scanner reads as a bogus comment ended at the first `>`.
	'<svg><script></svg><noembed></script><img src="https://www.facebook.com/tr?id=1&amp;ev=e1"></noembed><p>x</p>',
	'<svg><script/></svg><!--</script><img src="https://www.facebook.com/tr?id=1&amp;ev=e2">--><p>x</p>',
	'<math><script src="/m.js"></math><p title="</script><img src=https://www.facebook.com/tr?id=1&amp;ev=e3>">x</p>',
	'<svg><script><p>x</p></svg><noembed></script><img src="https://www.facebook.com/tr?id=1&amp;ev=e4"></noembed>',
	'<svg><style></svg><noembed></style><img src="https://www.facebook.com/tr?id=1&amp;ev=e5"></noembed><p>x</p>',
	'<svg><title></svg><noembed></title><img src="https://www.facebook.com/tr?id=1&amp;ev=e6"></noembed><p>x</p>',
	'<math><textarea></math><noframes></textarea><img src="https://www.facebook.com/tr?id=1&amp;ev=e7"></noframes><p>x</p>',
	'<svg><![CDATA[--><script>x="<!--<script>";</script>-->]]></svg><noembed></script><img src="https://www.facebook.com/tr?id=1&amp;ev=e8"></noembed><p>x</p>',
	// After a breakout from an svg inside another's foreignObject, HTMLRewriter named the next script
	// SVG's, HTML's to Chromium: its `<!--` hid the iframe after it from the guard, whose `srcdoc` loaded
	// a tracker's script (seed 147, page 11; session 60). The page is given up on.
	`<svg><foreignObject><svg><foreignObject></foreignObject><img src="/x.png"></svg></foreignObject><script>(window.r=window.r||[]).push("b");/* <!-- */</script><iframe srcdoc="<script><!--//--></script><script src='https://connect.facebook.net/en_US/fbevents.js'></script>"></iframe></svg><p>x</p>`,
	// An element of a raw text element's name in SVG or MathML holds CDATA, which the guard had left as
	// raw text's: the preload scanner ended the element at the end tag in the section and fetched the img
	// after it. The last: lol-html's selectors kept the noembed open after the div ended it, to a later
	// section (seed 170's page 57 with loaders; session 61).
	'<svg><noembed><![CDATA[</noembed><b><img src="https://www.facebook.com/tr?id=1&amp;ev=r1">]]></noembed></svg><p>x</p>',
	'<svg><textarea>a<![CDATA[</textarea><b><img src="https://www.facebook.com/tr?id=1&amp;ev=r2">]]></textarea></svg><p>x</p>',
	'<math><iframe><![CDATA[</iframe><b><img src="https://www.facebook.com/tr?id=1&amp;ev=r3">]]></iframe></math><p>x</p>',
	'<svg><noembed><div><script>x="<!--<script>";</script></noembed>--></script></div><svg><![CDATA[<b><img src="https://www.facebook.com/tr?id=1&amp;ev=r4">]]></svg><p>x</p>',
];

/** An element as [namespace and name, attributes, children], a text or comment as a string. */
type Shape = string | [name: string, attributes: [string, string][], children: Shape[]];

interface Built {
	readonly tree: Shape;
	readonly quirks: string;
	readonly ran: string[];
	/** The guard's runtime is in the page (in any namespace), and whether it ran. */
	readonly runtime: readonly [written: boolean, ran: boolean];
	/** Requests to a tracker's host. */
	readonly trackers: string[];
}

const GAVE_UP = "The rest of this page could not be shown with your privacy choices applied.";
const STUB = "(function(w,f,q){function m(){";
const ACTIVATION = "(function(w){[";
const TRACKER = new RegExp(TRACKER_HOSTS.map((host) => host.replaceAll(".", "\\.")).join("|"), "i");

/** The comments guard/scanner-ends.ts spells and html-guard.ts writes (`</title>` above). */
const SCANNER_ENDS =
	/^#comment <\/(?:script><!-- |style>|textarea>|xmp>|iframe>|noembed>|noframes>|noscript>)$/;

/** HTML's raw text elements, whose text holds tags as text. */
const RAW_TEXT = /^html (?:xmp|noembed|noframes|iframe|style|noscript|plaintext)$/;

const textOf = (children: Shape[]) =>
	children.map((c) => (typeof c === "string" && c.startsWith("#text ") ? c.slice(6) : "")).join("");

/** A link's URL without tracking parameters, however the guard wrote what is left. */
function withoutTracking(href: string): string {
	try {
		const url = new URL(href, "http://base.test/dir/");
		// The guard also reads a name after a stray `?` (`??utm_source=a`), as strip-tracking-params.ts says.
		for (const name of [...url.searchParams.keys()])
			if (TRACKING_PARAMS.includes(name.replace(/^\?+/, "").toLowerCase())) url.searchParams.delete(name);
		url.search = url.searchParams.toString();
		return url.href;
	} catch {
		return href;
	}
}

/** The tree with the guard's intended changes undone (gated scripts and frames, stripped links) or made on both. */
function normalised(shape: Shape, guarded: boolean, parent = ""): Shape | null {
	if (typeof shape === "string") {
		// Before a script in an SVG or MathML title the guard writes a comment ending the title for the
		// preload scanner (html-guard.ts, TITLE_END_FOR_SCANNER); taken out of both trees.
		if (shape === "#comment </title>") return null;
		// Where the tree builder ends an SVG or MathML element named as a raw text element without its end
		// tag, the guard writes comments ending it for the preload scanner (guard/scanner-ends.ts).
		if (SCANNER_ENDS.test(shape)) return null;
		// A comment in SVG or MathML holding a tracker's tag goes (html-guard.ts, scannerComment): the
		// preload scanner may read tags in it.
		if (
			shape.startsWith("#comment ") &&
			/^(?:svg|MathML) /.test(parent) &&
			shape.includes(">") &&
			TRACKER.test(shape)
		)
			return null;
		if (!shape.startsWith("#text ")) return shape;
		// A noscript's pixels are cut (scripting on, its content is text): by the guard's own reading of
		// its markup (noscript-pixels.ts has its tests), so only where the guard takes a noscript is tested.
		const text =
			guarded || parent !== "html noscript"
				? shape
				: (withoutDeniedPixels(shape, (url) => TRACKER.test(url)) ?? shape);
		// One that held a pixel alone is empty as guarded: no text node at all (seed 7, page 90).
		if (text === "#text ") return null;
		// While lol-html has an svg or math open, a tracker's tag in raw text or a script is written with
		// `&lt;` or `\u003c` (html-guard.ts, foreignSafeText), in a script after `<!--` its `=` as `\u003d`:
		// where Chromium has it HTML's, the text keeps them. Both trees are read so.
		if (RAW_TEXT.test(parent)) return text.replaceAll("&lt;", "<");
		if (parent === "html script") return text.replaceAll("\\u003c", "<").replaceAll("\\u003d", "=");
		return text;
	}
	const [name, attributes, children] = shape;
	let attrs = new Map(attributes);
	const text = textOf(children);
	// The runtime's tag written at the page's end with an svg or math open is inside an `<mtext>` of its own
	// (html-guard.ts, lateRuntime).
	const [only] = children;
	if (guarded && name.endsWith(" mtext") && children.length === 1 && Array.isArray(only)) {
		if (only[0].endsWith(" script") && new Map(only[1]).get("src")?.startsWith("/v1/guard/runtime.js"))
			return null;
	}
	if (name.endsWith(" script")) {
		if (guarded && (text.startsWith(STUB) || text.startsWith(ACTIVATION))) return null;
		if (guarded && attrs.get("src")?.startsWith("/v1/guard/runtime.js")) return null;
		if (attrs.has("data-consent") && attrs.get("type") === "text/plain") {
			const type = attrs.get("data-type");
			attrs.delete("type");
			if (type !== undefined) attrs.set("type", type);
			const src = attrs.get("data-src");
			if (src !== undefined) attrs.set("src", src);
			attrs.delete("data-type");
			attrs.delete("data-src");
		}
		attrs.delete("data-consent");
	}
	if (name === "html img" && TRACKER.test(`${attrs.get("src")} ${attrs.get("srcset")}`)) return null;
	// Where the guard removed one, it left an inert `<area/>` that is built as the img was (html-guard.ts).
	if (guarded && name === "html area" && attributes.length === 0) return null;
	if ((name.endsWith(" a") || name === "html area") && attrs.has("href"))
		attrs.set("href", withoutTracking(attrs.get("href") as string));
	// The guard gates a frame by its tag name, in any namespace (an SVG `<iframe>`, inert, too): lol-html's
	// namespace is not Chromium's after some breakouts, and a frame it missed would load.
	if (name.endsWith(" iframe") && attrs.has("data-consent")) {
		for (const moved of ["srcdoc", "src"]) {
			const value = attrs.get(`data-${moved}`);
			attrs.delete(`data-${moved}`);
			if (value !== undefined) attrs.set(moved, value);
		}
		attrs.delete("data-consent");
	}
	attrs = new Map([...attrs].sort(([a], [b]) => (a < b ? -1 : 1)));
	const kept: Shape[] = [];
	for (const child of children) {
		const out = normalised(child, guarded, name);
		if (out === null) continue;
		const last = kept.at(-1);
		// Text either side of a removed element is one text node in the other tree.
		if (
			typeof out === "string" &&
			typeof last === "string" &&
			out.startsWith("#text ") &&
			last.startsWith("#text ")
		)
			kept[kept.length - 1] = last + out.slice(6);
		else kept.push(out);
	}
	// An SVG or MathML style's sheet is written back as one text after its children (html-guard.ts, svgStyle).
	if (name === "svg style" || name === "MathML style") {
		const sheet = kept.filter((c) => typeof c === "string" && c.startsWith("#text "));
		if (sheet.length > 0) {
			const others = kept.filter((c) => !sheet.includes(c));
			return [name, [...attrs], [...others, `#text ${sheet.map((c) => (c as string).slice(6)).join("")}`]];
		}
	}
	return [name, [...attrs], kept];
}

/** Where two trees first differ, as a path of names and the two subtrees there. */
function firstDifference(a: Shape, b: Shape, path = ""): string | null {
	if (JSON.stringify(a) === JSON.stringify(b)) return null;
	if (
		typeof a === "string" ||
		typeof b === "string" ||
		a[0] !== b[0] ||
		JSON.stringify(a[1]) !== JSON.stringify(b[1])
	)
		return `${path}: ${JSON.stringify(a).slice(0, 300)} ≠ ${JSON.stringify(b).slice(0, 300)}`;
	for (let i = 0; i < Math.max(a[2].length, b[2].length); i++) {
		const x = a[2][i];
		const y = b[2][i];
		if (x === undefined || y === undefined)
			return `${path}/${a[0]}[${i}]: ${JSON.stringify(x)?.slice(0, 300)} ≠ ${JSON.stringify(y)?.slice(0, 300)}`;
		const found = firstDifference(x, y, `${path}/${a[0]}[${i}]`);
		if (found !== null) return found;
	}
	return `${path}: children differ`;
}

/** `/case/<index>` is a distilled page, `/p/<seed>/<index>` a random one, `/l/…` one with `loaders`. */
function pageAt(path: string): string | undefined {
	const [, kind, first, second] = path.split("/");
	if (kind === "case") return DISTILLED[Number(first)];
	if (kind !== "p" && kind !== "l") return undefined;
	return randomPage(Number(first), Number(second), kind === "l");
}

describe.skipIf(!hasChromium)("the guard's rewrite of random pages, in Chromium", () => {
	let site: RecordingSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium<RecordingSite>(
		() =>
			serveRecordingSite(({ path }, res) => {
				const page = pageAt(path);
				if (page === undefined) return void res.writeHead(404).end();
				res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
			}),
		(started) => {
			({ site, server, browser } = started);
		},
	);

	/** A tab kept for one kind of page (a new tab per page took seconds), and its tracker requests. */
	async function tabIn(context: BrowserContext): Promise<{ readonly tab: Page; trackers: string[] }> {
		const tab = await context.newPage();
		const kept = { tab, trackers: [] as string[] };
		await tab.route("**/*", (route) => {
			const url = route.request().url();
			if (url.startsWith(`${server.origin}/`) || url.startsWith(`${site.origin}/`)) return route.continue();
			if (TRACKER.test(new URL(url).hostname)) kept.trackers.push(url);
			return route.fulfill({ status: 204 });
		});
		return kept;
	}

	async function built(kept: { readonly tab: Page; trackers: string[] }, url: string): Promise<Built> {
		const { tab } = kept;
		kept.trackers = [];
		await tab.goto(url);
		const built = await tab.evaluate(() => {
			const shape = (node: Node): unknown => {
				if (node instanceof Element) {
					const kids = node instanceof HTMLTemplateElement ? node.content.childNodes : node.childNodes;
					return [
						`${(node.namespaceURI ?? "").replace(/.*[/#]/, "").replace("xhtml", "html")} ${node.localName}`,
						[...node.attributes].map((a) => [a.name, a.value]),
						[...kids].map(shape),
					];
				}
				return `${node.nodeName} ${node.nodeValue}`;
			};
			const ran = (window as unknown as { r?: string[] }).r ?? [];
			const runtime = [
				document.querySelector('script[src^="/v1/guard/runtime.js"]') !== null,
				"__consentEdgeRuntime" in window,
			] as const;
			return { tree: shape(document.documentElement) as Shape, quirks: document.compatMode, ran, runtime };
		});
		return { ...built, trackers: kept.trackers };
	}

	/**
	 * Each page as written and guarded; `trees`: their trees, modes and the scripts that ran must match
	 * too, not only what the guarded page loaded and whether the guard's runtime ran.
	 */
	async function compared(paths: readonly string[], trees: boolean): Promise<string[]> {
		const context = await browser.newContext({ extraHTTPHeaders: OPTED_OUT });
		const mismatches: string[] = [];
		let gaveUp = 0;
		try {
			const [writtenTab, guardedTab] = [await tabIn(context), await tabIn(context)];
			for (const path of paths) {
				const written = await built(writtenTab, `${site.origin}${path}`);
				const guarded = await built(guardedTab, `${server.origin}${path}`);
				// lol-html gives up where it cannot tell raw text from markup (`<select><xmp>`): the page is
				// cut off with a notice there (guard-response.ts), by design; only what it loaded is looked at.
				const cut = JSON.stringify(guarded.tree).includes(GAVE_UP);
				if (cut) gaveUp++;
				// Trees, modes and scripts run are read only where the guard rewrote the page and they are asked for.
				const onlyLoads = cut || !trees;
				const problems = [
					onlyLoads
						? null
						: firstDifference(
								normalised(written.tree, false) as Shape,
								normalised(guarded.tree, true) as Shape,
							),
					onlyLoads || written.quirks === guarded.quirks
						? null
						: `mode ${written.quirks} ≠ ${guarded.quirks}`,
					onlyLoads || JSON.stringify(written.ran) === JSON.stringify(guarded.ran)
						? null
						: `ran ${JSON.stringify(written.ran)} ≠ ${JSON.stringify(guarded.ran)}`,
					guarded.runtime[0] && !guarded.runtime[1]
						? "the guard's runtime is in the page but did not run"
						: null,
					guarded.trackers.length === 0
						? null
						: `loaded ${guarded.trackers.map((url) => `${url}${written.trackers.includes(url) ? " (as written too)" : ""}`).join(" ")}`,
				].filter((problem) => problem !== null);
				if (problems.length > 0) {
					const report = `page ${path}:\n  ${problems.join("\n  ")}\n  ${JSON.stringify(pageAt(path))}`;
					console.log(report);
					mismatches.push(report);
				}
			}
		} finally {
			await context.close();
		}
		console.log(
			`${paths.length} pages, ${mismatches.length} with mismatches, ${gaveUp} cut off where lol-html gave up`,
		);
		return mismatches;
	}

	it(`builds the same trees, runs the same scripts and loads no tracker (seed ${SEED}, ${PAGES} pages)`, async () => {
		const paths = [
			...DISTILLED.map((_, index) => `/case/${index}`),
			...Array.from({ length: PAGES }, (_, index) => `/p/${SEED}/${index}`),
		];
		expect(await compared(paths, true)).toEqual([]);
	}, 600_000);

	// The guard's changes to these many kinds of tag are not undone for a comparison of trees (each has its
	// own tests); what matters here is that no parser disagreement lets one load.
	it.skipIf(LOADER_PAGES === 0)(
		`loads no tracker by any other way a page asks for a URL (seed ${SEED}, ${LOADER_PAGES} pages)`,
		async () => {
			const paths = Array.from({ length: LOADER_PAGES }, (_, index) => `/l/${SEED}/${index}`);
			expect(await compared(paths, false)).toEqual([]);
		},
		600_000,
	);
});
