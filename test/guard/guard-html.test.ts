/**
 * The HTML guard end to end through the worker: exact output for a GPC-only visitor (ads denied,
 * analytics kept) and a full opt-out, whatever the chunking of the origin's stream; page headers;
 * which responses are rewritten (GET HTML only) and which only get header changes; site overrides.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runtimeScriptTag } from "../../workers/guard/guard-runtime";
import { guardSettingsFor } from "../../workers/guard/guard-settings";
import {
	chunkedStream,
	fakeOrigin,
	guardEnv,
	RUNTIME_TAGS,
	stubbed,
	VISITORS,
	visit,
} from "./guard-fixtures";
import { TRACKER_PAGE } from "./guard-page";

afterEach(() => {
	vi.restoreAllMocks();
});

type Edit = readonly [from: string, to: string];

function applyEdits(page: string, edits: readonly Edit[]): string {
	let out = page;
	for (const [from, to] of edits) {
		expect(out.split(from).length - 1, `exactly one ${from}`).toBe(1);
		out = out.replace(from, () => to);
	}
	return out;
}

/**
 * A page with the runtime's tag where the rewrite puts it: first in `<head>`, or without a head tag
 * before the first script or body tag (bytes compared as Latin-1, so any charset's bytes stay).
 */
function withRuntime(page: Uint8Array, tag: string): Uint8Array;
function withRuntime(page: string, tag: string): string;
function withRuntime(page: Uint8Array | string, tag: string): Uint8Array | string {
	const text = typeof page === "string" ? page : String.fromCharCode(...page);
	const head = text.indexOf("<head>");
	const at =
		head !== -1
			? head + "<head>".length
			: Math.min(...["<script", "<body"].map((t) => text.indexOf(t)).filter((i) => i !== -1));
	const out = `${text.slice(0, at)}${tag}${text.slice(at)}`;
	return typeof page === "string" ? out : Uint8Array.from(out, (c) => c.charCodeAt(0));
}

/** Changes every guarded visitor gets: tracking parameters out of links, ads trackers neutralised. */
const ADS_EDITS: readonly Edit[] = [
	['<link rel="preconnect" href="https://connect.facebook.net">', ""],
	['<link rel="preload" as="script" href="https://snap.licdn.com/li.lms-analytics/insight.min.js">', ""],
	[
		'<script nonce="n0nce">!function',
		`${stubbed('<script type="text/plain" nonce="n0nce" data-consent="ads">', ["fbq"], [], '<script nonce="n0nce">')}!function`,
	],
	[
		'<script type="text/javascript">_linkedin_partner_id',
		'<script type="text/plain" data-type="text/javascript" data-consent="ads">_linkedin_partner_id',
	],
	[
		'<script type="module" src="https://analytics.tiktok.com/i18n/pixel/events.js">',
		'<script type="text/plain" data-type="module" data-consent="ads" data-src="https://analytics.tiktok.com/i18n/pixel/events.js">',
	],
	[
		'<a href="/p?id=7&amp;utm_source=news&amp;gclid=abc&amp;colour=red">',
		'<a href="/p?id=7&amp;colour=red">',
	],
	['<a href="https://other.example/x?fbclid=1&b=2#top">', '<a href="https://other.example/x?b=2#top">'],
	['<area href="/area?msclkid=9&amp;k=v" alt="A">', '<area href="/area?k=v" alt="A">'],
	[
		'<img src="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456/?guid=ON&amp;script=0" width="1" height="1" alt="">',
		"<area/>",
	],
	[
		'<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-ABCD123" height="0" width="0" style="display:none">',
		'<iframe height="0" width="0" style="display:none" data-consent="ads" data-src="https://www.googletagmanager.com/ns.html?id=GTM-ABCD123">',
	],
	[
		'<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView&amp;noscript=1"/></noscript>',
		"<noscript></noscript>",
	],
	[
		'<source data-consent="ads" srcset="/ad-banner.webp">',
		'<source data-consent="ads" data-srcset="/ad-banner.webp">',
	],
];

const ANALYTICS_EDITS: readonly Edit[] = [
	['<link rel="dns-prefetch" href="//www.google-analytics.com">', ""],
	[
		'<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9&amp;l=dataLayer">',
		'<script async type="text/plain" data-consent="analytics" data-src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9&amp;l=dataLayer">',
	],
	[
		"<script>window.dataLayer = window.dataLayer || [];\nfunction gtag()",
		`${stubbed('<script type="text/plain" data-consent="analytics">', ["gtag"], ["dataLayer"])}window.dataLayer = window.dataLayer || [];\nfunction gtag()`,
	],
	[
		'<img src="https://www.google-analytics.com/collect?v=1&amp;tid=UA-12345-1" width="1" height="1" alt="">',
		"<area/>",
	],
	[
		'<img src="https://stats.g.doubleclick.net/g/collect?v=2&amp;tid=G-ABC123XYZ9" alt=""></noscript>',
		"</noscript>",
	],
	[
		'<img data-consent="analytics" src="/stats-pixel.gif" srcset="/stats-pixel-2x.gif 2x" alt="">',
		'<img data-consent="analytics" alt="" data-src="/stats-pixel.gif" data-srcset="/stats-pixel-2x.gif 2x">',
	],
];

// DE denies personalization too: the site's own marker for it is honoured.
const PERSONALIZATION_EDITS: readonly Edit[] = [
	[
		'<script data-consent="personalization" src="/recs.js">',
		'<script data-consent="personalization" type="text/plain" data-src="/recs.js">',
	],
];

/** The runtime's tag, the head's first child (guard-runtime.ts). */
function runtimeEdit(tag: string): Edit {
	return ['<html lang="en"><head>', `<html lang="en"><head>${tag}`];
}

const GPC_ONLY_PAGE = applyEdits(TRACKER_PAGE, [runtimeEdit(RUNTIME_TAGS.gpcOnly), ...ADS_EDITS]);
const OPTED_OUT_PAGE = applyEdits(TRACKER_PAGE, [
	runtimeEdit(RUNTIME_TAGS.optedOut),
	...ADS_EDITS,
	...ANALYTICS_EDITS,
	...PERSONALIZATION_EDITS,
]);

function htmlOrigin(body: string, sizes?: readonly number[], headers: HeadersInit = {}) {
	return fakeOrigin(
		() =>
			new Response(sizes ? chunkedStream(body, sizes) : body, {
				headers: { "Content-Type": "text/html; charset=utf-8", ...headers },
			}),
	);
}

/**
 * An origin whose page comes in pieces of the given sizes, each after a turn of the event loop, as a
 * server's come over the network: the guard passes on what arrived together joined (guard-response.ts),
 * so a streamed page reaches the visitor in more than one piece only when its own pieces come apart.
 */
function pacedOrigin(body: string, sizes: readonly number[], headers: HeadersInit = {}) {
	const bytes = new TextEncoder().encode(body);
	return fakeOrigin(() => {
		let offset = 0;
		let turn = 0;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				await new Promise((resolve) => setTimeout(resolve, 1));
				if (offset >= bytes.length) return controller.close();
				const size = sizes[turn++ % sizes.length] ?? 1;
				controller.enqueue(bytes.slice(offset, offset + size));
				offset += size;
			},
		});
		return new Response(stream, { headers: { "Content-Type": "text/html; charset=utf-8", ...headers } });
	});
}

describe("a guarded visitor's page", () => {
	it("GPC only (US): ad and social trackers neutralised, analytics kept, links stripped", async () => {
		htmlOrigin(TRACKER_PAGE);
		const res = await visit("/", VISITORS.gpcOnly);
		expect(res.status).toBe(200);
		expect(await res.text()).toBe(GPC_ONLY_PAGE);
		expect(res.headers.get("X-Consent-Guard")).toBe("rewritten");
	});

	it("opted out of everything (DE): every tracker neutralised, first-party content intact", async () => {
		htmlOrigin(TRACKER_PAGE);
		const res = await visit("/", VISITORS.optedOut);
		const body = await res.text();
		expect(body).toBe(OPTED_OUT_PAGE);
		for (const kept of [
			'<script src="/app.js" defer></script>',
			'<script>document.documentElement.dataset.fp = "1"; var s = "</scr" + "ipt>";</script>',
			`<script type="application/ld+json">{"@context":"https://schema.org","name":"fbq('init')"}</script>`,
			"<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('consent', 'default', {ad_storage: 'denied'});</script>",
			'<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>',
			'<a href="mailto:x@example.com?subject=hi&amp;utm_source=mail">',
		]) {
			expect(body).toContain(kept);
		}
	});

	for (const sizes of [[1], [2], [3], [5], [7], [1, 2, 3, 4, 5, 6, 7], [7, 1, 1, 3]]) {
		it(`is the same when the origin streams ${sizes.join(",")}-byte chunks`, async () => {
			htmlOrigin(TRACKER_PAGE, sizes);
			expect(await (await visit("/", VISITORS.optedOut)).text()).toBe(OPTED_OUT_PAGE);
			vi.restoreAllMocks();
			htmlOrigin(TRACKER_PAGE, sizes);
			expect(await (await visit("/", VISITORS.gpcOnly)).text()).toBe(GPC_ONLY_PAGE);
		});
	}

	it("keeps multi-byte text intact across chunk boundaries", async () => {
		const page = `<p>日本語のページ — ünïcödé</p><script>var t = "日本語"; fbq('init', '1');</script><a href="/検索?q=猫&amp;gclid=1">猫</a>`;
		htmlOrigin(page, [1, 2]);
		expect(await (await visit("/", VISITORS.optedOut)).text()).toBe(
			`<p>日本語のページ — ünïcödé</p>${RUNTIME_TAGS.optedOut}${stubbed('<script type="text/plain" data-consent="ads">', ["fbq"])}var t = "日本語"; fbq('init', '1');</script><a href="/検索?q=猫">猫</a>`,
		);
	});

	it("judges each tag by what it carries: hint and style sheet tokens in any case, typed and marked scripts, frames", async () => {
		const page = [
			'<link rel="Stylesheet PRELOAD" as="script" href="https://connect.facebook.net/en_US/fbevents.js">',
			'<link rel="preconnect\tdns-prefetch" href="https://connect.facebook.net">',
			'<link rel="preloaded" href="https://connect.facebook.net">',
			'<link rel="stylesheet" href="https://connect.facebook.net/x.css">',
			'<link rel="Shortcut Icon" href="https://www.facebook.com/tr?id=1&amp;ev=icon">',
			'<link rel="icon" href="/favicon.ico">',
			'<script src="https://connect.facebook.net/en_US/fbevents.js" type=""></script>',
			'<script src="https://connect.facebook.net/en_US/fbevents.js" type="Module"></script>',
			'<script src="https://connect.facebook.net/en_US/fbevents.js" type="application/json"></script>',
			'<script src="/own.js" data-consent="analytics"></script>',
			'<iframe data-consent="ads" title="Map"></iframe>',
			'<iframe src="https://googleads.g.doubleclick.net/pagead/ads?x=1" data-consent="personalization"></iframe>',
			'<img src="//ad.doubleclick.net/ddm/activity/x" alt="">',
		].join("");
		const expected = [
			"",
			"",
			'<link rel="preloaded" href="https://connect.facebook.net">',
			// A tracker's style sheet is fetched as a pixel is: it goes too, and so does its icon.
			"",
			"",
			'<link rel="icon" href="/favicon.ico">',
			RUNTIME_TAGS.optedOut,
			'<script type="text/plain" data-consent="ads" data-src="https://connect.facebook.net/en_US/fbevents.js"></script>',
			'<script type="text/plain" data-type="Module" data-consent="ads" data-src="https://connect.facebook.net/en_US/fbevents.js"></script>',
			'<script src="https://connect.facebook.net/en_US/fbevents.js" type="application/json"></script>',
			'<script data-consent="analytics" type="text/plain" data-src="/own.js"></script>',
			'<iframe data-consent="ads" title="Map"></iframe>',
			'<iframe data-consent="personalization ads" data-src="https://googleads.g.doubleclick.net/pagead/ads?x=1"></iframe>',
			// A removed image leaves `<area/>`, built as an img is built (html-guard.ts, removeImage).
			"<area/>",
		].join("");
		htmlOrigin(page);
		expect(await (await visit("/", VISITORS.optedOut)).text()).toBe(expected);
	});

	it("gives a page seen before the same bytes as on its first view, for each kind of visitor", async () => {
		const stamp = `<p>${Date.now()}</p>`;
		htmlOrigin(stamp + TRACKER_PAGE);
		const views: string[] = [];
		for (const visitor of [VISITORS.optedOut, VISITORS.gpcOnly, VISITORS.optedOut, VISITORS.gpcOnly]) {
			views.push(await (await visit("/", visitor)).text());
		}
		expect(views).toEqual([
			stamp + OPTED_OUT_PAGE,
			stamp + GPC_ONLY_PAGE,
			stamp + OPTED_OUT_PAGE,
			stamp + GPC_ONLY_PAGE,
		]);
	});

	it("writes back an inline script the document leaves unterminated, unterminated", async () => {
		// Chromium runs no script the file ends in (test/browser/guard-page-end); an end tag would run it.
		htmlOrigin("<p>x</p><script>var a = 1;", [3]);
		expect(await (await visit("/", VISITORS.optedOut)).text()).toBe(
			`<p>x</p>${RUNTIME_TAGS.optedOut}<script>var a = 1;`,
		);
	});

	it("keeps the bytes of other charsets, and never fails on one it cannot parse", async () => {
		const ascii = (text: string) => [...new TextEncoder().encode(text)];
		const page = (script: string) =>
			Uint8Array.from([
				...ascii("<p>caf"),
				0xe9,
				...ascii(`</p><script>var s = 'caf`),
				0xe9,
				...ascii(`'; ${script}</script><noscript>caf`),
				0xe9,
				...ascii("</noscript>"),
			]);
		for (const charset of ["windows-1252", "no-such-charset"]) {
			fakeOrigin(
				() =>
					new Response(page("fbq('init', '1');"), {
						headers: { "Content-Type": `text/html; charset=${charset}` },
					}),
			);
			const res = await visit("/", VISITORS.optedOut);
			expect(res.status).toBe(200);
			const expected = page("fbq('init', '1');");
			const marker = ascii("<script>");
			const at = expected.findIndex((_, i) => marker.every((b, j) => expected[i + j] === b));
			const neutralised = [
				...expected.slice(0, at),
				...ascii(RUNTIME_TAGS.optedOut),
				...ascii(stubbed('<script type="text/plain" data-consent="ads">', ["fbq"])),
				...expected.slice(at + marker.length),
			];
			expect([...new Uint8Array(await res.arrayBuffer())]).toEqual(neutralised);
			vi.restoreAllMocks();
		}
		const utf16 = Uint8Array.from([...ascii("<p>x</p>")].flatMap((b) => [b, 0]));
		fakeOrigin(() => new Response(utf16, { headers: { "Content-Type": "text/html; charset=utf-16le" } }));
		const res = await visit("/", VISITORS.optedOut);
		expect(res.status).toBe(200);
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(utf16);
	});

	it("rewrites application/xhtml+xml too", async () => {
		const page = `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><script src="https://connect.facebook.net/en_US/fbevents.js"></script></body></html>`;
		fakeOrigin(() => new Response(page, { headers: { "Content-Type": "application/xhtml+xml" } }));
		const res = await visit("/", VISITORS.gpcOnly);
		expect(await res.text()).toBe(
			`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">${RUNTIME_TAGS.gpcOnly}<body><script type="text/plain" data-consent="ads" data-src="https://connect.facebook.net/en_US/fbevents.js"></script></body></html>`,
		);
	});

	it("in XHTML, writes no `</style>` where an HTML element would end an SVG style in HTML (XML has no such end)", async () => {
		const svg = '<svg xmlns="http://www.w3.org/2000/svg"><style><b>x</b>p{}</style></svg>';
		const page = (body: string) =>
			`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head></head><body>${body}</body></html>`;
		for (const [type, written] of <[string, string][]>[
			["application/xhtml+xml", svg],
			// In HTML the `<b>` ends the SVG: the style's sheet so far and its end tag go before it.
			["text/html", '<svg xmlns="http://www.w3.org/2000/svg"><style></style><b>x</b>p{}</style></svg>'],
		]) {
			fakeOrigin(() => new Response(page(svg), { headers: { "Content-Type": type } }));
			const text = await (await visit("/", VISITORS.gpcOnly)).text();
			expect(text.slice(text.indexOf("<body>")), type).toBe(`<body>${written}</body></html>`);
			vi.restoreAllMocks();
		}
	});
});

/** The body as its reader hands it out, piece by piece. */
async function pieces(res: Response): Promise<Uint8Array[]> {
	const out: Uint8Array[] = [];
	const reader = (res.body as ReadableStream<Uint8Array>).getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return out;
		out.push(value);
	}
}

function joined(parts: readonly Uint8Array[]): string {
	const decoder = new TextDecoder();
	return parts.map((p) => decoder.decode(p, { stream: true })).join("") + decoder.decode();
}

const lengthOf = (page: string) => ({ "Content-Length": String(new TextEncoder().encode(page).length) });

describe("a page the origin sent with its length (complete before it was sent)", () => {
	it("is rewritten whole and answered in one piece: the same bytes as when it streams", async () => {
		pacedOrigin(TRACKER_PAGE, [700, 3000, 100], lengthOf(TRACKER_PAGE));
		const whole = await pieces(await visit("/", VISITORS.optedOut));
		expect(whole).toHaveLength(1);
		expect(joined(whole)).toBe(OPTED_OUT_PAGE);
		vi.restoreAllMocks();
		pacedOrigin(TRACKER_PAGE, [700, 3000, 100]);
		const streamed = await pieces(await visit("/", VISITORS.optedOut));
		expect(streamed.length).toBeGreaterThan(1);
		expect(joined(streamed)).toBe(OPTED_OUT_PAGE);
	});

	it("gives each kind of visitor their own rewrite on every view, the first and the remembered ones", async () => {
		const stamp = `<p>${crypto.randomUUID()}</p>`;
		const page = stamp + TRACKER_PAGE;
		htmlOrigin(page, undefined, lengthOf(page));
		const visitors = [VISITORS.optedOut, VISITORS.gpcOnly, VISITORS.allowed];
		const views: string[] = [];
		for (let round = 0; round < 3; round++) {
			for (const visitor of visitors) views.push(await (await visit("/", visitor)).text());
		}
		const once = [stamp + OPTED_OUT_PAGE, stamp + GPC_ONLY_PAGE, page];
		expect(views).toEqual([...once, ...once, ...once]);
	});

	it("streamed, what arrived together goes on joined, and the first part before the origin sends the rest", async () => {
		// Pieces of 1-7 bytes, all there at once: HTMLRewriter hands out hundreds, joined into one.
		htmlOrigin(TRACKER_PAGE, [7, 3, 1]);
		const together = await pieces(await visit("/", VISITORS.optedOut));
		expect(together).toHaveLength(1);
		expect(joined(together)).toBe(OPTED_OUT_PAGE);
		vi.restoreAllMocks();
		// The page's start, then nothing until the visitor has had what the guard made of it.
		const bytes = new TextEncoder().encode(TRACKER_PAGE);
		let sendRest = () => {};
		const rest = new Promise<void>((resolve) => {
			sendRest = resolve;
		});
		let pulls = 0;
		fakeOrigin(
			() =>
				new Response(
					new ReadableStream<Uint8Array>({
						async pull(controller) {
							if (pulls++ === 0) return controller.enqueue(bytes.slice(0, 400));
							await rest;
							controller.enqueue(bytes.slice(400));
							controller.close();
						},
					}),
					{ headers: { "Content-Type": "text/html; charset=utf-8" } },
				),
		);
		const reader = ((await visit("/", VISITORS.optedOut)).body as ReadableStream<Uint8Array>).getReader();
		const first = await Promise.race([
			reader.read(),
			new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000)),
		]);
		sendRest();
		expect(first?.value?.byteLength).toBeGreaterThan(0);
		const parts = [first?.value as Uint8Array];
		for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(read.value);
		expect(joined(parts)).toBe(OPTED_OUT_PAGE);
	});

	it("streams when it is longer than 1 MiB", async () => {
		const page = `${TRACKER_PAGE}<!--${"x".repeat(1 << 20)}-->`;
		htmlOrigin(page, [65_536], lengthOf(page));
		const parts = await pieces(await visit("/", VISITORS.optedOut));
		expect(parts.length).toBeGreaterThan(1);
		expect(joined(parts)).toBe(`${OPTED_OUT_PAGE}<!--${"x".repeat(1 << 20)}-->`);
	});

	it("a compressed page is read whole only up to 128 KiB (its decoded size is unknown)", async () => {
		for (const [length, whole] of [
			[128 * 1024, true],
			[128 * 1024 + 1, false],
		] as const) {
			vi.restoreAllMocks();
			pacedOrigin(TRACKER_PAGE, [700, 3000, 100], {
				"Content-Length": String(length),
				"Content-Encoding": "gzip",
			});
			const parts = await pieces(await visit("/", VISITORS.optedOut));
			expect(parts.length === 1, `Content-Length ${length}`).toBe(whole);
			expect(joined(parts)).toBe(OPTED_OUT_PAGE);
		}
	});

	it("answers 502 rather than half a page when the origin's body breaks off", async () => {
		const start = new TextEncoder().encode(TRACKER_PAGE.slice(0, 500));
		fakeOrigin(() => {
			let reads = 0;
			return new Response(
				new ReadableStream({
					pull(controller) {
						if (reads++ === 0) controller.enqueue(start);
						else controller.error(new Error("connection reset"));
					},
				}),
				{ headers: { "Content-Type": "text/html", ...lengthOf(TRACKER_PAGE) } },
			);
		});
		const res = await visit("/", VISITORS.optedOut, { headers: { Accept: "application/json" } });
		expect(res.status).toBe(502);
		expect(await res.json()).toEqual({
			error: { code: "bad_gateway", message: "The site could not be reached." },
		});
	});

	it("answers 502 too when a streamed page naming no charset breaks off before its head is in", async () => {
		// Broken off before its `<meta charset>`: once that is in, the page streams like one whose header
		// names its charset, and a break after it cuts the stream short.
		for (const start of ["", TRACKER_PAGE.slice(0, TRACKER_PAGE.indexOf("<meta"))]) {
			fakeOrigin(() => {
				let reads = 0;
				return new Response(
					new ReadableStream({
						pull(controller) {
							if (reads++ === 0 && start) controller.enqueue(new TextEncoder().encode(start));
							else controller.error(new Error("connection reset"));
						},
					}),
					// No length (streamed) and no charset: the guard looks ahead for the page's declaration.
					{ headers: { "Content-Type": "text/html" } },
				);
			});
			const res = await visit("/", VISITORS.optedOut, { headers: { Accept: "application/json" } });
			expect(res.status, `${start.length} bytes first`).toBe(502);
			expect(await res.json()).toEqual({
				error: { code: "bad_gateway", message: "The site could not be reached." },
			});
			vi.restoreAllMocks();
		}
	});
});

describe("guarded page headers", () => {
	const ORIGIN_HEADERS = {
		"Content-Type": "text/html",
		"Content-Length": String(new TextEncoder().encode(TRACKER_PAGE).length),
		ETag: '"abc123"',
		"Cache-Control": "public, max-age=600, s-maxage=3600",
		Vary: "Accept-Encoding",
		"Permissions-Policy": 'geolocation=(), browsing-topics=(self "https://ads.example")',
		"Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT",
	};

	it("private, varying by Cookie and Sec-GPC, no strong ETag or length, no Topics or Attribution Reporting", async () => {
		htmlOrigin(TRACKER_PAGE, undefined, ORIGIN_HEADERS);
		const res = await visit("/", VISITORS.optedOut);
		expect(res.headers.get("Cache-Control")).toBe("private, max-age=600");
		expect(res.headers.get("Vary")).toBe("Accept-Encoding, Cookie, Sec-GPC");
		expect(res.headers.get("Permissions-Policy")).toBe(
			"geolocation=(), browsing-topics=(), attribution-reporting=()",
		);
		expect(res.headers.has("ETag")).toBe(false);
		expect(res.headers.has("Content-Length")).toBe(false);
		expect(res.headers.get("Last-Modified")).toBe("Tue, 01 Dec 2026 10:00:00 GMT");
		// Its Content-Type names no charset: the tag comes after the page's own declaration.
		const tag = RUNTIME_TAGS.optedOut;
		const meta = '<meta charset="utf-8">';
		expect(await res.text()).toBe(OPTED_OUT_PAGE.replace(`${tag}\n${meta}`, `\n${meta}${tag}`));
	});

	it("keeps a weak ETag and an existing Vary member; Cache-Control private when the origin sent none", async () => {
		htmlOrigin("<p>hi</p>", undefined, { ETag: 'W/"v1"', Vary: "cookie" });
		const res = await visit("/", VISITORS.gpcOnly);
		expect(res.headers.get("ETag")).toBe('W/"v1"');
		expect(res.headers.get("Vary")).toBe("cookie, Sec-GPC");
		expect(res.headers.get("Cache-Control")).toBe("private");
		expect(await res.text()).toBe("<p>hi</p>");
	});

	it("HEAD, 204 and 304 get the header changes only, labelled private (no body was rewritten)", async () => {
		for (const [method, status] of [
			["HEAD", 200],
			["GET", 304],
			["GET", 204],
		] as const) {
			fakeOrigin(() => new Response(null, { status, headers: ORIGIN_HEADERS }));
			const res = await visit("/", VISITORS.optedOut, { method });
			expect(res.status).toBe(status);
			expect(res.body === null || (await res.text()) === "").toBe(true);
			expect(res.headers.get("Permissions-Policy")).toBe(
				"geolocation=(), browsing-topics=(), attribution-reporting=()",
			);
			expect(res.headers.get("Cache-Control")).toBe("private, max-age=600");
			expect(res.headers.has("ETag")).toBe(false);
			expect(res.headers.get("X-Consent-Guard")).toBe("private");
			vi.restoreAllMocks();
		}
	});

	it("a POST's HTML answer gets the header changes but not the rewrite", async () => {
		htmlOrigin(TRACKER_PAGE);
		const res = await visit("/search", VISITORS.optedOut, { method: "POST", body: "q=x" });
		expect(await res.text()).toBe(TRACKER_PAGE);
		expect(res.headers.get("Cache-Control")).toBe("private");
	});

	it("other types stream through untouched, with no label", async () => {
		const script = "fbq('init', '123456789012345'); gtag('config', 'G-ABC123XYZ9');";
		for (const type of ["application/javascript", "text/plain", "application/json", "text/css"]) {
			fakeOrigin(
				() => new Response(chunkedStream(script), { headers: { "Content-Type": type, ETag: '"s1"' } }),
			);
			const res = await visit("/asset", VISITORS.optedOut);
			expect(await res.text()).toBe(script);
			expect(res.headers.get("ETag")).toBe('"s1"');
			expect(res.headers.has("X-Consent-Guard")).toBe(false);
			expect(res.headers.has("Permissions-Policy")).toBe(false);
			vi.restoreAllMocks();
		}
	});
});

describe("site overrides (GUARD_TRACKER_OVERRIDES)", () => {
	const overrides = guardEnv({
		GUARD_TRACKER_OVERRIDES: JSON.stringify({
			"G-ABC123XYZ9": "ads",
			"connect.facebook.net": null,
			"cdn.site-analytics.example": "analytics",
		}),
	});
	const page = `<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script><script>fbq('init', '1');</script><link rel="preconnect" href="https://connect.facebook.net"><script src="https://cdn.site-analytics.example/t.js"></script>`;

	it("reclassify tags, hosts and snippets", async () => {
		htmlOrigin(page);
		const gpc = await visit("/", VISITORS.gpcOnly, {}, overrides);
		const tag = runtimeScriptTag(new Set(["ads"]), guardSettingsFor(overrides).overrides, null);
		expect(await gpc.text()).toBe(
			`${tag}<script async type="text/plain" data-consent="ads" data-src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script><script>fbq('init', '1');</script><link rel="preconnect" href="https://connect.facebook.net"><script src="https://cdn.site-analytics.example/t.js"></script>`,
		);
		vi.restoreAllMocks();
		htmlOrigin(page);
		const de = await visit("/", VISITORS.optedOut, {}, overrides);
		expect(await de.text()).toContain(
			'<script type="text/plain" data-consent="analytics" data-src="https://cdn.site-analytics.example/t.js"></script>',
		);
	});

	it("an unusable value is ignored, not a failure", async () => {
		htmlOrigin(page);
		const res = await visit("/", VISITORS.gpcOnly, {}, guardEnv({ GUARD_TRACKER_OVERRIDES: "{not json" }));
		expect(res.status).toBe(200);
		expect(await res.text()).toContain(
			`${stubbed('<script type="text/plain" data-consent="ads">', ["fbq"])}fbq(`,
		);
	});
});

type Part = string | Iterable<number>;

/** A page's bytes: text parts as UTF-8 (ASCII here), number parts as raw bytes. */
function bytesOf(...parts: readonly Part[]): Uint8Array {
	const utf8 = new TextEncoder();
	return Uint8Array.from(
		parts.flatMap((part) => (typeof part === "string" ? [...utf8.encode(part)] : [...part])),
	);
}

/** 日本語 and テスト in Shift_JIS (本 ends in `{`, a byte of ASCII's range). */
const NIHONGO = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea];
const TESUTO = [0x83, 0x65, 0x83, 0x58, 0x83, 0x67];
/** Every byte windows-1252 leaves unassigned, and some it assigns. */
const LATIN = [0xe9, 0x80, 0x81, 0x8d, 0x8f, 0x90, 0x9d, 0xff];

/**
 * A page holding `word` (non-ASCII bytes) wherever the guard writes text back: held-back inline
 * scripts, a link whose href it strips, a noscript body. As the origin sends it, or (`guarded`) as a
 * visitor whose `ads` is denied gets it.
 */
function wordPage(head: Part, word: readonly number[], guarded: boolean, tail: Part = ""): Uint8Array {
	const page = bytesOf(
		head,
		"<p>",
		word,
		'</p><script>var a = "',
		word,
		'";</script>',
		guarded ? stubbed('<script type="text/plain" data-consent="ads">', ["fbq"]) : "<script>",
		'var b = "',
		word,
		"\"; fbq('init', '1');</script>",
		'<a href="/p?x=',
		word,
		guarded ? "" : "&amp;gclid=1",
		"&amp;y=",
		word,
		'">',
		word,
		"</a><noscript>",
		word,
		"</noscript>",
		tail,
	);
	if (!guarded) return page;
	// These pages' Content-Type names no charset: the tag goes after a declaration ending the head.
	const headBytes = bytesOf(head);
	if (!/<meta[^<>]*>$/i.test(String.fromCharCode(...headBytes)))
		return withRuntime(page, RUNTIME_TAGS.gpcOnly);
	return bytesOf(headBytes, RUNTIME_TAGS.gpcOnly, page.subarray(headBytes.length));
}

/** How the origin sends a page: whole with its length, or streamed in chunks of these sizes. */
const DELIVERIES: readonly (readonly number[] | "whole")[] = ["whole", [1], [7], [100, 3], [1000, 30, 5]];

function byteOrigin(page: Uint8Array, delivery: readonly number[] | "whole", contentType = "text/html") {
	return fakeOrigin(() =>
		delivery === "whole"
			? new Response(page, { headers: { "Content-Type": contentType, "Content-Length": `${page.length}` } })
			: new Response(chunkedStream(page, delivery), { headers: { "Content-Type": contentType } }),
	);
}

/** What a guarded visitor gets of each page, however it is delivered; the Content-Type is the origin's. */
async function expectGuarded(cases: readonly (readonly [name: string, sent: Uint8Array, got: Uint8Array])[]) {
	for (const delivery of DELIVERIES) {
		for (const [name, sent, got] of cases) {
			byteOrigin(sent, delivery);
			const res = await visit("/", VISITORS.gpcOnly);
			expect(res.headers.get("Content-Type")).toBe("text/html");
			expect(new Uint8Array(await res.arrayBuffer()), `${name}, ${delivery}`).toEqual(got);
			vi.restoreAllMocks();
		}
	}
}

describe("a page whose Content-Type names no charset (read as a browser would)", () => {
	it("Shift_JIS declared by <meta charset>: every byte the guard writes back is kept", async () => {
		const head = '<!doctype html><html><head><meta charset="Shift_JIS">';
		await expectGuarded([["meta charset", wordPage(head, NIHONGO, false), wordPage(head, NIHONGO, true)]]);
	});

	it("Shift_JIS declared by <meta http-equiv=Content-Type>", async () => {
		const head = `<head><title>x</title><META HTTP-EQUIV='content-type' CONTENT="text/html;charset=shift_jis">`;
		await expectGuarded([["http-equiv", wordPage(head, NIHONGO, false), wordPage(head, NIHONGO, true)]]);
	});

	it("windows-1252 declared nowhere: read byte for byte, every byte kept", async () => {
		const head = '<!doctype html><html lang="fr"><title>Caf&eacute;</title>';
		await expectGuarded([["undeclared", wordPage(head, LATIN, false), wordPage(head, LATIN, true)]]);
	});

	it("a declaration the prescan does not see (in a comment, after 1024 bytes, cut at 1024): byte for byte", async () => {
		const meta = '<meta charset="utf-8">';
		const comment = (length: number) => `<!--${"x".repeat(length)}-->`;
		const heads = {
			"in a comment": `<!-- 1 > 0 ${meta} -->`,
			"after 1024 bytes": comment(1100) + meta,
			// The head ends after `<meta charset="utf-8`: the label is whole, the tag is not.
			"cut at 1024": comment(1024 - 20 - 7) + meta,
			"in an attribute": `<p title='${meta}'>`,
		};
		await expectGuarded(
			Object.entries(heads).map(([name, head]) => [
				name,
				wordPage(head, NIHONGO, false),
				wordPage(head, NIHONGO, true),
			]),
		);
	});

	it("a UTF-8 byte order mark means UTF-8, whatever a <meta> says", async () => {
		const head = bytesOf([0xef, 0xbb, 0xbf], '<meta charset="shift_jis">');
		const word = [...new TextEncoder().encode("日本語")];
		await expectGuarded([["BOM", wordPage(head, word, false), wordPage(head, word, true)]]);
	});

	it("a streamed page whose head declares its charset and whose text runs past 1024 bytes", async () => {
		const head = `<!--${"x".repeat(950)}--><meta charset="shift_jis">`;
		const tail = bytesOf(`<!--${"y".repeat(3000)}--><script>var c = "`, TESUTO, '";</script>');
		await expectGuarded([
			["long", wordPage(head, NIHONGO, false, tail), wordPage(head, NIHONGO, true, tail)],
		]);
	});

	// Looked ahead for at most 500 ms (HEAD_WAIT_MS); a head that has declared its charset is not
	// held back for even that long: a server flushing its head early has the browser fetch its CSS.
	it.each([
		["until the rest comes", 5_000],
		["once it has declared its charset", 300],
	])("a streamed page's early-flushed head is not held back %s", async (_, withinMs) => {
		const page = wordPage('<meta charset="shift_jis">', NIHONGO, false);
		const flushed = page.subarray(0, 200);
		let release = () => {};
		const released = new Promise<void>((resolve) => {
			release = resolve;
		});
		let reads = 0;
		fakeOrigin(
			() =>
				new Response(
					new ReadableStream({
						async pull(controller) {
							if (reads++ === 0) return controller.enqueue(flushed);
							await released;
							controller.enqueue(page.subarray(200));
							controller.close();
						},
					}),
					{ headers: { "Content-Type": "text/html" } },
				),
		);
		const reading = visit("/", VISITORS.gpcOnly).then(async (res) => {
			const reader = (res.body as ReadableStream<Uint8Array>).getReader();
			return { reader, head: await reader.read() };
		});
		const stuck = new Promise<null>((resolve) => setTimeout(resolve, withinMs, null));
		const early = await Promise.race([reading, stuck]);
		release();
		if (early === null) expect.fail("the page's first bytes waited for the rest");
		const { reader, head } = early;
		const parts = [head.value ?? new Uint8Array()];
		for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(read.value);
		expect(bytesOf(...parts)).toEqual(wordPage('<meta charset="shift_jis">', NIHONGO, true));
	});
});

describe("images loaded through srcset", () => {
	const PIXEL = "https://www.facebook.com/tr?id=1&amp;ev=x";
	const COLLECT = "https://www.google-analytics.com/collect?v=1&amp;tid=UA-1";
	/** Each tag, and what a GPC-only (ads denied) and an opted-out (all denied) visitor get of it. */
	const TAGS: readonly (readonly [tag: string, gpcOnly: string, optedOut: string])[] = [
		[`<img id="i3" srcset="${PIXEL} 1x">`, "<area/>", "<area/>"],
		[`<img id="i4" src="/logo.png" srcset="/logo-2x.png 2x, ${PIXEL} 3x" alt="">`, "<area/>", "<area/>"],
		[
			`<img id="i5" src="/p.png" srcset="${COLLECT}">`,
			`<img id="i5" src="/p.png" srcset="${COLLECT}">`,
			"<area/>",
		],
		[`<img id="i6" src="${PIXEL}" srcset="${PIXEL} 2x">`, "<area/>", "<area/>"],
		// Separated by encoded characters, as a browser decodes them before it splits the list.
		[`<img id="i9" src="/a.png" srcset="/a.png&#32;1x,${PIXEL}&#32;2x">`, "<area/>", "<area/>"],
		[`<img id="i10" src="/a.png" srcset="/a.png 1x&#44;${PIXEL} 2x">`, "<area/>", "<area/>"],
		// A comma inside a descriptor's parentheses separates nothing; the next comma does.
		[`<img id="i11" src="/a.png" srcset="/a.png 1x(x,y),${PIXEL} 2x">`, "<area/>", "<area/>"],
		[
			'<img id="i7" srcset="https://cdn.example/a,1.png 1x,https://cdn.example/a,2.png 2x" alt="">',
			'<img id="i7" srcset="https://cdn.example/a,1.png 1x,https://cdn.example/a,2.png 2x" alt="">',
			'<img id="i7" srcset="https://cdn.example/a,1.png 1x,https://cdn.example/a,2.png 2x" alt="">',
		],
		[
			`<img id="i8" data-consent="personalization" srcset="${PIXEL} 1x">`,
			"<area/>",
			`<img id="i8" data-consent="personalization" data-srcset="${PIXEL} 1x">`,
		],
		["<picture>", "<picture>", "<picture>"],
		[`<source srcset="${PIXEL} 1x">`, "", ""],
		[
			`<source data-consent="personalization" srcset="https://cdn.example/b.webp 1x,${PIXEL} 2x">`,
			"",
			`<source data-consent="personalization" data-srcset="https://cdn.example/b.webp 1x,${PIXEL} 2x">`,
		],
		[
			`<source media="(min-width: 800px)" srcset="${COLLECT},">`,
			`<source media="(min-width: 800px)" srcset="${COLLECT},">`,
			"",
		],
		[
			'<source srcset="/banner.webp 1x, https://cdn.example/banner-2x.webp 2x">',
			'<source srcset="/banner.webp 1x, https://cdn.example/banner-2x.webp 2x">',
			'<source srcset="/banner.webp 1x, https://cdn.example/banner-2x.webp 2x">',
		],
		[
			'<img src="/fallback.png" alt=""></picture>',
			'<img src="/fallback.png" alt=""></picture>',
			'<img src="/fallback.png" alt=""></picture>',
		],
	];
	const page = TAGS.map(([tag]) => tag).join("\n");

	it("a tracker among any image's or source's candidates of a denied purpose removes it, like a tracker src", async () => {
		for (const [visitor, column] of [
			[VISITORS.gpcOnly, 1],
			[VISITORS.optedOut, 2],
			[VISITORS.allowed, 0],
		] as const) {
			htmlOrigin(page);
			const res = await visit("/", visitor);
			expect(await res.text()).toBe(TAGS.map((row) => row[column]).join("\n"));
			vi.restoreAllMocks();
		}
	});

	it("a relative candidate counts where the site classified its own paths", async () => {
		htmlOrigin(
			'<img srcset="/img/a.png 1x, /px/b.gif 2x"><img srcset="/img/c.png 1x"><picture><source srcset="/px/d.gif"></picture>',
		);
		const res = await visit(
			"/",
			VISITORS.gpcOnly,
			{},
			guardEnv({ GUARD_TRACKER_OVERRIDES: '{"/px": "ads"}' }),
		);
		expect(await res.text()).toBe('<area/><img srcset="/img/c.png 1x"><picture></picture>');
	});
});
