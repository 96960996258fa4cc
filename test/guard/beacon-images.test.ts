/**
 * A relative image whose URL the guard's own beacon paths take (beacons.ts): for a visitor denying
 * its purpose the guard answers that request 204, and the page rewrite leaves no such image either,
 * in the page or its `<noscript>`, as it leaves no tracker's pixel. Ordinary relative images stay,
 * a site that classified its own paths keeps its behaviour, and a visitor allowing the purpose keeps
 * the image.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, guardEnv, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

/** A URL of each beacon shape, as a page would write it (`&` as `&amp;`), with its purpose. */
const BEACON_IMAGES: readonly (readonly [string, "ads" | "analytics"])[] = [
	["/g/collect?v=2&amp;tid=G-ABC123XYZ9&amp;en=page_view", "analytics"],
	["metrics/g/collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/collect?v=1&amp;tid=UA-12345-1&amp;t=pageview", "analytics"],
	["/batch?v=1&amp;tid=UA-12345-1", "analytics"],
	["/mp/collect?measurement_id=G-ABC123XYZ9&amp;api_secret=s", "analytics"],
	["/ccm/collect?tid=AW-123456789&amp;en=page_view", "ads"],
	["/rmkt/collect/123456789/?random=1", "ads"],
	["/pagead/viewthroughconversion/123456789/?value=0", "ads"],
	["/ccm/form-data/123456789", "ads"],
	["/gtag/js?id=G-ABC123XYZ9", "analytics"],
	["/gtm.js?id=GTM-ABCD123", "ads"],
	["/ns.html?id=GTM-ABCD123", "ads"],
	["/metrics/?id=G-ABC123XYZ9", "analytics"],
	["/xk29fj3/?id=AW-123456789&amp;l=dataLayer", "ads"],
	["/tr?id=123456789012345&amp;ev=PageView", "ads"],
	["../capig/tr/?id=123456789012345&ev=Purchase", "ads"],
	["/cdn-cgi/zaraz/t", "ads"],
	["/cdn-cgi/rum", "analytics"],
	["/matomo.php?idsite=1&amp;rec=1&amp;action_name=x", "analytics"],
	["stats/piwik.php?idsite=3&#38;rec=1", "analytics"],
	["/js/matomo.js", "analytics"],
	["/2/httpapi", "analytics"],
	["/mp/track/?data=eyJ9&amp;ip=1", "analytics"],
	["/i/v0/e/", "analytics"],
	["/api/v2/pixel/track", "ads"],
	// Written with character references: the browser requests the same path.
	["/m&#97;tomo.php?idsite=1&amp;rec=1", "analytics"],
	["/g&sol;collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	// Written with percent-escapes, which the origin decodes: the guard answers them 204 (beacons.ts).
	["/%6datomo.php?idsite=1&amp;rec=1", "analytics"],
	["/matomo.php?idsite=1&amp;rec=%31", "analytics"],
	["/g/%63ollect?v=2&amp;t%69d=G-ABC123XYZ9", "analytics"],
	["/%74r?id=123456789012345&amp;ev=PageView", "ads"],
	// A mark written with a named reference (`&equals;` for `=`, `&quest;`, `&AMP;`): the browser
	// decodes every one, and requests the beacon path.
	["/tr?id=123456789012345&amp;ev&equals;PageView", "ads"],
	["/g/collect?v&equals;2&amp;tid&equals;G-ABC123XYZ9", "analytics"],
	["/matomo.php&quest;idsite=1&AMP;rec=1", "analytics"],
	["/metrics/?id&equals;G-ABC123XYZ9", "analytics"],
	// Dot segments and a backslash, which the URL parser resolves before the request (seen in Chromium).
	["/g/./collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/g/x/../collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/g/%2e/collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/g/x/%2E%2E/collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/g\\collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/cdn-cgi/x/../zaraz/t", "ads"],
	// A doubled slash and `;params`, which the URL parser keeps and nginx (merge_slashes) or a servlet
	// container takes out, and a path after `.php`, which PHP's path info runs as the script.
	["/g//collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
	["/matomo.php;x?idsite=1&amp;rec=1", "analytics"],
	["/matomo.php/extra?idsite=1&amp;rec=1", "analytics"],
	// Relative to the page's path, with a dot segment.
	["g/./collect?v=2&amp;tid=G-ABC123XYZ9", "analytics"],
];

/** Relative images the beacon paths do not take. */
const ORDINARY_IMAGES = [
	"/collect?email=a@b.c&amp;name=x",
	"/products/collect.png",
	"/tr",
	"/tr.png?ev=1",
	"/img/pixel.png",
	"/products?id=G-1234567890",
	"/matomo.php?idsite=1",
	"/logo.png?width=300&amp;grid=2",
	"/%E7%94%BB%E5%83%8F.png",
	"/100%25.png?q=%20",
	// Decoded once, as the origin does: `%256d` is `%6d` there, no beacon path (nor answered 204).
	"/%256datomo.php?idsite=1&amp;rec=1",
	"/g/%2563ollect?v=2&amp;tid=G-ABC123XYZ9",
	"/img/connect.facebook.net.png",
	"/a/./b/../logo.png?ev&equals;1",
	"/matomo.php.html?idsite=1&amp;rec=1",
	"/blog/g/collect-stamps?v=2&amp;tid=G-ABC123XYZ9",
];

async function page(
	body: string,
	visitor: typeof VISITORS.optedOut | typeof VISITORS.gpcOnly,
	env = guardEnv(),
) {
	fakeOrigin(
		() =>
			new Response(`<html><head></head><body>${body}</body></html>`, {
				headers: { "Content-Type": "text/html; charset=utf-8" },
			}),
	);
	const res = await visit("/shop/item", visitor, {}, env);
	const text = await res.text();
	vi.restoreAllMocks();
	return text.slice(text.indexOf("<body>") + 6, text.lastIndexOf("</body>"));
}

/** The request a browser makes for the raw `src` on /shop/item, as the guard answers it. */
async function requested(src: string, visitor: typeof VISITORS.optedOut): Promise<number> {
	const decoded = src
		.replaceAll("&amp;", "&")
		.replaceAll("&#38;", "&")
		.replaceAll("&#97;", "a")
		.replaceAll("&sol;", "/")
		.replaceAll("&equals;", "=")
		.replaceAll("&quest;", "?")
		.replaceAll("&AMP;", "&");
	const url = new URL(decoded, "https://consent.example/shop/item");
	const { calls } = fakeOrigin(() => new Response("GIF89a", { headers: { "Content-Type": "image/gif" } }));
	const res = await visit(`${url.pathname}${url.search}`, visitor, { headers: { Accept: "image/*" } });
	await res.arrayBuffer();
	const status = calls.length === 0 ? res.status : 200;
	vi.restoreAllMocks();
	return status;
}

describe("relative beacon images for a visitor opted out of everything", () => {
	it("each is a request the guard answers 204", async () => {
		const answers: Record<string, number> = {};
		for (const [src] of BEACON_IMAGES) answers[src] = await requested(src, VISITORS.optedOut);
		expect(answers).toEqual(Object.fromEntries(BEACON_IMAGES.map(([src]) => [src, 204])));
	});

	it("goes from the page, by src or srcset, and from a noscript", async () => {
		const kept: string[] = [];
		for (const [src] of BEACON_IMAGES) {
			const body = await page(
				`<img src="${src}" alt=""><img src="/a.png" srcset="/a.png 1x, ${src} 2x" alt=""><noscript><img src="${src}" alt=""></noscript>`,
				VISITORS.optedOut,
			);
			// Each removed image leaves an inert `<area/>` (built as the img was: html-guard.ts, removeImage).
			if (body !== "<area/><area/><noscript></noscript>") kept.push(`${src}: ${body}`);
		}
		expect(kept).toEqual([]);
	});

	it("leaves ordinary relative images as they are", async () => {
		const markup = ORDINARY_IMAGES.map((src) => `<img src="${src}" alt="">`).join("");
		expect(await page(markup, VISITORS.optedOut)).toBe(markup);
	});

	// A `<picture>` source and an image's `srcset` are let in by one selector each and judged by
	// their handlers (html-guard.ts): what they keep and drop is as when a selector per part let them in.
	it("goes from a <picture> source, and ordinary sources and srcsets stay", async () => {
		const plain = '<source srcset="/a.webp 1x, /a2.webp 2x"><img src="/a.png" srcset="/a2.png 2x" alt="">';
		const kept: string[] = [];
		for (const [src] of BEACON_IMAGES) {
			const body = await page(`<picture><source srcset="${src}">${plain}</picture>`, VISITORS.optedOut);
			if (body !== `<picture>${plain}</picture>`) kept.push(`${src}: ${body}`);
		}
		expect(kept).toEqual([]);
		const ordinary = ORDINARY_IMAGES.map(
			(src) => `<picture><source srcset="${src} 1x"><img src="/a.png" srcset="${src} 2x" alt=""></picture>`,
		).join("");
		expect(await page(ordinary, VISITORS.optedOut)).toBe(ordinary);
	});
});

// A frame's `srcdoc` is markup in an attribute: its `&` is written `&amp;` once more. Its relative
// images request the page's site (the frame's base URL is the page's), where the guard answers a
// beacon path 204: such a frame keeps its `srcdoc` aside, as one holding a tracker's pixel does.
const inSrcdoc = (markup: string) => markup.replaceAll("&", "&amp;").replaceAll('"', "&quot;");

describe("relative beacon images in a frame's srcdoc", () => {
	it("keep the frame's srcdoc aside for a visitor denying their purpose", async () => {
		const kept: string[] = [];
		for (const [src, purpose] of BEACON_IMAGES) {
			for (const markup of [
				`<img src="${src}" alt="">`,
				`<picture><source srcset="/a.png 1x, ${src} 2x"></picture>`,
			]) {
				const srcdoc = inSrcdoc(markup);
				const body = await page(`<iframe title="f" srcdoc="${srcdoc}"></iframe>`, VISITORS.optedOut);
				if (body !== `<iframe title="f" data-consent="${purpose}" data-srcdoc="${srcdoc}"></iframe>`)
					kept.push(`${src}: ${body}`);
			}
		}
		expect(kept).toEqual([]);
	});

	it("leave a frame of ordinary images, or of beacons of an allowed purpose, as it is", async () => {
		const ordinary = `<iframe title="f" srcdoc="${inSrcdoc(ORDINARY_IMAGES.map((src) => `<img src="${src}" alt="">`).join(""))}"></iframe>`;
		expect(await page(ordinary, VISITORS.optedOut)).toBe(ordinary);
		const analytics = BEACON_IMAGES.filter(([, purpose]) => purpose === "analytics").map(
			([src]) => `<iframe title="f" srcdoc="${inSrcdoc(`<img src="${src}" alt="">`)}"></iframe>`,
		);
		expect(await page(analytics.join(""), VISITORS.gpcOnly)).toBe(analytics.join(""));
	});
});

describe("relative beacon images for other visitors and sites", () => {
	it("a visitor denying ads only keeps the analytics beacons' images", async () => {
		const markup = BEACON_IMAGES.map(([src]) => `<img src="${src}" alt="">`).join("");
		const kept = BEACON_IMAGES.map(([src, purpose]) =>
			purpose === "analytics" ? `<img src="${src}" alt="">` : "<area/>",
		);
		expect(await page(markup, VISITORS.gpcOnly)).toBe(kept.join(""));
	});

	it("a site that classified its own paths has its images judged as before", async () => {
		const env = guardEnv({ GUARD_TRACKER_OVERRIDES: '{"/stats/": "analytics"}' });
		const body = await page(
			`<img src="/stats/hit.gif" alt=""><img src="/matomo.php?idsite=1&amp;rec=1" alt=""><img src="/logo.png" alt="">`,
			VISITORS.optedOut,
			env,
		);
		expect(body).toBe(`<area/><area/><img src="/logo.png" alt="">`);
	});
});
