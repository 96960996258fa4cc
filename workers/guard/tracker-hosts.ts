/**
 * Third-party tracker hosts by category, and the classifier the HTML rewriter uses on script, pixel
 * and iframe URLs. Our own compilation of host names (facts) from tracking.md §2, with the vendor
 * documentation or public endpoint evidence named per row; no list file is copied (§2e licences).
 * A row's vendor and source are in the comment above it, which the bundle leaves out (nothing reads
 * them at runtime); test/guard/table-provenance.test.ts checks that every row has one.
 */

import { matchBeacon } from "./beacons";
import { googleTagKind } from "./google-tag-ids";
import { createHostIndex, type HostIndex } from "./host-patterns";
import { queryValue } from "./query-values";
import { compileOverrides } from "./tracker-overrides";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";
import { layoutUrl } from "./url-layout";

export type TrackerCategory = "advertising" | "analytics" | "social";

/** Advertising and social trackers are governed by `ads`, analytics by `analytics` (CONTRACT.md). */
export const CATEGORY_PURPOSE: Readonly<Record<TrackerCategory, TrackerPurpose>> = {
	advertising: "ads",
	social: "ads",
	analytics: "analytics",
};

export interface TrackerHostEntry {
	readonly category: TrackerCategory;
	/** `example.com` covers its subdomains; `brand.*` any public suffix. */
	readonly hosts: readonly string[];
	/** Only these path prefixes, where the host also serves ordinary content. */
	readonly paths?: readonly string[];
}

export const TRACKER_HOSTS: readonly TrackerHostEntry[] = [
	// Google Ads / DoubleClick / Floodlight: tracking.md §2a (Google Ads conversion and consent-mode endpoints;
	// Disconnect: Advertising)
	{
		category: "advertising",
		hosts: [
			"googleadservices.com",
			"doubleclick.net",
			"googlesyndication.com",
			"googletagservices.com",
			"2mdn.net",
			"adservice.google.*",
		],
	},
	// Google Ads on google.*: tracking.md §2a (www.google.com/ccm/collect, /rmkt/collect, /pagead/1p-user-list,
	// /ads/ga-audiences)
	{
		category: "advertising",
		hosts: ["google.*"],
		paths: [
			"/ccm/collect",
			"/ccm/form-data/",
			"/rmkt/collect/",
			"/pagead/",
			"/measurement/conversion",
			"/ads/ga-audiences",
		],
	},
	// Google Tag Manager (loader; classified by tag id first): tracking.md §2b; CONTRACT.md: a container
	// without a known id can inject anything
	{ category: "advertising", hosts: ["googletagmanager.com"] },
	// Microsoft Advertising (UET) / Xandr: tracking.md §2a (bat.bing.com/bat.js, /action/0?ti=; Disconnect:
	// Advertising)
	{ category: "advertising", hosts: ["bat.bing.com", "adnxs.com", "adnxs-simple.com", "msads.net"] },
	// X Ads: tracking.md §2a (static.ads-twitter.com/uwt.js, analytics.twitter.com/i/adsct)
	{ category: "advertising", hosts: ["ads-twitter.com", "analytics.twitter.com"] },
	// X Ads click pixel: tracking.md §2a (t.co/i/adsct; t.co is otherwise a link shortener)
	{ category: "advertising", hosts: ["t.co"], paths: ["/i/adsct"] },
	// TikTok Pixel: tracking.md §2a (/i18n/pixel/events.js, /api/v2/pixel)
	{ category: "advertising", hosts: ["analytics.tiktok.com"] },
	// Snap Pixel: tracking.md §2a (sc-static.net/scevent.min.js, tr.snapchat.com/p)
	{ category: "advertising", hosts: ["sc-static.net", "tr.snapchat.com"] },
	// Pinterest Tag: tracking.md §2a (ct.pinterest.com/v3/?event=…)
	{ category: "advertising", hosts: ["ct.pinterest.com"] },
	// Pinterest Tag loader: tracking.md §2a (s.pinimg.com/ct/core.js; the host also serves images)
	{ category: "advertising", hosts: ["s.pinimg.com"], paths: ["/ct/"] },
	// Reddit Pixel loader: tracking.md §2a (www.redditstatic.com/ads/pixel.js)
	{ category: "advertising", hosts: ["redditstatic.com"], paths: ["/ads/"] },
	// Criteo: tracking.md §2a (static.criteo.net/js/ld/ld.js)
	{ category: "advertising", hosts: ["criteo.com", "criteo.net"] },
	// Taboola / Outbrain: tracking.md §2a (cdn.taboola.com/libtrc, tr.outbrain.com/unifiedPixel)
	{ category: "advertising", hosts: ["taboola.com", "outbrain.com"] },
	// Quora Pixel: tracking.md §2a (q.quora.com); Quora Pixel base code (a.quora.com/qevents.js, noscript
	// q.quora.com/_/ad/<id>/pixel)
	{ category: "advertising", hosts: ["a.quora.com", "q.quora.com"] },
	// Amazon Ads: tracking.md §2a (c.amazon-adsystem.com/e/dt)
	{ category: "advertising", hosts: ["amazon-adsystem.com"] },
	// LINE Tag (LY Corporation): LINE Tag base code (loader d.line-scdn.net/n/line_tag/public/release/v1/lt.js,
	// d.line-cdn.net over http; noscript pixel tr.line.me/tag.gif?c_t=lap&t_id=…&e=pv); only the loader's path on
	// the CDN, which also serves LINE's other static files
	{ category: "advertising", hosts: ["d.line-scdn.net", "d.line-cdn.net"], paths: ["/n/line_tag/"] },
	// LINE Tag collector: LINE Tag base code (tr.line.me/tag.gif); the opt-out page optout.tr.line.me is a
	// navigation, which the guard never blocks
	{ category: "advertising", hosts: ["tr.line.me"] },
	// Yahoo! JAPAN Ads site general tag and the older conversion tag: vendor docs (ads-help.yahoo.co.jp
	// aid=47048, aid=27085: s.yimg.jp/images/listing/tool/cv/ytag.js, conversion.js); the host serves all of
	// Yahoo! JAPAN's images
	{ category: "advertising", hosts: ["s.yimg.jp"], paths: ["/images/listing/tool/cv/"] },
	// Yahoo! JAPAN Ads collectors: vendor code, the site general tag's ytag.js as a public copy shows it (b90
	// display conversion /c, b91 search conversion, b92 display retargeting /search/, b97 search retargeting),
	// and the older tags' snippets (b90.yahoo.co.jp/conv.js, b92.yahoo.co.jp/js/s_retargeting.js, noscript
	// b97.yahoo.co.jp/pagead/conversion/<id>/)
	{
		category: "advertising",
		hosts: ["b90.yahoo.co.jp", "b91.yahoo.co.jp", "b92.yahoo.co.jp", "b97.yahoo.co.jp"],
	},
	// LY Corporation measurement tag (LINE and Yahoo! JAPAN ads): vendor docs, the global snippet's GTM
	// template (yahoojp-marketing/gtm-template-tag-global-snippet template.tpl@5a4da6e: tag.flvcdn.net/lytag.js)
	{ category: "advertising", hosts: ["tag.flvcdn.net"] },
	// A8.net (affiliate): vendor docs (document.a8.net/ec/trackingGuide-ja.html: the LP and conversion tags load
	// statics.a8.net/a8sales/a8sales.js, a8crossDomain.js)
	{ category: "advertising", hosts: ["statics.a8.net"], paths: ["/a8sales/"] },
	// Programmatic and retargeting: tracking.md §2a (Disconnect: Advertising)
	{
		category: "advertising",
		hosts: [
			"adsrvr.org",
			"rubiconproject.com",
			"pubmatic.com",
			"quantserve.com",
			"adroll.com",
			"mc.yandex.ru",
			"mc.yandex.com",
			"hs-scripts.com",
		],
	},
	// Google Analytics: tracking.md §2b (/g/collect, analytics.js; Disconnect: Analytics)
	{
		category: "analytics",
		hosts: ["google-analytics.com", "analytics.google.com", "stats.g.doubleclick.net"],
	},
	// Google Analytics on google.*: tracking.md §2b (www.google.com/g/collect)
	{ category: "analytics", hosts: ["google.*"], paths: ["/g/collect"] },
	// Session replay and product analytics: tracking.md §2b (www.clarity.ms/tag/, static.hotjar.com/c/hotjar-…;
	// Disconnect: Analytics)
	{
		category: "analytics",
		hosts: [
			"clarity.ms",
			"hotjar.com",
			"hotjar.io",
			"fullstory.com",
			"heapanalytics.com",
			"mouseflow.com",
			"crazyegg.com",
		],
	},
	// Segment / Amplitude / Mixpanel: tracking.md §2b (cdn.segment.com/analytics.js,
	// api2.amplitude.com/2/httpapi, api-js.mixpanel.com/track)
	{
		category: "analytics",
		hosts: ["segment.io", "cdn.segment.com", "amplitude.com", "mixpanel.com", "mxpnl.com"],
	},
	// PostHog Cloud: tracking.md §3d (PostHog /e/, /decide/ shapes); posthog-js 1.449 defaults (api_host
	// us.i.posthog.com, assets us-assets.i.posthog.com/array/<token>/config.js, /flags/; legacy
	// app.posthog.com, eu.posthog.com)
	{
		category: "analytics",
		// i.posthog.com covers us., eu. and the -assets. hosts; posthog.com itself is the vendor's site.
		hosts: ["i.posthog.com", "app.posthog.com", "eu.posthog.com"],
	},
	// Treasure Data (CDP) JS SDK: vendor docs (td-js-sdk README: loader snippet cdn.treasuredata.com/sdk/<v>/td.min.js;
	// host in.treasuredata.com, regional <region>.records.in.treasuredata.com); the console's hosts stay
	{ category: "analytics", hosts: ["in.treasuredata.com"] },
	{ category: "analytics", hosts: ["cdn.treasuredata.com"], paths: ["/sdk/"] }, // Treasure Data loader: snippet above
	// KARTE (Plaid): the measurement tag's snippet as public pages carry it (krt queue, then
	// cdn-edge.karte.io/<api key>/edge.js); its collectors' hosts are not documented publicly
	{ category: "analytics", hosts: ["cdn-edge.karte.io"] },
	// New Relic browser agent: tracking.md §2b (Disconnect: Analytics); Sentry left out: error telemetry, a
	// policy choice
	{ category: "analytics", hosts: ["newrelic.com", "nr-data.net"] },
	// comScore: tracking.md §2b (scorecardresearch.com/beacon.js)
	{ category: "analytics", hosts: ["scorecardresearch.com"] },
	// HubSpot analytics: tracking.md §2b (js.hs-analytics.net/analytics/, track.hubspot.com/__ptq.gif)
	{ category: "analytics", hosts: ["hs-analytics.net", "track.hubspot.com"] },
	// Plausible / Cloudflare Web Analytics / Matomo Cloud: tracking.md §2b
	// (static.cloudflareinsights.com/beacon.min.js)
	{ category: "analytics", hosts: ["plausible.io", "cloudflareinsights.com", "matomo.cloud"] },
	// Adobe Analytics: tracking.md §2b (/b/ss/<rsid>/…)
	{ category: "analytics", hosts: ["2o7.net", "omtrdc.net", "demdex.net"] },
	// Meta Pixel and plugins: tracking.md §2c (connect.facebook.net/en_US/fbevents.js, www.facebook.com/tr;
	// Disconnect: Social)
	{ category: "social", hosts: ["facebook.net", "facebook.com"] },
	// LinkedIn Insight: tracking.md §2c (snap.licdn.com/li.lms-analytics/insight.min.js,
	// px.ads.linkedin.com/collect)
	{ category: "social", hosts: ["snap.licdn.com", "ads.linkedin.com"] },
	{ category: "social", hosts: ["twitter.com", "x.com"] }, // X widgets: tracking.md §2c (Disconnect: Social)
	// Share widgets and Reddit pixel: tracking.md §2a, §2c (alb.reddit.com/rp.gif; Disconnect: Social)
	{
		category: "social",
		hosts: ["addthis.com", "sharethis.com", "alb.reddit.com", "pixel-config.reddit.com"],
	},
];

// Built on the first lookup, not as the script loads (bench/startup.mjs): only the guard reads it.
let hostIndex: HostIndex<TrackerHostEntry> | undefined;

export const LOADER_PATH = /\/(?:gtag\/js|gtag\/destination|gtm\.js|ns\.html)$/;

/** Host-table entry for a host and path, most specific host first. */
export function trackerHostEntry(host: string, pathname: string): TrackerHostEntry | null {
	hostIndex ??= createHostIndex(
		TRACKER_HOSTS.flatMap((entry) => entry.hosts.map((host) => [host, entry] as const)),
	);
	for (const entry of hostIndex(host)) {
		if (!entry.paths || entry.paths.some((prefix) => pathname.startsWith(prefix))) return entry;
	}
	return null;
}

/** The Google tag id a loader URL carries (`gtag/js?id=G-…`, `gtm.js?id=GTM-…`), or null. */
function loaderTagId(host: string | null, pathname: string, search: string): string | null {
	const isGtmHost =
		host !== null && (host === "googletagmanager.com" || host.endsWith(".googletagmanager.com"));
	if (!isGtmHost && !LOADER_PATH.test(pathname)) return null;
	const id = queryValue(search, "id");
	return id !== undefined && googleTagKind(id) ? id : null;
}

/**
 * The purpose of a script, pixel or iframe URL (absolute, `//host/…` or relative), or null when it is
 * not a known tracker. Order: the site's tag-id override, its host override, the tag id of a Google
 * loader, the host table, then first-party beacon and loader shapes on any host. `http`: the URL is on
 * a page served over plain http, where `https:host/p` names the host.
 */
export function classifyTrackerUrl(
	url: string,
	overrides?: TrackerOverrides,
	http = false,
): TrackerPurpose | null {
	const verdict = classifyAsWritten(url, overrides);
	if (verdict !== null || !BROWSER_FOLDS.test(url)) return verdict;
	const folded = browserForm(url, http ? HTTP_PAGE_BASE : PAGE_BASE);
	return folded === url ? null : classifyAsWritten(folded, overrides);
}

/**
 * What a browser's URL parser takes out or folds before it requests a URL: spaces and controls around
 * it, a tab or newline anywhere, and in a host percent-escapes and non-ASCII (IDNA maps a full-width
 * `ｆ` to `f`, `。` to `.`, drops a soft hyphen); an http(s) scheme without its two slashes
 * (`http:host/p`), which names a host when the page's scheme is another; and in a path from the root,
 * dot segments (`/g/./collect`, `/g/x/%2e%2e/collect`) and backslashes (`/g\collect`), which it
 * resolves. A tracker's URL or a beacon path written so is requested as the tracker's or that path.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the C0 controls are what URL parsers trim.
const BROWSER_FOLDS = /^[\x00-\x20]|[\x00-\x20]$|[\t\n\r%\\]|\/\.|[^\x00-\x7f]|^https?:(?![/\\]{2})/i;

/**
 * The base a URL is read against: a page served over https, where `http:host/p` names `host` (an image
 * is then upgraded to https) and `https:p` is a path on the page's own host; over plain http the other
 * way round (the WHATWG URL parser takes a special scheme other than the base's as absolute, as
 * Chromium does).
 */
const PAGE_BASE = "https://base.invalid/";
const HTTP_PAGE_BASE = "http://base.invalid/";

/** `url` as the browser reads it on a page at `base`, where that can be told without the page's address (else as written). */
function browserForm(url: string, base: string): string {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
	const cleaned = url.replace(/^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]/g, "");
	const hosted = layoutUrl(cleaned)?.host || /^(?:https?:|[/\\])/i.test(cleaned);
	// A path relative to the page's resolves under its directory, unknown here: `g/./collect` as `/~/g/collect`.
	const relative = !hosted && !/^[a-z][a-z\d+.-]*:/i.test(cleaned);
	if (!hosted && !relative) return cleaned;
	try {
		const href = new URL(cleaned, relative ? `${base}~/` : base).href;
		return href.startsWith(base) ? href.slice(base.length - 1) : href;
	} catch {
		return cleaned;
	}
}

function classifyAsWritten(url: string, overrides?: TrackerOverrides): TrackerPurpose | null {
	const layout = layoutUrl(url);
	if (layout === null) return null;
	let hash = url.indexOf("#", layout.pathStart);
	if (hash === -1) hash = url.length;
	let query = url.indexOf("?", layout.pathStart);
	if (query === -1 || query > hash) query = hash;
	const pathname = url.slice(layout.pathStart, query) || "/";
	const search = url.slice(query, hash);
	const host = layout.host;
	const site = overrides ? compileOverrides(overrides) : null;

	const tagId = loaderTagId(host, pathname, search);
	if (tagId !== null && site) {
		const verdict = site.tagId(tagId);
		if (verdict !== undefined) return verdict;
	}
	if (host !== null && site) {
		const verdict = site.host(host);
		if (verdict !== undefined) return verdict;
	}
	if (tagId !== null) return googleTagKind(tagId)?.purpose ?? null;
	if (host !== null) {
		const entry = trackerHostEntry(host, pathname);
		if (entry) return CATEGORY_PURPOSE[entry.category];
	}
	// A site's path overrides describe its own paths, so they only apply to relative URLs.
	return matchBeacon({ pathname, search }, site, host === null);
}
