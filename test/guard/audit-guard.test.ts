/**
 * Audit findings (guard mode): markup and headers through which a page reached a tracker, or carried
 * a tracking parameter, for a visitor opted out of everything (DE). Each case is one finding; the
 * browser counterpart is test/browser/audit-guard.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

function htmlOrigin(body: string, headers: HeadersInit = {}) {
	return fakeOrigin(
		() => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8", ...headers } }),
	);
}

async function optedOutPage(markup: string, headers: HeadersInit = {}): Promise<Response> {
	htmlOrigin(`<!doctype html><html><head><title>t</title></head><body>${markup}</body></html>`, headers);
	return visit("/", VISITORS.optedOut);
}

/**
 * A tracker URL is still there for the browser to load: outside the inert `data-*` attributes the
 * guard moves URLs aside into, raw or with `/` written `&#x2F;`.
 */
function reaches(body: string, host: string): boolean {
	const live = body.replace(/\sdata-[\w-]+="[^"]*"/g, "").replaceAll("&#x2F;", "/");
	return live.includes(host);
}

describe("(a) gaps the contract/README promise to cover", () => {
	it("a Link response header preloading or preconnecting to a tracker is removed", async () => {
		const res = await optedOutPage("<p>news</p>", {
			Link: "</site.css>; rel=preload; as=style, <https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234>; rel=preload; as=script, <https://connect.facebook.net>; rel=preconnect",
		});
		await res.text();
		const link = res.headers.get("Link") ?? "";
		expect(link).not.toContain("googletagmanager.com");
		expect(link).not.toContain("connect.facebook.net");
		// The site's own hint stays.
		expect(link).toContain("</site.css>; rel=preload; as=style");
	});

	it("a pixel whose URL writes its slashes as character references (&#x2F;) is removed", async () => {
		const res = await optedOutPage(
			'<img alt="" src="https:&#x2F;&#x2F;ct.pinterest.com&#x2F;v3&#x2F;?event=init&amp;tid=2612345678901&amp;noscript=1" width="1" height="1">',
		);
		expect(reaches(await res.text(), "https://ct.pinterest.com/v3/")).toBe(false);
	});

	it("a tracker script with a legacy JavaScript MIME type Chromium runs (text/javascript1.5) is neutralised", async () => {
		const res = await optedOutPage(
			'<script type="text/javascript1.5" src="https://connect.facebook.net/en_US/fbevents.js"></script>' +
				'<script type="text/livescript" src="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script>',
		);
		const body = await res.text();
		expect(body).not.toMatch(/<script type="text\/javascript1\.5" src=/);
		expect(body).not.toMatch(/<script type="text\/livescript" src=/);
	});

	it("a link whose query mark is written as a character reference (&#63;) loses its tracking parameters", async () => {
		const res = await optedOutPage('<a id="p" href="/product&#63;id=7&amp;gclid=abc">Product</a>');
		expect(await res.text()).not.toContain("gclid");
	});

	it("a tracker delayed by a page-speed plugin (WP Rocket's rocketlazyloadscript) is neutralised", async () => {
		const res = await optedOutPage(
			'<script type="rocketlazyloadscript" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-DELAYED123"></script>' +
				"<script type=\"rocketlazyloadscript\">!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};t=b.createElement(e);t.src=v;b.head.appendChild(t)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','123456789012345');</script>" +
				'<script type="litespeed/javascript" data-src="https://static.hotjar.com/c/hotjar-1234567.js?sv=6"></script>',
		);
		const body = await res.text();
		// The plugin's loader runs every script of its own type: these must not keep it.
		expect(body).not.toMatch(/ type="rocketlazyloadscript"/);
		expect(body).not.toMatch(/ type="litespeed\/javascript"/);
	});
});

describe("(b) reasonable extensions: other ways markup makes the browser call a tracker", () => {
	const CASES: readonly (readonly [what: string, markup: string, host: string])[] = [
		[
			"<a ping> (Chromium POSTs it on click)",
			'<a href="/about" ping="https://www.facebook.com/tr?id=123456789012345&amp;ev=Click">About</a>',
			"www.facebook.com/tr",
		],
		[
			"<video poster>",
			'<video poster="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456/"></video>',
			"googleads.g.doubleclick.net",
		],
		[
			"<video><source src>",
			'<video><source src="https://www.google-analytics.com/collect?v=1&amp;tid=UA-12345-1&amp;t=event" type="video/mp4"></video>',
			"www.google-analytics.com",
		],
		[
			"<object data>",
			'<object data="https://www.facebook.com/tr?id=123456789012345&amp;ev=Object" width="1" height="1"></object>',
			"www.facebook.com/tr",
		],
		[
			"<embed src>",
			'<embed src="https://px.ads.linkedin.com/collect/?pid=1234567&amp;fmt=gif" width="1" height="1">',
			"px.ads.linkedin.com",
		],
		[
			'<input type="image" src>',
			'<input type="image" alt="go" src="https://bat.bing.com/action/0?ti=12345678">',
			"bat.bing.com",
		],
		[
			"<svg><image href>",
			'<svg width="1" height="1"><image href="https://ct.pinterest.com/v3/?event=init&amp;tid=2612345678901"/></svg>',
			"ct.pinterest.com",
		],
		[
			"<iframe srcdoc> holding a pixel",
			'<iframe title="x" srcdoc="&lt;img src=&quot;https://www.facebook.com/tr?id=123456789012345&amp;amp;ev=PageView&quot;&gt;"></iframe>',
			"www.facebook.com/tr",
		],
		[
			"<image src> (the parser makes it an <img>)",
			'<image src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView" width="1" height="1">',
			"www.facebook.com/tr",
		],
		[
			"a legacy background attribute (body, table, td, th)",
			'<body background="https://bat.bing.com/action/0?ti=1"><table background="https://bat.bing.com/action/0?ti=2">' +
				'<tr><td background="https://bat.bing.com/action/0?ti=3">x</td><th background="https://bat.bing.com/action/0?ti=4">y</th></tr></table>',
			"bat.bing.com",
		],
		[
			"<svg><feImage href> (a filter's image)",
			'<svg width="1" height="1"><filter id="f"><feImage href="https://ct.pinterest.com/v3/?event=init&amp;tid=2612345678901"/></filter></svg>',
			"ct.pinterest.com",
		],
		[
			"a preload's imagesrcset (with or without an href)",
			'<link rel="preload" as="image" imagesrcset="https://bat.bing.com/action/0?ti=1 1x, /hero@2x.jpg 2x" imagesizes="100vw">' +
				'<link rel="preload" as="image" href="/hero.jpg" imagesrcset="/hero@2x.jpg 2x, https://bat.bing.com/action/0?ti=2 3x">',
			"bat.bing.com",
		],
		[
			"CSS url() in a style attribute",
			"<div style=\"background:url('https://analytics.twitter.com/i/adsct?txn_id=o1234')\">x</div>",
			"analytics.twitter.com",
		],
		[
			"CSS url() in a <style> block",
			'<style>.promo { background-image: url("https://bat.bing.com/action/0?ti=12345678&evt=custom"); }</style><div class="promo">x</div>',
			"bat.bing.com",
		],
	];
	for (const [what, markup, host] of CASES) {
		it(`${what} to a tracker of a denied purpose is neutralised`, async () => {
			const res = await optedOutPage(markup);
			expect(reaches(await res.text(), host)).toBe(false);
		});
	}

	it("lazy-load plugins' URL attributes (lazysizes data-src, WP Rocket data-lazy-src) naming trackers are gated", async () => {
		const res = await optedOutPage(
			'<img class="lazyload" alt="" data-src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView">' +
				'<iframe title="like" src="about:blank" data-lazy-src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fshop.example"></iframe>',
		);
		const body = await res.text();
		// A lazy-loader copies these into src after load; the guard leaves them as they are.
		expect(body).not.toContain('data-src="https://www.facebook.com/tr');
		expect(body).not.toContain('data-lazy-src="https://www.facebook.com/plugins');
	});

	it("a <base href> on a tracker's host goes, so relative URLs after it stay on the site", async () => {
		htmlOrigin(
			'<!doctype html><html><head><base href="https://www.facebook.com/"></head><body><img alt="" src="logo.png"><img alt="" src="tr?id=123456789012345&amp;ev=PageView"></body></html>',
		);
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body).not.toContain("<base");
		// On the site, `tr?id=…&ev=…` is a first-party Meta beacon the guard answers 204: it goes too.
		expect(body).toContain('<body><img alt="" src="logo.png"><area/></body>');
		htmlOrigin(
			'<!doctype html><html><head><base href="https://cdn.shop.example/"></head><body></body></html>',
		);
		expect(await (await visit("/", VISITORS.optedOut)).text()).toContain(
			'<base href="https://cdn.shop.example/">',
		);
	});

	it("a meta refresh to another site loses its tracking parameters", async () => {
		const res = await optedOutPage(
			'<meta http-equiv="refresh" content="5; url=https://other.example/?utm_source=x&amp;gclid=2">',
		);
		expect(await res.text()).not.toContain("gclid");
	});

	// Named by no list tracking.md surveys, only by the platforms' own docs ("Vendor" in the rule table).
	for (const [vendor, param] of [
		["Pinterest", "epik"],
		["Snap", "ScCid"],
		["Reddit", "rdt_cid"],
	] as const) {
		it(`a navigation carrying ${vendor}'s click id (${param}) is redirected without it`, async () => {
			fakeOrigin(() => new Response("ok"));
			const init = { headers: { "Sec-Fetch-Mode": "navigate" }, redirect: "manual" } as const;
			const res = await visit(`/?${param}=dj0yJnU9&a=1`, VISITORS.optedOut, init);
			await res.text();
			expect(res.status).toBe(302);
			expect(res.headers.get("Location")).toBe("/?a=1");
		});
	}

	it("an iframe of an ordinary third party loses the tracking parameters in its src", async () => {
		const res = await optedOutPage(
			'<iframe title="deal" src="https://widgets.partner.example/embed?id=3&amp;utm_source=dailyshop&amp;gclid=abc"></iframe>',
		);
		const body = await res.text();
		expect(body).not.toContain("gclid");
		expect(body).not.toContain("utm_source");
	});
});
