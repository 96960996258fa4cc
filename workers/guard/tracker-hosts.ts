/**
 * Third-party tracker hosts by category, and the classifier the HTML rewriter uses on script, pixel
 * and iframe URLs. Our own compilation of host names (facts) from tracking.md §2, with the vendor
 * documentation or public endpoint evidence named per row; no list file is copied (§2e licences).
 */

import { matchBeacon } from "./beacons";
import { googleTagKind } from "./google-tag-ids";
import { createHostIndex } from "./host-patterns";
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
	readonly vendor: string;
	readonly category: TrackerCategory;
	/** `example.com` covers its subdomains; `brand.*` any public suffix. */
	readonly hosts: readonly string[];
	/** Only these path prefixes, where the host also serves ordinary content. */
	readonly paths?: readonly string[];
	readonly source: string;
}

export const TRACKER_HOSTS: readonly TrackerHostEntry[] = [
	{
		vendor: "Google Ads / DoubleClick / Floodlight",
		category: "advertising",
		hosts: [
			"googleadservices.com",
			"doubleclick.net",
			"googlesyndication.com",
			"googletagservices.com",
			"2mdn.net",
			"adservice.google.*",
		],
		source: "tracking.md §2a (Google Ads conversion and consent-mode endpoints; Disconnect: Advertising)",
	},
	{
		vendor: "Google Ads on google.*",
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
		source:
			"tracking.md §2a (www.google.com/ccm/collect, /rmkt/collect, /pagead/1p-user-list, /ads/ga-audiences)",
	},
	{
		vendor: "Google Tag Manager (loader; classified by tag id first)",
		category: "advertising",
		hosts: ["googletagmanager.com"],
		source: "tracking.md §2b; CONTRACT.md: a container without a known id can inject anything",
	},
	{
		vendor: "Microsoft Advertising (UET) / Xandr",
		category: "advertising",
		hosts: ["bat.bing.com", "adnxs.com", "adnxs-simple.com", "msads.net"],
		source: "tracking.md §2a (bat.bing.com/bat.js, /action/0?ti=; Disconnect: Advertising)",
	},
	{
		vendor: "X Ads",
		category: "advertising",
		hosts: ["ads-twitter.com", "analytics.twitter.com"],
		source: "tracking.md §2a (static.ads-twitter.com/uwt.js, analytics.twitter.com/i/adsct)",
	},
	{
		vendor: "X Ads click pixel",
		category: "advertising",
		hosts: ["t.co"],
		paths: ["/i/adsct"],
		source: "tracking.md §2a (t.co/i/adsct; t.co is otherwise a link shortener)",
	},
	{
		vendor: "TikTok Pixel",
		category: "advertising",
		hosts: ["analytics.tiktok.com"],
		source: "tracking.md §2a (/i18n/pixel/events.js, /api/v2/pixel)",
	},
	{
		vendor: "Snap Pixel",
		category: "advertising",
		hosts: ["sc-static.net", "tr.snapchat.com"],
		source: "tracking.md §2a (sc-static.net/scevent.min.js, tr.snapchat.com/p)",
	},
	{
		vendor: "Pinterest Tag",
		category: "advertising",
		hosts: ["ct.pinterest.com"],
		source: "tracking.md §2a (ct.pinterest.com/v3/?event=…)",
	},
	{
		vendor: "Pinterest Tag loader",
		category: "advertising",
		hosts: ["s.pinimg.com"],
		paths: ["/ct/"],
		source: "tracking.md §2a (s.pinimg.com/ct/core.js; the host also serves images)",
	},
	{
		vendor: "Reddit Pixel loader",
		category: "advertising",
		hosts: ["redditstatic.com"],
		paths: ["/ads/"],
		source: "tracking.md §2a (www.redditstatic.com/ads/pixel.js)",
	},
	{
		vendor: "Criteo",
		category: "advertising",
		hosts: ["criteo.com", "criteo.net"],
		source: "tracking.md §2a (static.criteo.net/js/ld/ld.js)",
	},
	{
		vendor: "Taboola / Outbrain",
		category: "advertising",
		hosts: ["taboola.com", "outbrain.com"],
		source: "tracking.md §2a (cdn.taboola.com/libtrc, tr.outbrain.com/unifiedPixel)",
	},
	{
		vendor: "Quora Pixel",
		category: "advertising",
		hosts: ["a.quora.com", "q.quora.com"],
		source:
			"tracking.md §2a (q.quora.com); Quora Pixel base code (a.quora.com/qevents.js, noscript q.quora.com/_/ad/<id>/pixel)",
	},
	{
		vendor: "Amazon Ads",
		category: "advertising",
		hosts: ["amazon-adsystem.com"],
		source: "tracking.md §2a (c.amazon-adsystem.com/e/dt)",
	},
	{
		vendor: "Programmatic and retargeting",
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
		source: "tracking.md §2a (Disconnect: Advertising)",
	},
	{
		vendor: "Google Analytics",
		category: "analytics",
		hosts: ["google-analytics.com", "analytics.google.com", "stats.g.doubleclick.net"],
		source: "tracking.md §2b (/g/collect, analytics.js; Disconnect: Analytics)",
	},
	{
		vendor: "Google Analytics on google.*",
		category: "analytics",
		hosts: ["google.*"],
		paths: ["/g/collect"],
		source: "tracking.md §2b (www.google.com/g/collect)",
	},
	{
		vendor: "Session replay and product analytics",
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
		source: "tracking.md §2b (www.clarity.ms/tag/, static.hotjar.com/c/hotjar-…; Disconnect: Analytics)",
	},
	{
		vendor: "Segment / Amplitude / Mixpanel",
		category: "analytics",
		hosts: ["segment.io", "cdn.segment.com", "amplitude.com", "mixpanel.com", "mxpnl.com"],
		source:
			"tracking.md §2b (cdn.segment.com/analytics.js, api2.amplitude.com/2/httpapi, api-js.mixpanel.com/track)",
	},
	{
		vendor: "PostHog Cloud",
		category: "analytics",
		// i.posthog.com covers us., eu. and the -assets. hosts; posthog.com itself is the vendor's site.
		hosts: ["i.posthog.com", "app.posthog.com", "eu.posthog.com"],
		source:
			"tracking.md §3d (PostHog /e/, /decide/ shapes); posthog-js 1.449 defaults (api_host us.i.posthog.com, assets us-assets.i.posthog.com/array/<token>/config.js, /flags/; legacy app.posthog.com, eu.posthog.com)",
	},
	{
		vendor: "New Relic browser agent",
		category: "analytics",
		hosts: ["newrelic.com", "nr-data.net"],
		source: "tracking.md §2b (Disconnect: Analytics); Sentry left out: error telemetry, a policy choice",
	},
	{
		vendor: "comScore",
		category: "analytics",
		hosts: ["scorecardresearch.com"],
		source: "tracking.md §2b (scorecardresearch.com/beacon.js)",
	},
	{
		vendor: "HubSpot analytics",
		category: "analytics",
		hosts: ["hs-analytics.net", "track.hubspot.com"],
		source: "tracking.md §2b (js.hs-analytics.net/analytics/, track.hubspot.com/__ptq.gif)",
	},
	{
		vendor: "Plausible / Cloudflare Web Analytics / Matomo Cloud",
		category: "analytics",
		hosts: ["plausible.io", "cloudflareinsights.com", "matomo.cloud"],
		source: "tracking.md §2b (static.cloudflareinsights.com/beacon.min.js)",
	},
	{
		vendor: "Adobe Analytics",
		category: "analytics",
		hosts: ["2o7.net", "omtrdc.net", "demdex.net"],
		source: "tracking.md §2b (/b/ss/<rsid>/…)",
	},
	{
		vendor: "Meta Pixel and plugins",
		category: "social",
		hosts: ["facebook.net", "facebook.com"],
		source:
			"tracking.md §2c (connect.facebook.net/en_US/fbevents.js, www.facebook.com/tr; Disconnect: Social)",
	},
	{
		vendor: "LinkedIn Insight",
		category: "social",
		hosts: ["snap.licdn.com", "ads.linkedin.com"],
		source: "tracking.md §2c (snap.licdn.com/li.lms-analytics/insight.min.js, px.ads.linkedin.com/collect)",
	},
	{
		vendor: "X widgets",
		category: "social",
		hosts: ["twitter.com", "x.com"],
		source: "tracking.md §2c (Disconnect: Social)",
	},
	{
		vendor: "Share widgets and Reddit pixel",
		category: "social",
		hosts: ["addthis.com", "sharethis.com", "alb.reddit.com", "pixel-config.reddit.com"],
		source: "tracking.md §2a, §2c (alb.reddit.com/rp.gif; Disconnect: Social)",
	},
];

const HOST_INDEX = createHostIndex(
	TRACKER_HOSTS.flatMap((entry) => entry.hosts.map((host) => [host, entry] as const)),
);

export const LOADER_PATH = /\/(?:gtag\/js|gtag\/destination|gtm\.js|ns\.html)$/;

/** Host-table entry for a host and path, most specific host first. */
export function trackerHostEntry(host: string, pathname: string): TrackerHostEntry | null {
	for (const entry of HOST_INDEX(host)) {
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
 * loader, the host table, then first-party beacon and loader shapes on any host.
 */
export function classifyTrackerUrl(url: string, overrides?: TrackerOverrides): TrackerPurpose | null {
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
