/**
 * First-party tracking cookies and their purpose, and the `Set-Cookie` value that expires one.
 * Our own compilation of cookie names (facts) from tracking.md §4 (Open Cookie Database, Apache-2.0,
 * and vendor docs) and standards.md §6. Third-party cookies (IDE, fr, MUID…) are left out: they never
 * reach the site's `Cookie` header and a first-party response cannot delete them.
 * Each row's vendor and source are in its comment, which the bundle leaves out (nothing reads them at
 * runtime); test/guard/table-provenance.test.ts checks that every row has one.
 */

import type { CookieScope } from "./cookie-scopes";
import type { TrackerPurpose } from "./tracker-purpose";

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
	// LINE Tag: vendor code (line/line-conversion-api-server-tag src/template_code.js@c3126a9, Apache-2.0: the
	// browser id __lt__cid); __lt__sid and the per-tag __lt__cid.<hash> as public page captures show them
	{ name: /^__lt__[cs]id(?:\.\w+)?$/, purpose: "ads" },
	// Yahoo! JAPAN Ads: vendor code (ytag.js, read in a public copy, sets _ycl_yjad, _ycl_aw, _ycl_<prefix>_aw,
	// _ts_yjad); vendor docs (ads-developers.yahoo.co.jp announcement 212358: yjr_yjad); _yjsu_yjad as public
	// page captures show it
	{ name: /^(?:_ycl_(?:yjad|(?:\w+_)?aw)|_yjsu_yjad|_ts_yjad|yjr_yjad)$/, purpose: "ads" },
	// LY Corporation measurement tag: vendor code (yahoojp-marketing/gtm-template-ly-conversion-api
	// template.tpl@b02d8e2: _ly_su site user id, _ly_c click id, _ly_r)
	{ name: /^_ly_(?:su|c|r)$/, purpose: "ads" },
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
// `Max-Age=0` alone: every browser in use reads it (RFC 6265 §5.2.2, over any `Expires`), and the
// `Expires` date that only Internet Explorer 8 and older needed took 39 bytes a line of the answer's
// header budget (cookie-guard.ts).
const EXPIRED = "=; Max-Age=0; Path=";

/**
 * The `Set-Cookie` value that expires `name` on `scope` (cookie-scopes.ts), or null where no browser
 * would take it: a name that is not a cookie-name token, or a `__Host-` cookie anywhere but host-only
 * on `/`. Browsers only take the `__Host-` and `__Secure-` prefixes with `Secure`.
 */
export function expireCookieHeader(name: string, { domain, path }: CookieScope): string | null {
	if (!COOKIE_NAME.test(name)) return null;
	if (name.startsWith("__Host-"))
		return domain === null && path === "/" ? `${name}${EXPIRED}/; Secure` : null;
	const secure = name.startsWith("__Secure-") ? "; Secure" : "";
	return `${name}${EXPIRED}${path}${domain === null ? "" : `; Domain=.${domain}`}${secure}`;
}
