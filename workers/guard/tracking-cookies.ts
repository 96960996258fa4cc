/**
 * First-party tracking cookies and their purpose, and the `Set-Cookie` values that expire one.
 * Our own compilation of cookie names (facts) from tracking.md §4 (Open Cookie Database, Apache-2.0,
 * and vendor docs) and standards.md §6. Third-party cookies (IDE, fr, MUID…) are left out: they never
 * reach the site's `Cookie` header and a first-party response cannot delete them.
 * Each row's vendor and source are in its comment, which the bundle leaves out (nothing reads them at
 * runtime); test/guard/table-provenance.test.ts checks that every row has one.
 */

import { registrableDomain } from "./public-suffix";
import type { TrackerPurpose } from "./tracker-purpose";
import { normaliseHost } from "./url-layout";

export interface TrackingCookieRule {
	/** Exact cookie name (case-sensitive, as cookies are), or a pattern for id-suffixed families. */
	readonly name: string | RegExp;
	readonly purpose: TrackerPurpose;
}

// Each row's comment names the vendor and the source: OCD is the Open Cookie Database
// (jkwakman/Open-Cookie-Database@0ee5a17), tracking.md §4; GA docs support.google.com/analytics/answer/11397207
// and Ads docs support.google.com/google-ads/answer/7519794, both standards.md §6.

export const TRACKING_COOKIES: readonly TrackingCookieRule[] = [
	{ name: "_ga", purpose: "analytics" }, // Google Analytics: GA docs
	{ name: /^_ga_[A-Z0-9]+$/, purpose: "analytics" }, // Google Analytics 4: GA docs
	{ name: "_gid", purpose: "analytics" }, // Google Analytics: GA docs
	{ name: "_gat", purpose: "analytics" }, // Google Analytics: GA docs
	{ name: /^_gat_./, purpose: "analytics" }, // Google Analytics: GA docs
	{ name: /^_dc_gtm_./, purpose: "analytics" }, // Google Tag Manager: GA docs
	{ name: /^__utm[a-z](?:_.+)?$/, purpose: "analytics" }, // Google Analytics (legacy): GA docs
	{ name: "AMP_TOKEN", purpose: "analytics" }, // Google Analytics (AMP): GA docs
	{ name: "FPID", purpose: "analytics" }, // Google (server-side GTM): OCD
	{ name: "FPLC", purpose: "analytics" }, // Google (server-side GTM): OCD
	{ name: /^_gcl_./, purpose: "ads" }, // Google Ads conversion linker: Ads docs
	{ name: /^_gac_./, purpose: "ads" }, // Google Ads (via Analytics): Ads docs
	{ name: /^FP(?:AU|GCLAW|GCLDC|GCLGB)$/, purpose: "ads" }, // Google (server-side GTM): OCD
	{ name: /^__g(?:ads|pi)$/, purpose: "ads" }, // Google AdSense / Ad Manager: OCD
	{ name: /^_fb[pc]$/, purpose: "ads" }, // Meta Pixel: developers.facebook.com fbp-and-fbc; OCD
	{ name: /^_uet(?:sid|vid|msclkid)$/, purpose: "ads" }, // Microsoft UET: OCD
	{ name: /^_cl(?:ck|sk)$/, purpose: "analytics" }, // Microsoft Clarity: OCD
	{ name: /^_tt(?:p|_enable_cookie)$/, purpose: "ads" }, // TikTok Pixel: OCD
	{ name: /^ttcsid(?:_.+)?$/, purpose: "ads" }, // TikTok Pixel: OCD
	// Pinterest Tag: OCD
	{ name: /^(?:_pin_unauth|_pinterest_ct(?:_ua|_rt)?|_epik|_derived_epik)$/, purpose: "ads" },
	{ name: /^li_(?:fat_id|sugr)$/, purpose: "ads" }, // LinkedIn Insight: OCD
	{ name: /^_sc(?:id|id_r|hn)$/, purpose: "ads" }, // Snap Pixel: OCD
	{ name: /^_rdt_(?:uuid|cid)$/, purpose: "ads" }, // Reddit Pixel: OCD
	{ name: /^cto_(?:bundle|bidid)$/, purpose: "ads" }, // Criteo: tracking.md §4 (not in OCD)
	{ name: "_mkto_trk", purpose: "ads" }, // Marketo (marketing automation): OCD
	{ name: /^facebook-pixel_.+/, purpose: "ads" }, // Zaraz Facebook Pixel tool: tracking.md §3c
	{ name: /^(?:__hstc|__hssc|__hssrc|hubspotutk)$/, purpose: "analytics" }, // HubSpot: OCD
	{ name: /^_hj[A-Za-z]/, purpose: "analytics" }, // Hotjar: OCD
	{ name: /^ajs_(?:anonymous|user|group)_id$/, purpose: "analytics" }, // Segment: OCD
	{ name: /^(?:AMP_(?:MKTG_)?[0-9a-f]{6,}|amplitude_id_.+)$/, purpose: "analytics" }, // Amplitude: OCD
	{ name: /^mp_.+_mixpanel$/, purpose: "analytics" }, // Mixpanel: OCD
	{ name: /^_pk_(?:id|ses|ref|cvar|hsr)\./, purpose: "analytics" }, // Matomo: OCD
	{ name: /^_ym_./, purpose: "analytics" }, // Yandex Metrica: OCD
	{ name: /^_hp2_(?:id|ses_props)\./, purpose: "analytics" }, // Heap: OCD
	{ name: /^google-analytics_v4_.+/, purpose: "analytics" }, // Zaraz Google Analytics tool: tracking.md §3c
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
const EXPIRED = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=";

/** How many of a request path's ancestors a denied cookie is also expired on, from the top. */
const MAX_PATH_LEVELS = 3;
/**
 * The longest `Path` a browser takes (RFC 6265bis ignores a longer attribute value). On a long URL,
 * lines with longer ones made the answer's header too big for Chromium (ERR_RESPONSE_HEADERS_TOO_BIG,
 * 256 KiB with ten denied cookies and an 8 000-character segment): the page did not load.
 */
const MAX_COOKIE_PATH = 1024;

/**
 * The paths other than `/` that a cookie sent with a request for `pathname` may have been set on, as
 * a script or a response on that section sets them (its default path, the page's directory, or a
 * `Path=/shop`): each ancestor directory without its trailing slash, from the top, at most
 * MAX_PATH_LEVELS (`/shop`, `/shop/cart` for `/shop/cart/item`), none over MAX_COOKIE_PATH. A browser
 * matches a deletion by name, domain and path, and the `Cookie` header names no path. None for a
 * one-segment path.
 */
export function cookiePathsAbove(pathname: string): string[] {
	const paths: string[] = [];
	for (let slash = pathname.indexOf("/", 2); slash > 0; slash = pathname.indexOf("/", slash + 1)) {
		const path = pathname.slice(0, slash);
		// A `;` in the path would end the attribute: no line for it or anything below (nor for a longer one).
		if (path.includes(";") || path.length > MAX_COOKIE_PATH || paths.length === MAX_PATH_LEVELS) break;
		paths.push(path);
	}
	return paths;
}

/**
 * `Set-Cookie` values that expire `name` as seen on `requestHost`, with `Path=/`: host-only first,
 * then every domain from the site (eTLD+1, where GA puts `_ga`) down to the request host, since the
 * `Cookie` header does not say which one the cookie was set on. Then, on each of `paths`
 * (cookiePathsAbove), host-only and on the site only: a section's cookie is a script's (host-only) or
 * a tag's on the site's domain, and every path on every domain would multiply the lines. Empty for a
 * name that is not a cookie-name token.
 */
export function expireCookieHeaders(
	name: string,
	requestHost: string,
	paths: readonly string[] = [],
): string[] {
	if (!COOKIE_NAME.test(name)) return [];
	// Browsers only accept these prefixes with Secure, and `__Host-` never with a Domain or another path.
	if (name.startsWith("__Host-")) return [`${name}${EXPIRED}/; Secure`];
	const secure = name.startsWith("__Secure-") ? "; Secure" : "";
	const out = [`${name}${EXPIRED}/${secure}`];
	const host = normaliseHost(requestHost);
	const site = registrableDomain(host);
	if (site !== null) {
		out.push(`${name}${EXPIRED}/; Domain=.${site}${secure}`);
		let domain = host;
		while (domain.length > site.length) {
			out.splice(2, 0, `${name}${EXPIRED}/; Domain=.${domain}${secure}`);
			domain = domain.slice(domain.indexOf(".") + 1);
		}
	}
	for (const path of paths) {
		out.push(`${name}${EXPIRED}${path}${secure}`);
		if (site !== null) out.push(`${name}${EXPIRED}${path}; Domain=.${site}${secure}`);
	}
	return out;
}
