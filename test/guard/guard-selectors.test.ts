/**
 * The page rewrite's selectors are narrowed so that the parser skips what cannot matter (every
 * matched element is a call into the isolate), and an element that several of them let in is judged
 * in one call. These pin the cases a too-narrow selector or a merged handler would miss: an image
 * judged by its `srcset` when its `src` is harmless, a URL whose host only decoding shows, a frame
 * stripped whether the site marked it or not, a query whose `?` or `&` is a character reference.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CallInit } from "../helpers";
import { chunkedStream, fakeOrigin, guardEnv, RUNTIME_TAGS, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

async function guarded(body: string, testEnv = guardEnv()): Promise<string> {
	fakeOrigin(
		() =>
			new Response(`<head></head><body>\n${body}\n</body>`, {
				headers: { "Content-Type": "text/html; charset=utf-8" },
			}),
	);
	const res = await visit("/", VISITORS.gpcOnly, {}, testEnv);
	const text = await res.text();
	const prefix = `<head>${RUNTIME_TAGS.gpcOnly}</head><body>\n`;
	expect(text.startsWith(prefix)).toBe(true);
	return text.slice(prefix.length, -"\n</body>".length);
}

/** Rows of [markup, what the GPC visitor (ads denied) gets]. */
function rows(table: readonly (readonly [string, string])[]) {
	return { page: table.map(([from]) => from).join("\n"), expected: table.map(([, to]) => to).join("\n") };
}

describe("selectors that let the parser skip elements", () => {
	it("an image goes by its src or any srcset candidate, whichever its selectors let in", async () => {
		// A removed image leaves an inert `<area/>` (html-guard.ts, removeImage).
		const { page, expected } = rows([
			// A first-party absolute src does not settle it: the srcset's tracker still counts.
			['<img src="https://consent.example/a.png" srcset="https://ad.doubleclick.net/px 2x">', "<area/>"],
			// A relative src with a srcset whose host only decoding shows.
			['<img src="/a.png" srcset="&#x2F;&#x2F;ad.doubleclick.net/px 2x">', "<area/>"],
			['<img src="/a.png" srcset="HTTPS://AD.DOUBLECLICK.NET/px 2x">', "<area/>"],
			['<img src="/a.png?w=1&amp;h=2" srcset="/b.png 1x, //ad.doubleclick.net/px 2x">', "<area/>"],
			// A tracker src with a harmless srcset, and the other way round.
			['<img src="https://ad.doubleclick.net/px" srcset="/a.png 2x">', "<area/>"],
			['<img src="&#47;&#47;ad.doubleclick.net/px">', "<area/>"],
			// Nothing of a tracker: untouched.
			[
				'<img src="https://consent.example/a.png" srcset="https://consent.example/a2.png 2x">',
				'<img src="https://consent.example/a.png" srcset="https://consent.example/a2.png 2x">',
			],
			['<img src="/a.png" srcset="/a2.png 2x">', '<img src="/a.png" srcset="/a2.png 2x">'],
			[
				'<picture><source srcset="&#x2F;&#x2F;ad.doubleclick.net/px"><img src="/a.png"></picture>',
				'<picture><img src="/a.png"></picture>',
			],
		]);
		expect(await guarded(page)).toBe(expected);
	});

	it("where the site classified its own paths, relative images count by src and srcset alike", async () => {
		const { page, expected } = rows([
			['<img src="/img/a.png" srcset="/px/b.gif 2x">', "<area/>"],
			['<img src="/px/c.gif" srcset="/img/c.png 2x">', "<area/>"],
			['<img srcset="/px/d.gif">', "<area/>"],
			['<img src="/img/e.png" srcset="/img/e2.png 2x">', '<img src="/img/e.png" srcset="/img/e2.png 2x">'],
		]);
		const testEnv = guardEnv({ GUARD_TRACKER_OVERRIDES: '{"/px": "ads"}' });
		expect(await guarded(page, testEnv)).toBe(expected);
	});

	it("a frame the guard lets load loses its tracking parameters, marked by the site or not", async () => {
		const { page, expected } = rows([
			[
				'<iframe src="https://player.example/embed/x?autoplay=1&amp;utm_source=a"></iframe>',
				'<iframe src="https://player.example/embed/x?autoplay=1"></iframe>',
			],
			[
				'<iframe data-consent="personalization" src="https://maps.example/?q=1&amp;gclid=2"></iframe>',
				'<iframe data-consent="personalization" src="https://maps.example/?q=1"></iframe>',
			],
			// The query's `?` or `&` as character references.
			['<iframe src="/embed&#63;fbclid=2"></iframe>', '<iframe src="/embed"></iframe>'],
			['<iframe src="/embed?x=1&#38;fbclid=2"></iframe>', '<iframe src="/embed?x=1"></iframe>'],
			[
				'<iframe src="https://example.org/embed"></iframe>',
				'<iframe src="https://example.org/embed"></iframe>',
			],
			// A gated frame keeps its URL aside as written.
			[
				'<iframe data-consent="ads" src="https://maps.example/?q=1&amp;gclid=2"></iframe>',
				'<iframe data-consent="ads" data-src="https://maps.example/?q=1&amp;gclid=2"></iframe>',
			],
			[
				'<iframe src="https://googleads.g.doubleclick.net/pagead/ads?slot=1&amp;utm_source=a"></iframe>',
				'<iframe data-consent="ads" data-src="https://googleads.g.doubleclick.net/pagead/ads?slot=1&amp;utm_source=a"></iframe>',
			],
		]);
		expect(await guarded(page)).toBe(expected);
	});
});

/** The page as the GPC visitor (ads denied) gets it, sent whole with its length or streamed in 1-7 byte chunks. */
async function served(page: string, streamed: boolean): Promise<string> {
	const bytes = new TextEncoder().encode(page);
	const type = "text/html; charset=utf-8";
	fakeOrigin(() =>
		streamed
			? new Response(chunkedStream(bytes), { headers: { "Content-Type": type } })
			: new Response(bytes, { headers: { "Content-Type": type, "Content-Length": String(bytes.length) } }),
	);
	return (await visit("/", VISITORS.gpcOnly)).text();
}

const HEAD = `<head>${RUNTIME_TAGS.gpcOnly}</head>`;
const PIXEL = "https://www.facebook.com/tr?id=1&amp;ev=PageView";

describe.each([
	["sent whole", false],
	["streamed in small chunks", true],
])("handlers judging an element in one call, its page %s", (_, streamed) => {
	it("a noscript's or style's text, in any number of chunks, is written back where it was", async () => {
		const page = [
			`<noscript><img src="${PIXEL}"><img src="/own.png"><!-- a < b --></noscript>`,
			"<noscript></noscript><style></style><script></script>",
			"<style>.a{background:url(https://ad.doubleclick.net/px)}.b{color:red}</style>",
			`<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe><p>x</p></noscript>`,
			"<script>var a = 1 < 2, b = '</p>';</script><p>end</p>",
		].join("\n");
		const expected = [
			`<noscript><img src="/own.png"><!-- a < b --></noscript>`,
			"<noscript></noscript><style></style><script></script>",
			"<style>.a{background:none}.b{color:red}</style>",
			"<noscript><p>x</p></noscript>",
			"<script>var a = 1 < 2, b = '</p>';</script><p>end</p>",
		].join("\n");
		expect(await served(`<head></head><body>${page}</body>`, streamed)).toBe(
			`${HEAD}<body>${expected}</body>`,
		);
	});

	it("a page ending inside a noscript, style or script keeps what it held", async () => {
		for (const [tail, kept] of [
			['<noscript><img src="/own.png">', '<noscript><img src="/own.png">'],
			// Its denied pixels go as in a closed one (until session 36 the text was appended as it came).
			[`<noscript><img src="${PIXEL}"><img src="/own.png">`, '<noscript><img src="/own.png">'],
			[`<style>.a{background:url(https://ad.doubleclick.net/px)}`, "<style>.a{background:none}"],
			["<style>.b{color:red}", "<style>.b{color:red}"],
			// Unterminated, as Chromium leaves it: not run.
			["<script>var a = 1;", "<script>var a = 1;"],
			["<noscript>", "<noscript>"],
			["<style>", "<style>"],
		]) {
			expect(await served(`<head></head><body><p>a</p>${tail}`, streamed)).toBe(
				`${HEAD}<body><p>a</p>${kept}`,
			);
			vi.restoreAllMocks();
		}
	});

	it("a noscript or style in SVG, parsed as markup: its elements judged, a style's sheet written at its end", async () => {
		// After an empty noscript and style: nothing of theirs is still held.
		const css = ".c{background:url(https://ad.doubleclick.net/px)}";
		const svg = `<noscript></noscript><style></style><svg><noscript>a<g></g>b<image href="${PIXEL}"/>c</noscript><style>${css}<g></g></style></svg>`;
		// Until session 36 a noscript's text moved to its end, after its elements; an SVG style's text
		// (its sheet in Chromium) kept its denied url(). Since session 37 the sheet, its text pieces
		// joined, is written at the style's end tag, after its elements.
		const kept = `<noscript></noscript><style></style><svg><noscript>a<g></g>b<image data-consent="ads" data-href="${PIXEL}" />c</noscript><style><g></g>.c{background:none}</style></svg>`;
		expect(await served(`<head></head><body>${svg}</body>`, streamed)).toBe(`${HEAD}<body>${kept}</body>`);
	});

	it("an SVG image goes by href, src and xlink:href unless the site marked it; a body by its background", async () => {
		const ad = "https://ad.doubleclick.net/px";
		const page = [
			`<body background="${ad}?b=1"><svg>`,
			`<image href="${ad}?a=1" src="${ad}?a=2" xlink:href="${ad}?a=3"/>`,
			`<image data-consent="analytics" src="${ad}?c=1"/><image data-consent="analytics" href="${ad}?d=1"/>`,
			`<feImage href="${ad}?e=1" xlink:href="${ad}?e=2"/><feImage data-consent="analytics" href="${ad}?f=1"/>`,
			`<use href="#icon"/><use href="${ad}?g=1"/></svg>`,
		].join("\n");
		const gated = [
			`<body data-consent="ads" data-background="${ad}?b=1"><svg>`,
			`<image data-consent="ads" data-href="${ad}?a=1" data-src="${ad}?a=2" data-xlink:href="${ad}?a=3" />`,
			`<image data-consent="analytics" src="${ad}?c=1"/><image data-consent="ads" data-href="${ad}?d=1" />`,
			`<feImage data-consent="ads" data-href="${ad}?e=1" data-xlink:href="${ad}?e=2" /><feImage data-consent="ads" data-href="${ad}?f=1" />`,
			`<use href="#icon"/><use data-consent="ads" data-href="${ad}?g=1" /></svg>`,
		].join("\n");
		expect(await served(`<head></head>${page}`, streamed)).toBe(`${HEAD}${gated}`);
		vi.restoreAllMocks();
		const marked = `<body data-consent="analytics" background="${ad}?h=1"><p>x</p>`;
		expect(await served(`<head></head>${marked}`, streamed)).toBe(`${HEAD}${marked}`);
	});
});

/** Scripts no browser runs, naming trackers (URLs, calls, tags) in their text, which stays as written. */
const INERT_SCRIPTS = [
	'<script type="application/ld+json">{"@context":"https://schema.org","logo":"https://connect.facebook.net/en_US/fbevents.js","sameAs":["https://www.googletagmanager.com/gtag/js?id=G-1"]}</script>',
	`<script type="Application/JSON" id="__NEXT_DATA__">{"gtm":"https://www.googletagmanager.com/gtm.js?id=GTM-1","call":"fbq('init','1')","html":"a < b <img src=${PIXEL}>"}</script>`,
	`<script type="text/template" data-consent="ads"><img src="${PIXEL}"><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe>fbq('track','PageView')</script>`,
	`<script type="text/x-template">gtag('config','G-1')<a href="/p?utm_source=x">x</a></script>`,
];
const TRACKER_SCRIPT = '<script src="https://connect.facebook.net/en_US/fbevents.js"></script>';

describe("scripts no browser runs (JSON-LD, JSON, templates)", () => {
	const inert = INERT_SCRIPTS.join("\n");
	const gatedTracker =
		'<script type="text/plain" data-consent="ads" data-src="https://connect.facebook.net/en_US/fbevents.js"></script>';

	async function page(html: string, visitor: CallInit, streamed = false): Promise<string> {
		const bytes = new TextEncoder().encode(html);
		const type = "text/html; charset=utf-8";
		fakeOrigin(
			() => new Response(streamed ? chunkedStream(bytes) : bytes, { headers: { "Content-Type": type } }),
		);
		const text = await (await visit("/", visitor)).text();
		vi.restoreAllMocks();
		return text;
	}

	it("come back as written around a tracker's script, for an opted-out visitor and an allowed one", async () => {
		const html = `<head>${inert}</head><body>${inert}\n${TRACKER_SCRIPT}\n${inert}</body>`;
		for (const streamed of [false, true]) {
			expect(await page(html, VISITORS.optedOut, streamed)).toBe(
				`<head>${RUNTIME_TAGS.optedOut}${inert}</head><body>${inert}\n${gatedTracker}\n${inert}</body>`,
			);
			expect(await page(html, VISITORS.allowed, streamed)).toBe(html);
		}
		// Without a head the runtime still goes before the first script, run or not.
		expect(await page(`${inert}<p>x</p>${TRACKER_SCRIPT}`, VISITORS.optedOut)).toBe(
			`${RUNTIME_TAGS.optedOut}${inert}<p>x</p>${gatedTracker}`,
		);
	});

	it("cost no text callback: only scripts a browser runs are read", async () => {
		let textCalls = 0;
		const on = HTMLRewriter.prototype.on;
		vi.spyOn(HTMLRewriter.prototype, "on").mockImplementation(function (
			this: HTMLRewriter,
			selector: string,
			handlers: HTMLRewriterElementContentHandlers,
		) {
			const text = handlers.text;
			if (text === undefined) return on.call(this, selector, handlers);
			return on.call(this, selector, {
				...handlers,
				text(chunk) {
					textCalls++;
					return text.call(handlers, chunk);
				},
			});
		});
		const html = `<head>${inert}</head><body>${inert}</body>`;
		expect(await page(html, VISITORS.optedOut)).toBe(
			`<head>${RUNTIME_TAGS.optedOut}${inert}</head><body>${inert}</body>`,
		);
		expect(textCalls).toBe(0);
	});
});
