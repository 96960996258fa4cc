/**
 * First-party tracking cookies and their purpose, and the `Set-Cookie` values that expire one.
 * Our own compilation of cookie names (facts) from tracking.md §4 (Open Cookie Database, Apache-2.0,
 * and vendor docs) and standards.md §6. Third-party cookies (IDE, fr, MUID…) are left out: they never
 * reach the site's `Cookie` header and a first-party response cannot delete them.
 */

import { registrableDomain } from "./public-suffix";
import type { TrackerPurpose } from "./tracker-purpose";
import { normaliseHost } from "./url-layout";

export interface TrackingCookieRule {
	/** Exact cookie name (case-sensitive, as cookies are), or a pattern for id-suffixed families. */
	readonly name: string | RegExp;
	readonly purpose: TrackerPurpose;
	readonly vendor: string;
	readonly source: string;
}

const OCD = "Open Cookie Database (jkwakman/Open-Cookie-Database@0ee5a17), tracking.md §4";
const GOOGLE_DOCS = "support.google.com/analytics/answer/11397207; standards.md §6";
const ADS_DOCS = "support.google.com/google-ads/answer/7519794; standards.md §6";

export const TRACKING_COOKIES: readonly TrackingCookieRule[] = [
	{ name: "_ga", purpose: "analytics", vendor: "Google Analytics", source: GOOGLE_DOCS },
	{ name: /^_ga_[A-Z0-9]+$/, purpose: "analytics", vendor: "Google Analytics 4", source: GOOGLE_DOCS },
	{ name: "_gid", purpose: "analytics", vendor: "Google Analytics", source: GOOGLE_DOCS },
	{ name: "_gat", purpose: "analytics", vendor: "Google Analytics", source: GOOGLE_DOCS },
	{ name: /^_gat_./, purpose: "analytics", vendor: "Google Analytics", source: GOOGLE_DOCS },
	{ name: /^_dc_gtm_./, purpose: "analytics", vendor: "Google Tag Manager", source: GOOGLE_DOCS },
	{
		name: /^__utm[a-z](?:_.+)?$/,
		purpose: "analytics",
		vendor: "Google Analytics (legacy)",
		source: GOOGLE_DOCS,
	},
	{ name: "AMP_TOKEN", purpose: "analytics", vendor: "Google Analytics (AMP)", source: GOOGLE_DOCS },
	{ name: "FPID", purpose: "analytics", vendor: "Google (server-side GTM)", source: OCD },
	{ name: "FPLC", purpose: "analytics", vendor: "Google (server-side GTM)", source: OCD },
	{ name: /^_gcl_./, purpose: "ads", vendor: "Google Ads conversion linker", source: ADS_DOCS },
	{ name: /^_gac_./, purpose: "ads", vendor: "Google Ads (via Analytics)", source: ADS_DOCS },
	{ name: /^FP(?:AU|GCLAW|GCLDC|GCLGB)$/, purpose: "ads", vendor: "Google (server-side GTM)", source: OCD },
	{ name: /^__g(?:ads|pi)$/, purpose: "ads", vendor: "Google AdSense / Ad Manager", source: OCD },
	{
		name: /^_fb[pc]$/,
		purpose: "ads",
		vendor: "Meta Pixel",
		source: "developers.facebook.com fbp-and-fbc; OCD",
	},
	{ name: /^_uet(?:sid|vid|msclkid)$/, purpose: "ads", vendor: "Microsoft UET", source: OCD },
	{ name: /^_cl(?:ck|sk)$/, purpose: "analytics", vendor: "Microsoft Clarity", source: OCD },
	{ name: /^_tt(?:p|_enable_cookie)$/, purpose: "ads", vendor: "TikTok Pixel", source: OCD },
	{ name: /^ttcsid(?:_.+)?$/, purpose: "ads", vendor: "TikTok Pixel", source: OCD },
	{
		name: /^(?:_pin_unauth|_pinterest_ct(?:_ua|_rt)?|_epik|_derived_epik)$/,
		purpose: "ads",
		vendor: "Pinterest Tag",
		source: OCD,
	},
	{ name: /^li_(?:fat_id|sugr)$/, purpose: "ads", vendor: "LinkedIn Insight", source: OCD },
	{ name: /^_sc(?:id|id_r|hn)$/, purpose: "ads", vendor: "Snap Pixel", source: OCD },
	{ name: /^_rdt_(?:uuid|cid)$/, purpose: "ads", vendor: "Reddit Pixel", source: OCD },
	{ name: /^cto_(?:bundle|bidid)$/, purpose: "ads", vendor: "Criteo", source: "tracking.md §4 (not in OCD)" },
	{ name: "_mkto_trk", purpose: "ads", vendor: "Marketo (marketing automation)", source: OCD },
	{
		name: /^facebook-pixel_.+/,
		purpose: "ads",
		vendor: "Zaraz Facebook Pixel tool",
		source: "tracking.md §3c",
	},
	{ name: /^(?:__hstc|__hssc|__hssrc|hubspotutk)$/, purpose: "analytics", vendor: "HubSpot", source: OCD },
	{ name: /^_hj[A-Za-z]/, purpose: "analytics", vendor: "Hotjar", source: OCD },
	{ name: /^ajs_(?:anonymous|user|group)_id$/, purpose: "analytics", vendor: "Segment", source: OCD },
	{
		name: /^(?:AMP_(?:MKTG_)?[0-9a-f]{6,}|amplitude_id_.+)$/,
		purpose: "analytics",
		vendor: "Amplitude",
		source: OCD,
	},
	{ name: /^mp_.+_mixpanel$/, purpose: "analytics", vendor: "Mixpanel", source: OCD },
	{ name: /^_pk_(?:id|ses|ref|cvar|hsr)\./, purpose: "analytics", vendor: "Matomo", source: OCD },
	{ name: /^_ym_./, purpose: "analytics", vendor: "Yandex Metrica", source: OCD },
	{ name: /^_hp2_(?:id|ses_props)\./, purpose: "analytics", vendor: "Heap", source: OCD },
	{
		name: /^google-analytics_v4_.+/,
		purpose: "analytics",
		vendor: "Zaraz Google Analytics tool",
		source: "tracking.md §3c",
	},
];

/**
 * Never treated as tracking, whatever the table says: Cloudflare bot and rate-limit cookies (`__cf*`,
 * `_cf*`, `cf_*`, which also covers Zaraz's `cf_zaraz_*`), our consent cookies (`ce_*`) and cookies
 * that record a visitor's consent or opt-out. Session and CSRF cookies match no rule above.
 */
export const PROTECTED_COOKIES: readonly (string | RegExp)[] = [
	/^_{0,2}cf/i,
	/^ce_/,
	/^(?:OptanonConsent|OptanonAlertBoxClosed|CookieConsent|euconsent-v2|usprivacy)$/,
	/^__hs_(?:opt_out|do_not_track|cookie_cat_pref)$/,
];

function matches(name: string, rule: string | RegExp): boolean {
	return typeof rule === "string" ? name === rule : rule.test(name);
}

function classify(name: string): TrackerPurpose | null {
	for (const rule of PROTECTED_COOKIES) if (matches(name, rule)) return null;
	for (const rule of TRACKING_COOKIES) if (matches(name, rule.name)) return rule.purpose;
	return null;
}

// A guarded visitor's every request sends the same few cookie names, and a name no rule matches (a
// session id, say) takes some forty tests to say so: the answers are remembered per isolate.
const purposes = new Map<string, TrackerPurpose | null>();
const MAX_REMEMBERED_NAMES = 4096;

/** The purpose of a tracking cookie, or null for any other cookie. */
export function trackingCookiePurpose(name: string): TrackerPurpose | null {
	let purpose = purposes.get(name);
	if (purpose === undefined) {
		purpose = classify(name);
		if (purposes.size >= MAX_REMEMBERED_NAMES) purposes.clear();
		purposes.set(name, purpose);
	}
	return purpose;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const EXPIRED = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";

/**
 * `Set-Cookie` values that expire `name` as seen on `requestHost`: host-only first, then every domain
 * from the site (eTLD+1, where GA puts `_ga`) down to the request host, since the `Cookie` header does
 * not say which one the cookie was set on. Empty for a name that is not a cookie-name token.
 */
export function expireCookieHeaders(name: string, requestHost: string): string[] {
	if (!COOKIE_NAME.test(name)) return [];
	// Browsers only accept these prefixes with Secure, and `__Host-` never with a Domain.
	if (name.startsWith("__Host-")) return [`${name}${EXPIRED}; Secure`];
	const secure = name.startsWith("__Secure-") ? "; Secure" : "";
	const out = [`${name}${EXPIRED}${secure}`];
	const host = normaliseHost(requestHost);
	const site = registrableDomain(host);
	if (site === null) return out;
	out.push(`${name}${EXPIRED}; Domain=.${site}${secure}`);
	let domain = host;
	while (domain.length > site.length) {
		out.splice(2, 0, `${name}${EXPIRED}; Domain=.${domain}${secure}`);
		domain = domain.slice(domain.indexOf(".") + 1);
	}
	return out;
}
