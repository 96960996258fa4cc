/** inlineScriptPurposes: vendor bootstraps by content, Google snippets by tag id, site overrides. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	candidateSignatures,
	INLINE_TRACKER_SIGNATURES,
	inlineScriptPurposes,
} from "../../workers/guard/inline-trackers";
import { assertCandidatesCover } from "./candidates";

const GA4 = `window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', 'G-ABC123XYZ9');`;
const GTM = `(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-ABCD123');`;

describe("inlineScriptPurposes", () => {
	const cases: readonly (readonly [string, string, readonly string[]])[] = [
		["GA4 config", GA4, ["analytics"]],
		["Google Ads config", "gtag('config', \"AW-123456789\");", ["ads"]],
		["GA4 and Ads in one", `${GA4}\ngtag('config', 'AW-123456789');`, ["ads", "analytics"]],
		["an Ads conversion event", "gtag('event', 'conversion', {send_to: 'AW-123456789/AbC-D_efG'});", ["ads"]],
		["a GTM container", GTM, ["ads"]],
		[
			"GTM with the id in a variable",
			"var id = cfg.id; j.src='https://www.googletagmanager.com/gtm.js?id='+id;",
			["ads"],
		],
		["Meta Pixel", "fbq('init', '123456789012345'); fbq('track', 'PageView');", ["ads"]],
		[
			"LinkedIn Insight",
			'_linkedin_partner_id = "1234567"; window._linkedin_data_partner_ids = [];',
			["ads"],
		],
		["TikTok", "ttq.load('C1234567890'); ttq.page();", ["ads"]],
		["Microsoft UET", "window.uetq = window.uetq || []; window.uetq.push('event', '', {});", ["ads"]],
		["Snap", "snaptr('init', 'abc', {});", ["ads"]],
		["Pinterest", "pintrk('load', '2612345678901');", ["ads"]],
		["X", "twq('config','abcde');", ["ads"]],
		["X single-event tag", "twttr.conversion.trackPid('o1abc', { tw_sale_amount: 0 });", ["ads"]],
		["Reddit", "rdt('init','t2_abc');", ["ads"]],
		["Quora", "qp('init', 'abcdef0123456789'); qp('track', 'ViewContent');", ["ads"]],
		["Outbrain", "tag.src = '//amplify.outbrain.com/cp/obtp.js'; obApi('track', 'PAGE_VIEW');", ["ads"]],
		[
			"LINE Tag base code",
			"(function(g,d,o){g._ltq=g._ltq||[];g._lt=g._lt||function(){g._ltq.push(arguments)};})(window, document); _lt('init', { customerType: 'lap', tagId: 'abc' }); _lt('send', 'pv', ['abc']);",
			["ads"],
		],
		["LINE Tag loader only", "s.src=o||h+'/n/line_tag/public/release/v1/lt.js';", ["ads"]],
		[
			"Yahoo! JAPAN Ads site general tag",
			'window.yjDataLayer = window.yjDataLayer || []; function ytag() { yjDataLayer.push(arguments); } ytag({"type":"ycl_cookie"});',
			["ads"],
		],
		[
			"an A8.net conversion tag (its loader defines a8sales)",
			'a8sales({"pid": "s00000000062001", "order_number": "1", "currency": "JPY", "items": [], "total_price": 9});',
			["ads"],
		],
		[
			"the Treasure Data JS SDK loader",
			'!function(t,e){if(void 0===e[t]){e[t]=function(){e[t].clients.push(this)};var n=document.createElement("script");n.async=!0,n.src="https://cdn.treasuredata.com/sdk/4.4.1/td.min.js";var i=document.getElementsByTagName("script")[0];i.parentNode.insertBefore(n,i)}}("Treasure",this);',
			["analytics"],
		],
		[
			"a LINE Tag conversion event alone (the base code stands in for _lt)",
			"_lt('send', 'cv', {type: 'Conversion'}, ['abc']);",
			[],
		],
		["Zaraz", "zarazData.executed = []; zarazData.x = 1;", ["ads"]],
		["HubSpot", "var _hsq = window._hsq = window._hsq || []; _hsq.push(['setPath', '/']);", ["analytics"]],
		["Hotjar", "h._hjSettings={hjid:123,hjsv:6};", ["analytics"]],
		["Clarity", 't.src="https://www.clarity.ms/tag/"+i;', ["analytics"]],
		["Matomo", "var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']);", ["analytics"]],
		["Segment", "analytics.load('writeKey'); analytics.page();", ["analytics"]],
		["Universal Analytics", "ga('create', 'UA-12345-1', 'auto'); ga('send', 'pageview');", ["analytics"]],
		[
			"a Consent Mode default (no tag id)",
			"window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('consent', 'default', {ad_storage: 'denied'});",
			[],
		],
		["first-party code", 'document.documentElement.dataset.fp = "1"; fetch("/api/cart");', []],
		["a tag-id lookalike outside any Google context", "var sku = 'G-ABC123XYZ9';", []],
		["an analytics object that is not Segment", "myapp.analytics = {}; analytics.track('x');", []],
	];
	for (const [what, source, expected] of cases) {
		it(`${what} → [${expected.join(", ")}]`, () => expect(inlineScriptPurposes(source)).toEqual(expected));
	}

	it("honours site overrides by tag id and by the snippet's host", () => {
		expect(inlineScriptPurposes(GA4, { "G-ABC123XYZ9": "ads" })).toEqual(["ads"]);
		expect(inlineScriptPurposes(GA4, { "G-": null })).toEqual([]);
		expect(inlineScriptPurposes(GTM, { "GTM-ABCD123": "analytics" })).toEqual(["analytics"]);
		expect(inlineScriptPurposes("fbq('init', '1');", { "connect.facebook.net": null })).toEqual([]);
		expect(inlineScriptPurposes("fbq('init', '1');", { "facebook.net": "analytics" })).toEqual(["analytics"]);
	});
});

describe("candidateSignatures: the one joined pattern tried before the signatures", () => {
	// Pieces of the vendors' snippets beside ordinary script, so that generated sources hit every signature.
	const PIECES = [
		"fbq('init', '1');",
		"connect.facebook.net/en_US/fbevents.js",
		"_linkedin_partner_id",
		"snap.licdn.com/li.lms-analytics",
		"ttq.load('X')",
		"analytics.tiktok.com/i18n/pixel",
		"uetq",
		"bat.bing.com/bat.js",
		'snaptr("init"',
		"sc-static.net/scevent",
		"pintrk('load'",
		"s.pinimg.com/ct/core.js",
		"twq('config'",
		"static.ads-twitter.com/uwt.js",
		"static.ads-twitter.com/oct.js",
		"twttr.conversion.trackPid(",
		"rdt('init'",
		"redditstatic.com/ads/pixel.js",
		"criteo_q",
		"qp('init'",
		"a.quora.com/qevents.js",
		"obApi('track'",
		"amplify.outbrain.com/cp/obtp.js",
		"_tfa.push(",
		"mc.yandex.ru/metrika",
		"ym(123, 'init'",
		"googletagmanager.com/gtm.js",
		"zarazData",
		"/cdn-cgi/zaraz/",
		"google-analytics.com/analytics.js",
		"ga('create'",
		"_hsq",
		"js.hs-analytics.net",
		"_hjSettings",
		"static.hotjar.com/c/hotjar-",
		"clarity.ms/tag/",
		"analytics.load(",
		"mixpanel.init(",
		"amplitude.getInstance().init(",
		"heap.load(",
		"_paq.push(",
		"/matomo.js",
		"plausible.io/js/",
		"var a = 1;",
		"function go() {",
		"}",
		" ",
		"\n",
		"x",
		".",
		"(",
		"'",
	];
	const source = fc.oneof(
		fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((parts) => parts.join("")),
		fc.string({ unit: "grapheme-ascii", maxLength: 80 }),
	);

	it("leaves out no signature whose pattern takes the source, and keeps their order", () => {
		assertCandidatesCover(source, INLINE_TRACKER_SIGNATURES, candidateSignatures, (signature, text) =>
			signature.pattern.test(text),
		);
	});

	it("tries no signature for a site's own script, every one for a snippet", () => {
		expect(candidateSignatures("document.querySelector('.menu').classList.add('open');")).toHaveLength(0);
		expect(candidateSignatures("!function(f,b,e,v,n,t,s){fbq('init', '123');}")).toBe(
			INLINE_TRACKER_SIGNATURES,
		);
	});
});
