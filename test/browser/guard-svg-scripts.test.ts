/**
 * SVG scripts in Chromium behind the guard (the rewrite's cases are in test/guard/svg-scripts.test.ts):
 * an SVG `<script>` is markup, not raw text, and the tree Chromium builds for the page an opted-out
 * visitor gets must be the one it builds for the page as written, but for the guard's intended changes
 * (written into `expected`: a link's tracking parameters gone); the scripts that run are the same.
 * Chromium runs an SVG script's own text alone: its text children, CDATA included, references decoded,
 * not a child element's text; and not a script the page ends without its end tag (`<p>`, `</svg>`).
 */
import type { Browser, BrowserContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SCRIPT_END_FOR_SCANNER as X } from "../../workers/guard/scanner-ends";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { type RecordingSite, serveRecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard SVG scripts");

const OPTED_OUT = { "X-Debug-Geo": "DE" };

/** Each case's markup, and the same with the guard's intended changes written in. */
const CASES: readonly (readonly [markup: string, expected?: string])[] = [
	[
		'<svg><script>r.push("a");<a href="/next?utm_source=n&amp;gclid=1">r.push("in-a");</a>r.push("b");</script></svg>',
		'<svg><script>r.push("a");<a href="/next">r.push("in-a");</a>r.push("b");</script></svg>',
	],
	[
		'<svg><script>r.push("a");<!--c--><rect/><g><desc>d<b>e</b></desc></g>r.push(&quot;b&quot;);</script></svg>',
	],
	['<svg><script>r.push("a")<![CDATA[;r.push(1<2 && "cdata")]]>;r.push("c")</script></svg>'],
	['<svg><script>r.push("o1");<script>r.push("inner");</script>r.push("o2");</script></svg>'],
	// Where the page ends one without its end tag, the guard writes comments ending it for the preload
	// scanner (html-guard.ts, SCRIPT_END_FOR_SCANNER), inside it in the tree.
	[
		'<svg><script>r.push("a");<g>g</g><p>r.push("p");</p>r.push("after");</script></svg>',
		`<svg><script>r.push("a");<g>g</g>${X}<p>r.push("p");</p>r.push("after");</script></svg>`,
	],
	[
		'<svg><script>r.push("a");<g>g</g></svg><p>after</p>',
		`<svg><script>r.push("a");<g>g</g>${X}</svg><p>after</p>`,
	],
	// A classic script after an SVG script the page never closed runs after it in the page's order.
	[
		'<svg><script>r.push("a");<g>g</g></svg><script src="/js/after"></script><p>after</p>',
		`<svg><script>r.push("a");<g>g</g>${X}</svg><script src="/js/after"></script><p>after</p>`,
	],
	[
		'<svg><script>r.push("a");<g>g</g><p>p</p><script src="/js/after"></script><p>after</p>',
		`<svg><script>r.push("a");<g>g</g>${X}<p>p</p><script src="/js/after"></script><p>after</p>`,
	],
	// The end tag lol-html pairs with a script the page ended by `<p>` is the page's (`</div>`).
	[
		'<div><svg><script>r.push("a");<p>p</p></div><i>after</i>',
		`<div><svg><script>r.push("a");${X}<p>p</p></div><i>after</i>`,
	],
];

/** A tracker's bootstrap (`fbq(…)`) as Chromium runs it, split by a link. */
const SPLIT_BOOTSTRAP = '<svg><script>fb<a href="/x?gclid=1">x</a>q("init", "1");</script></svg>';

/**
 * An SVG style's sheet, its text pieces joined, holding a tracker's image after an integration point
 * with an HTML child (no breakout there), which the page's `<div>` shows.
 */
const STYLE_AFTER_DESC =
	'<svg><style>.a{}<desc><b>x</b></desc>.c{background:url(https://www.facebook.com/tr?id=1&amp;ev=Style)}</style></svg><div class="c" style="width:9px;height:9px"></div>';

/**
 * An SVG style inside an SVG script, which Chromium applies: its `@import` and `url()` load (also
 * as an HTML style inside the script's `<desc>`).
 */
const STYLE_IN_SCRIPT =
	'<svg><script>r.push("a");<style>@import url(https://connect.facebook.net/p.css);.c{background:url(https://www.facebook.com/tr?id=1&amp;ev=Style)}</style>r.push("b");</script></svg><div class="c" style="width:9px;height:9px"></div>';

function page(markup: string): string {
	return `<!doctype html><html><head><script>var r = [];</script></head><body>${markup}<script>document.title = JSON.stringify(r);</script></body></html>`;
}

function serveSite(): Promise<RecordingSite> {
	return serveRecordingSite(({ path }, res) => {
		const [, kind, index] = path.split("/");
		if (kind === "js") {
			res.writeHead(200, { "Content-Type": "text/javascript" }).end(`r.push(${JSON.stringify(index)});`);
			return;
		}
		const [markup, expected] =
			kind === "split"
				? [SPLIT_BOOTSTRAP]
				: kind === "style"
					? [
							[
								STYLE_AFTER_DESC,
								STYLE_IN_SCRIPT,
								STYLE_IN_SCRIPT.replace(/<style>.*<\/style>/, "<desc>$&</desc>"),
							][Number(index)],
						]
					: (CASES[Number(index)] ?? []);
		const body = kind === "expected" ? (expected ?? markup) : markup;
		if (body === undefined) res.writeHead(404).end();
		else res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page(body));
	});
}

/** A page's body as a tree (namespace, name, attributes, children; text and comments), and what ran. */
interface Built {
	readonly tree: unknown;
	readonly ran: string;
}

describe.skipIf(!hasChromium)("SVG scripts behind the guard, in Chromium", () => {
	let site: RecordingSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium<RecordingSite>(serveSite, (started) => {
		({ site, server, browser } = started);
	});

	async function built(context: BrowserContext, url: string): Promise<Built> {
		const tab = await context.newPage();
		try {
			await tab.goto(url);
			return await tab.evaluate(() => {
				const shape = (node: Node): unknown => {
					if (node instanceof Element) {
						return [
							`${(node.namespaceURI ?? "").replace(/.*\//, "")} ${node.localName}`,
							[...node.attributes].map((a) => `${a.name}=${a.value}`),
							[...node.childNodes].map(shape),
						];
					}
					return `${node.nodeName} ${node.nodeValue}`;
				};
				return { tree: shape(document.body), ran: document.title };
			});
		} finally {
			await tab.close();
		}
	}

	it("an opted-out visitor's page builds the tree the page as written does, and runs the same", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: OPTED_OUT });
		try {
			for (const [index, [markup]] of CASES.entries()) {
				const guarded = await built(context, `${server.origin}/case/${index}`);
				const expected = await built(context, `${site.origin}/expected/${index}`);
				expect(guarded, markup).toEqual(expected);
			}
		} finally {
			await context.close();
		}
	});

	it("a tracker's bootstrap split by a child element is gated, the child inside it", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: OPTED_OUT });
		try {
			const tab = await context.newPage();
			await tab.goto(`${server.origin}/split/0`);
			const gated = await tab.evaluate(() =>
				[...document.querySelectorAll("svg script")].map((script) => [
					script.getAttribute("type"),
					[...script.childNodes].map((node) => (node instanceof Element ? node.outerHTML : node.nodeValue)),
				]),
			);
			expect(gated.at(-1)).toEqual(["text/plain", ["fb", '<a href="/x">x</a>', 'q("init", "1");']]);
		} finally {
			await context.close();
		}
	});

	it("an SVG style's tracker URL after an integration point holding HTML, or in an SVG script, is not loaded", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: OPTED_OUT });
		const elsewhere: string[] = [];
		await context.route("**/*", (route) => {
			const url = route.request().url();
			if (url.startsWith(`${server.origin}/`)) return route.continue();
			elsewhere.push(url);
			return route.fulfill({ contentType: "image/gif", body: "" });
		});
		try {
			for (const index of [0, 1, 2]) {
				const tab = await context.newPage();
				await tab.goto(`${server.origin}/style/${index}`);
				// The image is asked for at the div's first style and layout, before the load event.
				expect(
					await tab.evaluate(() => getComputedStyle(document.querySelector(".c") as Element).backgroundImage),
					`style ${index}`,
				).toBe("none");
				expect(elsewhere, `style ${index}`).toEqual([]);
				// The script around the style runs as written.
				if (index > 0) expect(await tab.evaluate(() => document.title)).toBe('["a","b"]');
				await tab.close();
			}
		} finally {
			await context.close();
		}
	});
});
