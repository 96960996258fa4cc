/** classifyTrackerUrl: host table, tag-loader ids, first-party shapes and site overrides. */

import { describe, expect, it } from "vitest";
import { CATEGORY_PURPOSE, classifyTrackerUrl } from "../../workers/guard/tracker-hosts";

describe("classifyTrackerUrl", () => {
	const cases: readonly (readonly [string, "ads" | "analytics" | null])[] = [
		["https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9", "analytics"],
		["https://www.googletagmanager.com/gtag/js?id=AW-123456789", "ads"],
		["https://www.googletagmanager.com/gtag/js?id=DC-1234567", "ads"],
		["https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123", "ads"],
		["https://www.googletagmanager.com/ns.html?id=GTM-ABCD123", "ads"],
		["//www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9&l=dataLayer", "analytics"],
		["https://www.googletagmanager.com/static/x.js", "ads"],
		["https://www.google-analytics.com/analytics.js", "analytics"],
		["https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9", "analytics"],
		["https://stats.g.doubleclick.net/g/collect?v=2", "analytics"],
		["https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/", "ads"],
		["https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js", "ads"],
		["https://www.google.com/ccm/collect?tid=AW-123456789&en=page_view", "ads"],
		["https://www.google.co.uk/ads/ga-audiences?t=sr", "ads"],
		["https://www.google.com/g/collect?v=2&tid=G-ABC123XYZ9", "analytics"],
		["https://www.google.com/search?q=x", null],
		["https://www.google.com/recaptcha/api.js", null],
		["https://connect.facebook.net/en_US/fbevents.js", "ads"],
		["https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1", "ads"],
		["https://snap.licdn.com/li.lms-analytics/insight.min.js", "ads"],
		["https://px.ads.linkedin.com/collect/?pid=1&fmt=gif", "ads"],
		["https://www.linkedin.com/in/someone", null],
		["https://bat.bing.com/bat.js", "ads"],
		["https://www.bing.com/search?q=x", null],
		["https://t.co/i/adsct?txn_id=x", "ads"],
		["https://t.co/AbCdEf", null],
		["https://analytics.twitter.com/i/adsct?txn_id=x", "ads"],
		["https://s.pinimg.com/ct/core.js", "ads"],
		["https://i.pinimg.com/236x/ab/cd.jpg", null],
		["https://a.quora.com/qevents.js", "ads"],
		["https://q.quora.com/_/ad/abc/pixel?tag=ViewContent&noscript=1", "ads"],
		["https://www.quora.com/What-is-x", null],
		["https://d.line-scdn.net/n/line_tag/public/release/v1/lt.js", "ads"],
		["http://d.line-cdn.net/n/line_tag/public/release/v1/lt.js", "ads"],
		["https://tr.line.me/tag.gif?c_t=lap&t_id=0a1b2c3d&e=pv&noscript=1", "ads"],
		["https://static.line-scdn.net/liff/edge/2/sdk.js", null],
		["https://line.me/R/ti/p/@shop", null],
		["https://s.yimg.jp/images/listing/tool/cv/ytag.js", "ads"],
		["https://s.yimg.jp/images/listing/tool/cv/conversion.js", "ads"],
		["https://s.yimg.jp/images/top/sp2/cmn/logo.png", null],
		["https://b90.yahoo.co.jp/c?yahoo_ydn_conv_io=x&yahoo_ydn_conv_label=y", "ads"],
		["https://b91.yahoo.co.jp/pagead/conversion_async.js", "ads"],
		["https://b92.yahoo.co.jp/js/s_retargeting.js", "ads"],
		["https://b97.yahoo.co.jp/pagead/conversion/1000000000/?guid=ON&script=0", "ads"],
		["https://www.yahoo.co.jp/", null],
		["https://tag.flvcdn.net/lytag.js", "ads"],
		["https://statics.a8.net/a8sales/a8sales.js", "ads"],
		["//statics.a8.net/a8sales/a8crossDomain.js", "ads"],
		["https://www.a8.net/", null],
		["https://cdn.treasuredata.com/sdk/4.4.1/td.min.js", "analytics"],
		["https://in.treasuredata.com/js/v3/event/db/table", "analytics"],
		["https://us01.records.in.treasuredata.com/db/table", "analytics"],
		["https://console.treasuredata.com/app", null],
		["https://cdn-edge.karte.io/0123456789abcdef0123456789abcdef/edge.js", "analytics"],
		["https://support.karte.io/post/x", null],
		["https://www.clarity.ms/tag/abc", "analytics"],
		["https://us-assets.i.posthog.com/static/array.js", "analytics"],
		["https://eu.i.posthog.com/e/", "analytics"],
		["https://app.posthog.com/decide/?v=3", "analytics"],
		["https://posthog.com/docs", null],
		["https://static.hotjar.com/c/hotjar-1.js?sv=6", "analytics"],
		["https://cdn.segment.com/analytics.js/v1/KEY/analytics.min.js", "analytics"],
		["https://static.cloudflareinsights.com/beacon.min.js", "analytics"],
		["https://www.redditstatic.com/ads/pixel.js", "ads"],
		["https://www.redditstatic.com/desktop2x/img/x.png", null],
		["https://cdn.jsdelivr.net/npm/x.js", null],
		["https://example.com/app.js", null],
		["/cdn-cgi/zaraz/s.js?z=abc", "ads"],
		["/metrics/gtag/js?id=G-ABC123XYZ9", "analytics"],
		["/app.js", null],
		["data:image/gif;base64,R0lGOD", null],
		["HTTPS://CONNECT.FACEBOOK.NET/en_US/fbevents.js", "ads"],
	];
	for (const [url, expected] of cases) {
		it(`${url} → ${expected}`, () => expect(classifyTrackerUrl(url)).toBe(expected));
	}

	it("maps categories to purposes", () => {
		expect(CATEGORY_PURPOSE).toEqual({ advertising: "ads", social: "ads", analytics: "analytics" });
	});

	it("applies site overrides by tag id, then host, before the tables", () => {
		const overrides = {
			"GTM-SITE123": "analytics",
			"G-": "ads",
			"hotjar.com": null,
			"cdn.example-cdn.com": "analytics",
			"googletagmanager.com": "analytics",
		} as const;
		expect(classifyTrackerUrl("https://www.googletagmanager.com/gtm.js?id=GTM-SITE123", overrides)).toBe(
			"analytics",
		);
		expect(classifyTrackerUrl("https://www.googletagmanager.com/gtm.js?id=GTM-OTHER12", overrides)).toBe(
			"analytics",
		);
		expect(classifyTrackerUrl("https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9", overrides)).toBe(
			"ads",
		);
		expect(classifyTrackerUrl("https://static.hotjar.com/c/hotjar-1.js", overrides)).toBeNull();
		expect(classifyTrackerUrl("https://cdn.example-cdn.com/t.js", overrides)).toBe("analytics");
		expect(classifyTrackerUrl("https://www.googletagmanager.com/gtm.js?id=GTM-OTHER12", {})).toBe("ads");
	});

	it("applies path overrides to relative URLs only", () => {
		const overrides = { "/stats": "analytics" } as const;
		expect(classifyTrackerUrl("/stats/script.js", overrides)).toBe("analytics");
		expect(classifyTrackerUrl("/statsboard", overrides)).toBeNull();
		expect(classifyTrackerUrl("https://other.example/stats/script.js", overrides)).toBeNull();
	});
});
