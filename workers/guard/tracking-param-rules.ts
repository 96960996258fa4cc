/**
 * Tracking query parameters the guard removes, where, and which published lists name them.
 * Our own compilation of parameter names (facts) from the anchors surveyed in
 * shared/reference/tracking.md §1 (merged table §1h, host rules §1i, traps §1j); no list file and
 * no rule syntax is copied. Names are matched case-insensitively after percent-decoding.
 */

/**
 * The lists a name is attributed to (columns of tracking.md §1h). Each row's comment names its lists,
 * then, after a colon, why the row is shaped as it is; the bundle leaves comments out (nothing reads
 * them at runtime), and test/guard/table-provenance.test.ts checks that every row has one.
 */
export type ParamSource =
	| "FF-QPS"
	| "FF-SoS"
	| "Br-nav"
	| "Br-copy"
	| "ClearURLs"
	| "AdGuard"
	| "uBO"
	| "DDG"
	| "Vendor";

export const PARAM_SOURCES: Readonly<Record<ParamSource, string>> = {
	"FF-QPS":
		"Firefox query stripping, initial navigation list (firefox-source-docs.mozilla.org …/query-stripping/)",
	"FF-SoS":
		"Firefox strip-on-share (mozilla/gecko-dev toolkit/components/antitracking/StripOnShareLists, MPL2@025a28df, LGPL@1896a9a6)",
	"Br-nav":
		"Brave navigation query filter (brave/brave-core components/query_filter utils.cc@9fa6f764; brave/adblock-lists query-filter.json@53ba6df)",
	"Br-copy":
		"Brave clean-urls.json, copy clean link (brave/adblock-lists brave-lists/clean-urls.json@53ba6df)",
	ClearURLs: "ClearURLs rules (ClearURLs/Rules data.min.json@9317c06)",
	AdGuard:
		"AdGuard URL Tracking filter (AdguardTeam/AdguardFilters TrackParamFilter general_url.txt, specific.txt, allowlist.txt@002b0661)",
	uBO: "uBlock filters – Privacy, query parameter stripping (uBlockOrigin/uAssets filters/privacy.txt)",
	DDG: "DuckDuckGo tracking parameters (duckduckgo/privacy-configuration features/tracking-parameters.json@58293df)",
	Vendor:
		"the ad platform's own documentation of the click id it appends to landing-page URLs (named in the row's comment); a fact, no list copied",
};

/** A name removed on every host (tracking.md §1h, minus the generic names of §1j). */
export interface GlobalParamRule {
	readonly name: string;
	/** Host patterns where the name is functional and kept (`example.com` covers subdomains; `brand.*` any suffix). */
	readonly exceptOnHosts?: readonly string[];
	/** Kept when the URL, less the fragment and the parameters being removed, matches this. */
	readonly keepWhenUrlMatches?: RegExp;
}

/** A family of names sharing a prefix, removed on every host. */
export interface PrefixParamRule {
	readonly prefix: string;
	readonly exceptOnHosts?: readonly string[];
}

/** Names removed only on some hosts and their subdomains (tracking.md §1i). */
export interface HostParamRule {
	readonly hosts: readonly string[];
	/** Exact names, or prefixes written with a trailing `*`. */
	readonly params: readonly string[];
	/** Only under these path prefixes (where the host also runs unrelated apps). */
	readonly paths?: readonly string[];
}

/** Hosts whose query strings are never touched (signed or wrapped URLs). */
export interface ExemptHostRule {
	readonly host: string;
	/** Only paths matching this are exempt. */
	readonly path?: RegExp;
}

export interface TrackingParamRules {
	readonly global: readonly GlobalParamRule[];
	readonly prefixes: readonly PrefixParamRule[];
	readonly hostScoped: readonly HostParamRule[];
	readonly exemptHosts: readonly ExemptHostRule[];
}

// §1j: too generic to remove everywhere (`ref`, `s`, `t`, `source`, `id`, `cid`, `pid`, `sid`, `page`,
// `tag`, `from`, `src`, `var`); the only one in §1h, `var` (FF-SoS), is therefore left out below.
const GLOBAL: readonly GlobalParamRule[] = [
	// Vendor: A8.net affiliate click id (A8.net tracking docs, document.a8.net/ec/trackingGuide-ja.html: a8=… is
	// appended to the landing URL and kept in a first-party cookie)
	{ name: "a8" },
	{ name: "action_object_map" }, // Br-copy, ClearURLs, AdGuard, DDG
	{ name: "action_ref_map" }, // Br-copy, ClearURLs, AdGuard, DDG
	{ name: "action_type_map" }, // Br-copy, ClearURLs, AdGuard, DDG
	{ name: "adfrom" }, // AdGuard
	{ name: "adjust_adgroup" }, // AdGuard, uBO
	{ name: "adjust_campaign" }, // AdGuard, uBO
	{ name: "adjust_creative" }, // AdGuard, uBO
	{ name: "adjust_referrer" }, // AdGuard
	{ name: "adjust_tracker" }, // AdGuard, uBO
	{ name: "adjust_tracker_limit" }, // AdGuard, uBO
	{ name: "admitad_uid" }, // AdGuard
	{ name: "aiad_clid" }, // AdGuard
	// Vendor: Segment querystring API: sets the anonymous id (segment.com/docs analytics.js querystring)
	{ name: "ajs_aid" },
	// Vendor: Segment querystring API: tracks an event (segment.com/docs analytics.js querystring)
	{ name: "ajs_event" },
	// Vendor: Segment querystring API: identifies the user (segment.com/docs analytics.js querystring)
	{ name: "ajs_uid" },
	{ name: "asgtbndr" }, // AdGuard
	{ name: "at_campaign" }, // FF-SoS, Br-copy, uBO
	{ name: "at_campaign_type" }, // FF-SoS, Br-copy, uBO
	{ name: "at_channel" }, // Br-copy
	{ name: "at_creation" }, // FF-SoS, Br-copy, uBO
	{ name: "at_custom1" }, // Br-copy
	{ name: "at_custom2" }, // Br-copy
	{ name: "at_custom3" }, // Br-copy
	{ name: "at_custom4" }, // Br-copy
	{ name: "at_detail_placement" }, // Br-copy
	{ name: "at_emailtype" }, // FF-SoS, Br-copy, uBO
	{ name: "at_format" }, // Br-copy
	{ name: "at_general_placement" }, // Br-copy
	{ name: "at_identifier" }, // Br-copy
	{ name: "at_link" }, // FF-SoS, Br-copy, uBO
	{ name: "at_link_id" }, // FF-SoS, Br-copy, uBO
	{ name: "at_link_origin" }, // FF-SoS, Br-copy, uBO
	{ name: "at_link_type" }, // FF-SoS, Br-copy, uBO
	{ name: "at_medium" }, // FF-SoS, Br-copy, uBO
	{ name: "at_network" }, // Br-copy
	{ name: "at_platform" }, // Br-copy
	{ name: "at_ptr_name" }, // FF-SoS, Br-copy, uBO
	{ name: "at_recipient_id" }, // FF-SoS, Br-nav, Br-copy, uBO
	{ name: "at_recipient_list" }, // FF-SoS, Br-nav, Br-copy, uBO
	{ name: "at_send_date" }, // FF-SoS, Br-copy, uBO
	{ name: "at_term" }, // Br-copy
	{ name: "at_type" }, // Br-copy
	{ name: "at_variant" }, // Br-copy
	{ name: "awc" }, // AdGuard
	{ name: "bbeml" }, // Br-nav, uBO
	{ name: "_bhlid" }, // Br-nav, Br-copy, uBO
	{ name: "_branch_match_id" }, // Br-nav, Br-copy, AdGuard, uBO
	{ name: "_branch_referrer" }, // Br-nav, Br-copy, uBO
	{ name: "brave-campaign-id" }, // Br-copy
	{ name: "brave-creative-id" }, // Br-copy
	{ name: "brave-creative-set-id" }, // Br-copy
	{ name: "bsft_aaid" }, // AdGuard, uBO
	{ name: "bsft_clkid" }, // Br-nav, AdGuard, uBO
	{ name: "bsft_eid" }, // AdGuard, uBO
	{ name: "bsft_ek" }, // AdGuard, uBO
	{ name: "bsft_mid" }, // AdGuard, uBO
	{ name: "bsft_uid" }, // Br-nav, AdGuard, uBO
	// Br-nav, Br-copy: Kit unsubscribe links need it (Br-nav)
	{ name: "ck_subscriber_id", keepWhenUrlMatches: /\/unsubscribe/ },
	{ name: "_clde" }, // AdGuard
	{ name: "_cldee" }, // AdGuard
	{ name: "clickid" }, // Br-copy, AdGuard
	{ name: "cm_cr" }, // Br-copy, AdGuard
	{ name: "cm_me" }, // Br-copy, AdGuard
	{ name: "cm_mmc" }, // Br-copy, AdGuard
	{ name: "cm_mmca1" }, // Br-copy
	{ name: "cm_mmca10" }, // Br-copy
	{ name: "cm_mmca11" }, // Br-copy
	{ name: "cm_mmca12" }, // Br-copy
	{ name: "cm_mmca13" }, // Br-copy
	{ name: "cm_mmca14" }, // Br-copy
	{ name: "cm_mmca15" }, // Br-copy
	{ name: "cm_mmca2" }, // Br-copy
	{ name: "cm_mmca3" }, // Br-copy
	{ name: "cm_mmca4" }, // Br-copy
	{ name: "cm_mmca5" }, // Br-copy
	{ name: "cm_mmca6" }, // Br-copy
	{ name: "cm_mmca7" }, // Br-copy
	{ name: "cm_mmca8" }, // Br-copy
	{ name: "cm_mmca9" }, // Br-copy
	{ name: "cm_re" }, // Br-copy
	{ name: "cm_sp" }, // Br-copy
	{ name: "cmpid" }, // ClearURLs, AdGuard
	{ name: "cuid" }, // AdGuard
	{ name: "cx_click" }, // Br-copy, AdGuard, uBO
	{ name: "cx_recsOrder" }, // Br-copy, AdGuard, uBO
	{ name: "cx_recsWidget" }, // Br-copy, AdGuard, uBO
	{ name: "dclid" }, // Br-nav, ClearURLs, uBO
	{ name: "dpg_campaign" }, // AdGuard
	{ name: "dpg_content" }, // AdGuard
	{ name: "dpg_medium" }, // AdGuard
	{ name: "dpg_source" }, // AdGuard
	{ name: "ebisAdID" }, // AdGuard
	{ name: "eblastId" }, // Br-copy
	// Vendor: Pinterest click id (Pinterest Conversions API docs: click_id from the epik URL parameter;
	// tracking.md §4 cookie _epik)
	{ name: "epik" },
	{ name: "erid", exceptOnHosts: ["kommersant.ru"] }, // AdGuard: functional there (AdGuard allowlist)
	{ name: "et_cid" }, // Br-copy
	{ name: "et_lid" }, // Br-copy
	{ name: "et_rid" }, // Br-nav, Br-copy, uBO
	{ name: "ex_cid" }, // Br-copy
	{ name: "external_click_id" }, // AdGuard
	{ name: "famad_xuid" }, // AdGuard
	{ name: "fb_action_ids" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO, DDG
	{ name: "fb_action_types" }, // Br-copy, ClearURLs, AdGuard, uBO, DDG
	{ name: "fb_comment_id" }, // Br-nav, Br-copy, AdGuard, uBO
	{ name: "fb_ref" }, // Br-copy, ClearURLs, AdGuard, uBO, DDG
	{ name: "fb_source" }, // Br-copy, ClearURLs, AdGuard, uBO, DDG
	{ name: "fbclid" }, // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO, DDG
	// ClearURLs, AdGuard: cookie-sync URL loops without it (AdGuard allowlist)
	{ name: "_ga", exceptOnHosts: ["login.aliexpress.*"] },
	{ name: "ga_campaign" }, // ClearURLs, DDG
	{ name: "ga_content" }, // ClearURLs, DDG
	{ name: "ga_medium" }, // ClearURLs, DDG
	{ name: "ga_place" }, // ClearURLs, DDG
	{ name: "ga_source" }, // ClearURLs, DDG
	{ name: "ga_term" }, // ClearURLs, DDG
	{ name: "gad_campaignid" }, // Br-copy
	{ name: "gad_source" }, // Br-copy
	{ name: "gbraid" }, // Br-nav, Br-copy, AdGuard, uBO
	{ name: "gci" }, // AdGuard
	{ name: "gclid" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO, DDG
	{ name: "gclsrc" }, // Br-copy, AdGuard, uBO
	{ name: "_gl" }, // Br-nav, ClearURLs, AdGuard, uBO
	{ name: "gps_adid" }, // AdGuard, uBO
	{ name: "gs_l" }, // ClearURLs, DDG
	{ name: "guccounter" }, // Br-copy, AdGuard
	{ name: "guce_referrer" }, // Br-nav, Br-copy, AdGuard, uBO
	{ name: "guce_referrer_sig" }, // Br-nav, Br-copy, AdGuard, uBO
	// Br-nav, Br-copy: Hive email pages and app (Br-nav, Br-copy)
	{ name: "h_sid", keepWhenUrlMatches: /\/email\//, exceptOnHosts: ["app.hive.co"] },
	// Br-nav, Br-copy: Hive email pages and app (Br-nav, Br-copy)
	{ name: "h_slt", keepWhenUrlMatches: /\/email\//, exceptOnHosts: ["app.hive.co"] },
	{ name: "hmb_campaign" }, // ClearURLs, DDG
	{ name: "hmb_medium" }, // ClearURLs, DDG
	{ name: "hmb_source" }, // ClearURLs, DDG
	{ name: "hsa_acc" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_ad" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_cam" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_grp" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_kw" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_la" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_mt" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_net" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_ol" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_src" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_tgt" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsa_ver" }, // FF-SoS, Br-copy, AdGuard, uBO
	{ name: "hsCtaTracking" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "_hsenc" }, // FF-QPS, Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "__hsfp" }, // Br-nav, ClearURLs, AdGuard, uBO
	{ name: "_hsmi" }, // Br-copy
	{ name: "__hssc" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "__hstc" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "__io_lv" }, // AdGuard
	{ name: "_io_session_id" }, // AdGuard
	{ name: "ir_adid" }, // Br-copy, AdGuard, uBO
	{ name: "ir_campaignid" }, // Br-copy, AdGuard, uBO
	{ name: "ir_partnerid" }, // Br-copy, AdGuard, uBO
	{ name: "ircid" }, // Br-copy
	{ name: "irclickid" }, // Br-nav, Br-copy, AdGuard
	{ name: "irgwc" }, // Br-copy, AdGuard
	{ name: "itm_campaign" }, // ClearURLs, AdGuard
	{ name: "itm_content" }, // AdGuard
	{ name: "itm_medium" }, // ClearURLs, AdGuard
	{ name: "itm_source" }, // ClearURLs, AdGuard
	{ name: "itm_term" }, // AdGuard
	{ name: "_kx" }, // Br-nav, Br-copy, AdGuard, uBO
	// Vendor: LINE Ads click id (LINE's Conversion API tag docs and code, line/line-conversion-api-server-tag
	// src/template_code.js@c3126a9: the click id read from the ldtag_cl URL parameter)
	{ name: "ldtag_cl" },
	{ name: "li_fat_id" }, // FF-SoS
	// Vendor: LY Corporation ads click id (LY Conversion API tag docs, yahoojp-marketing/gtm-template-ly-
	// conversion-api template.tpl@b02d8e2: the _ly_c URL query parameter, kept as the _ly_c cookie)
	{ name: "_ly_c" },
	{ name: "maf" }, // AdGuard
	{ name: "mc_cid" }, // Br-copy, ClearURLs
	{ name: "mc_eid" }, // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO
	{ name: "mindbox-click-id" }, // AdGuard
	{ name: "mindbox-message-key" }, // AdGuard
	// FF-QPS, Br-nav, ClearURLs, AdGuard, DDG: Marketo unsubscribe and web-view pages need the token (Br-nav)
	{ name: "mkt_tok", keepWhenUrlMatches: /[uU]nsubscribe|emailWebview/ },
	{ name: "ml_sub" }, // Br-copy
	{ name: "ml_sub_hash" }, // Br-copy
	{ name: "ml_subscriber" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "ml_subscriber_hash" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "msclkid" }, // Br-nav, ClearURLs, AdGuard, uBO
	{ name: "mtm_campaign" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_cid" }, // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_content" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_group" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_keyword" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_kwd" }, // Br-copy, ClearURLs
	{ name: "mtm_medium" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_placement" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "mtm_source" }, // Br-copy, ClearURLs, AdGuard, uBO
	{ name: "nb_adid" }, // Br-copy
	{ name: "nb_aname" }, // Br-copy
	{ name: "nb_asize" }, // Br-copy
	{ name: "nb_atype" }, // Br-copy
	{ name: "nb_cid" }, // Br-copy
	{ name: "nb_mtype" }, // Br-copy
	{ name: "nb_partner_name" }, // Br-copy
	{ name: "nb_partner_shared_id" }, // Br-copy
	{ name: "nb_pid" }, // Br-copy
	{ name: "nb_platform" }, // Br-copy
	{ name: "nb_product_sku" }, // Br-copy
	{ name: "nx_source" }, // AdGuard
	{ name: "oft_c" }, // Br-nav, uBO
	{ name: "oft_ck" }, // Br-nav, uBO
	{ name: "oft_d" }, // Br-nav, uBO
	{ name: "oft_id" }, // Br-nav, uBO
	{ name: "oft_ids" }, // Br-nav, uBO
	{ name: "oft_k" }, // Br-nav, uBO
	{ name: "oft_lk" }, // Br-nav, uBO
	{ name: "oft_sk" }, // Br-nav, uBO
	{ name: "oly_anon_id" }, // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO
	// FF-QPS, Br-nav, ClearURLs, AdGuard: login needs it (AdGuard allowlist; uBO dropped it)
	{ name: "oly_enc_id", exceptOnHosts: ["greenbuildingadvisor.com"] },
	{ name: "_openstat" }, // Br-nav, ClearURLs, AdGuard, uBO
	{ name: "oprtrack" }, // AdGuard
	{ name: "piwik_campaign" }, // Br-copy
	{ name: "piwik_kwd" }, // Br-copy
	{ name: "pk_campaign" }, // Br-copy, AdGuard, uBO
	{ name: "pk_cid" }, // Br-nav, Br-copy, uBO
	{ name: "pk_content" }, // Br-copy
	{ name: "pk_cpn" }, // Br-copy
	{ name: "pk_keyword" }, // Br-copy
	{ name: "pk_kwd" }, // Br-copy
	{ name: "pk_medium" }, // Br-copy, AdGuard, uBO
	{ name: "pk_source" }, // Br-copy, AdGuard, uBO
	{ name: "pk_vid" }, // AdGuard
	{ name: "qclid" }, // Vendor: Quora Ads click id (Quora Conversion API docs: qclid on ad landing URLs)
	{ name: "rb_clickid" }, // Br-nav, ClearURLs, AdGuard, uBO
	// Vendor: Reddit click id (Reddit Conversions API docs: click_id from the rdt_cid URL parameter;
	// tracking.md §4 cookie _rdt_cid)
	{ name: "rdt_cid" },
	{ name: "rtkcid" }, // AdGuard
	// FF-QPS, Br-nav, ClearURLs, AdGuard: short values are functional there (AdGuard)
	{ name: "__s", exceptOnHosts: ["univis.*"] },
	{ name: "s_campaign" }, // Br-copy
	{ name: "s_cid" }, // FF-SoS, Br-nav, ClearURLs, AdGuard, uBO
	{ name: "sc_customer" }, // Br-nav, Br-copy, uBO
	{ name: "sc_eh" }, // Br-nav, Br-copy, uBO
	{ name: "sc_lid" }, // Br-copy
	{ name: "sc_llid" }, // Br-copy
	{ name: "sc_src" }, // Br-copy
	{ name: "sc_uid" }, // Br-nav, Br-copy, uBO
	// Vendor: Snap click id (Snap Conversions API docs: click_id from the ScCid URL parameter)
	{ name: "ScCid" },
	{ name: "sfmc_activityid" }, // Br-nav
	{ name: "sfmc_id" }, // Br-nav
	{ name: "_sgm_action" }, // AdGuard
	{ name: "_sgm_campaign" }, // AdGuard
	{ name: "_sgm_source" }, // AdGuard
	{ name: "sms_click" }, // Br-nav, Br-copy, uBO
	{ name: "sms_source" }, // Br-nav, Br-copy, uBO
	{ name: "sms_uph" }, // Br-nav, Br-copy, uBO
	{ name: "srsltid" }, // Br-nav, Br-copy, ClearURLs, uBO
	{ name: "ss_campaign_id" }, // Br-copy
	{ name: "ss_campaign_name" }, // Br-copy
	{ name: "ss_campaign_sent_date" }, // Br-copy
	{ name: "ss_email_id" }, // Br-nav, uBO
	{ name: "ss_source" }, // Br-copy
	{ name: "sscid" }, // AdGuard
	{ name: "syclid" }, // Br-nav
	// Vendor: Taboola click id (Taboola docs: click id auto-tagging appends tblci to landing URLs)
	{ name: "tblci" },
	// AdGuard: affiliate redirects need it (AdGuard allowlist)
	{ name: "tduid", exceptOnHosts: ["tradedoubler.com"] },
	{ name: "ttclid" }, // Br-nav, Br-copy, uBO
	{ name: "twclid" }, // Br-nav, ClearURLs, AdGuard, uBO
	{ name: "unicorn_click_id" }, // Br-nav, AdGuard, uBO
	{ name: "user_email_address" }, // AdGuard
	{ name: "usqp" }, // Br-copy, AdGuard
	{ name: "vc_lpp" }, // AdGuard
	{ name: "vero_conv" }, // FF-SoS, Br-nav, ClearURLs, AdGuard, uBO
	{ name: "vero_id" }, // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO
	{ name: "vgo_ee" }, // Br-nav, uBO
	{ name: "wbraid" }, // Br-nav, Br-copy, AdGuard, uBO
	{ name: "wickedid" }, // Br-nav, ClearURLs, AdGuard, uBO
	{ name: "wt_mc" }, // ClearURLs, AdGuard
	{ name: "xtor" }, // AdGuard
	{ name: "yadclid" }, // Br-copy
	{ name: "yadordid" }, // Br-copy
	// Br-nav, Br-copy, ClearURLs, AdGuard, uBO: the lists name Yandex Direct's click id; Yahoo! JAPAN Ads'
	// auto-tagging appends the same name (ads-help.yahoo.co.jp aid=20442), one row strips both
	{ name: "yclid" },
	// Vendor: Yahoo! JAPAN Ads click complement (ads-developers.yahoo.co.jp announcement 212358 docs; the LY
	// Conversion API tag reads it, yahoojp-marketing/gtm-template-ly-conversion-api)
	{ name: "yj_r" },
	{ name: "ymclid" }, // Br-nav, Br-copy, uBO
	{ name: "ymid" }, // FF-SoS, AdGuard
	{ name: "ysclid" }, // Br-nav, Br-copy, AdGuard, uBO
	{ name: "_zucks_suid" }, // AdGuard
];

const PREFIXES: readonly PrefixParamRule[] = [
	// ClearURLs (/i), DandelionSprout LegitimateURLShortener (/^utm_/i), uBO (Kochava only): Brave, Firefox and
	// AdGuard enumerate 30–45 utm_ names; the prefix also covers utm_custom1 and the like
	{
		prefix: "utm_",
		// §1j: sites that break or loop when their utm_* parameters are removed.
		exceptOnHosts: [
			"redirects.tradedoubler.com",
			"onet.pl",
			"sendgb.com",
			"plex.tv",
			"transfernow.net",
			"lanacion.com.ar",
			"assetstore.unity.com",
			"firebaseappdistribution.googleapis.com",
		],
	},
	// Vendor: Segment analytics.js querystring API (segment.com/docs): properties of the ajs_event it tracks
	{ prefix: "ajs_prop_" },
	// Vendor: Segment analytics.js querystring API (segment.com/docs): traits of the ajs_uid it identifies (an
	// email address, a name)
	{ prefix: "ajs_trait_" },
];

/**
 * The utm_ names the lists enumerate, with the lists naming each: every one is removed by the `utm_`
 * family above (or kept on its hosts, or under GUARD_KEEP_UTM), which stripTrackingParams reads before
 * any name's own row, so as rows of GLOBAL they were never read. Kept here for review and for the
 * tests (each name is checked to be stripped); nothing in the Worker imports it, so its script
 * carries none of it.
 */
export const LISTED_UTM_NAMES: readonly GlobalParamRule[] = [
	{ name: "utm_ad" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_adgroup" }, // ClearURLs, AdGuard
	{ name: "utm_affiliate" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_ag" }, // Br-copy, ClearURLs
	{ name: "utm_brand" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_campaign" }, // FF-SoS, Br-copy, ClearURLs, AdGuard, DDG
	{ name: "utm_campaign_id" }, // FF-SoS, ClearURLs
	{ name: "utm_campaigncode" }, // Br-copy, ClearURLs
	{ name: "utm_campaignid" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_channel" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_cid" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_content" }, // FF-SoS, Br-copy, ClearURLs, AdGuard, DDG
	{ name: "utm_creative" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_creative_format" }, // Br-copy, ClearURLs
	{ name: "utm_custom1" }, // Br-copy
	{ name: "utm_custom2" }, // Br-copy
	{ name: "utm_device" }, // Br-copy, ClearURLs
	{ name: "utm_email" }, // FF-SoS, ClearURLs
	{ name: "utm_email_id" }, // FF-SoS, ClearURLs
	{ name: "utm_emcid" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_emmid" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_id" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_id_" }, // FF-SoS, ClearURLs, AdGuard
	{ name: "utm_internal" }, // Br-copy, ClearURLs
	{ name: "utm_keyword" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_mailing" }, // Br-copy, ClearURLs
	{ name: "utm_marketing_tactic" }, // Br-copy, ClearURLs
	{ name: "utm_medium" }, // FF-SoS, Br-copy, ClearURLs, AdGuard, DDG
	{ name: "utm_name" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_newsletter_id" }, // FF-SoS, ClearURLs
	{ name: "utm_place" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_product" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_pubreferrer" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_reader" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_referrer" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_serial" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_session" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_siteid" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_social" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_social-type" }, // FF-SoS, Br-copy, AdGuard
	{ name: "utm_source" }, // FF-SoS, Br-copy, ClearURLs, AdGuard, DDG
	{ name: "utm_source_platform" }, // Br-copy, ClearURLs
	{ name: "utm_supplier" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_swu" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_term" }, // FF-SoS, Br-copy, ClearURLs, AdGuard, DDG
	{ name: "utm_umguk" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_userid" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
	{ name: "utm_viz_id" }, // FF-SoS, Br-copy, ClearURLs, AdGuard
];

const HOST_SCOPED: readonly HostParamRule[] = [
	// Br-nav, Br-copy, ClearURLs, FF-SoS, uBO: `t` (timestamp) is functional and kept
	{
		hosts: ["youtube.com", "youtu.be"],
		params: [
			"si",
			"pp",
			"feature",
			"kw",
			"app",
			"embeds_euri",
			"embeds_loader_url_for_pings",
			"embeds_origin",
			"source_ve_path",
			"is",
		],
	},
	{ hosts: ["spotify.com"], params: ["si", "referral"] }, // Br-copy, FF-SoS, ClearURLs, uBO
	// Br-nav, Br-copy, ClearURLs, FF-SoS, uBO
	{ hosts: ["instagram.com"], params: ["igsh", "igshid", "ig_rid", "stkn"] },
	{ hosts: ["threads.net"], params: ["igshid"] }, // uBO
	{ hosts: ["threads.net", "threads.com"], params: ["xmt"] }, // Br-copy
	// Br-nav, Br-copy, ClearURLs, FF-SoS, uBO
	{ hosts: ["twitter.com", "x.com"], params: ["ref_src", "ref_url", "refsrc", "src", "cxt", "cn", "s", "t"] },
	// Br-copy, FF-SoS, ClearURLs: ClearURLs' open pattern for names containing `ref` is left out: it is rule
	// syntax, not a name
	{
		hosts: ["facebook.com"],
		params: [
			"__cft__[0]",
			"__tn__",
			"acontext",
			"app",
			"comment_tracking",
			"dti",
			"eid",
			"external_ref",
			"extid",
			"gd_impression_id",
			"hc_*",
			"idorvanity",
			"mibextid",
			"ref",
			"referrer",
			"sale_post_id",
			"set",
			"source",
			"store_visit_source",
			"tracking",
			"video_source",
			"with_pv",
		],
	},
	// Br-copy, FF-SoS, ClearURLs, uBO: `tag` is the affiliate id; ClearURLs keeps it by default, Brave copy
	// removes it
	{
		hosts: ["amazon.*"],
		params: [
			"__mk_*",
			"_encoding",
			"aaxitk",
			"asc_campaign",
			"asc_refurl",
			"asc_source",
			"ascsubtag",
			"content-id",
			"creativeASIN",
			"crid",
			"dchild",
			"dib",
			"dib_tag",
			"geniuslink",
			"hsa_cr_id",
			"hvadid",
			"hvnetw",
			"hvrand",
			"keywords",
			"linkCode",
			"linkId",
			"lp_*",
			"pd_rd_*",
			"pf_rd_*",
			"psc",
			"qid",
			"qualifier",
			"ref",
			"ref_",
			"refinements",
			"rnid",
			"s_prefix",
			"sbo",
			"social_share",
			"sp_csd",
			"sprefix",
			"sr",
			"srs",
			"store_ref",
			"tag",
			"th",
			"ufe",
		],
	},
	{ hosts: ["amzn.to", "aboutamazon.com"], params: ["asc_campaign", "asc_refurl", "asc_source"] }, // uBO
	// Br-copy, ClearURLs, FF-SoS: the row is scoped to /search: google.* hosts also run accounts, docs, maps
	// and translate
	{
		hosts: ["google.*"],
		paths: ["/search"],
		params: [
			"aqs",
			"bi*",
			"client",
			"dpr",
			"ei",
			"esrc",
			"fbs",
			"gfe_*",
			"gs_*",
			"ictx",
			"iflsig",
			"oq",
			"pcampaignid",
			"rlz",
			"sa",
			"sca_esv",
			"sclient",
			"sei",
			"site",
			"source",
			"sourceid",
			"spell",
			"sstk",
			"sxsrf",
			"uact",
			"ved",
		],
	},
	{ hosts: ["bing.com"], params: ["cvid", "form", "qp", "qs", "sc", "sk", "sp"] }, // ClearURLs, FF-SoS
	{ hosts: ["msn.com"], params: ["cvid", "ei", "ocid", "pc", "vid"] }, // uBO, FF-SoS, ClearURLs
	// Br-copy, ClearURLs, FF-SoS, uBO, AdGuard
	{
		hosts: ["reddit.com"],
		params: [
			"$3p",
			"$deep_link",
			"$original_url",
			"correlation_id",
			"deep_link",
			"entry_point",
			"post_fullname",
			"post_index",
			"rdt",
			"ref",
			"ref_campaign",
			"ref_source",
			"share_id",
			"target_user",
			"web_only",
		],
	},
	// Br-copy, ClearURLs, FF-SoS: ClearURLs' li + two letters pattern is left out: it is rule syntax, not a
	// name
	{
		hosts: ["linkedin.com"],
		params: ["mcid", "original_referer", "rcm", "refId", "src", "trackingCode", "trackingId", "trk"],
	},
	// Br-copy, ClearURLs, FF-SoS: FF-SoS also lists `q`, left out: it is the search term on tiktok.com/search
	{
		hosts: ["tiktok.com"],
		params: [
			"_d",
			"_r",
			"_t",
			"embed_source",
			"preview_pb",
			"refer",
			"referer_url",
			"referer_video_id",
			"share_app_id",
			"share_app_name",
			"share_author_id",
			"share_iid",
			"source",
			"t",
			"timestamp",
			"tt_from",
			"u_code",
			"user_id",
		],
	},
	// Br-copy, ClearURLs, FF-SoS, AdGuard
	{ hosts: ["github.com"], params: ["email_source", "email_token", "notification_referrer_id"] },
	// Br-copy, uBO, ClearURLs, FF-SoS
	{
		hosts: ["ebay.*"],
		params: [
			"_from",
			"_trkparms",
			"_trksid",
			"amdata",
			"campid",
			"hash",
			"media",
			"mkcid",
			"mkevt",
			"mkrid",
			"ssrc",
			"sssrc",
			"ssspo",
			"ssuid",
			"widget_ver",
		],
	},
	// Br-copy, ClearURLs, FF-SoS
	{
		hosts: ["aliexpress.com"],
		params: [
			"af",
			"aff_request_id",
			"algo_exp_id",
			"algo_expid",
			"algo_pvid",
			"btsid",
			"curPageLogUid",
			"cv",
			"dp",
			"gps-id",
			"mall_affr",
			"pdp_npi",
			"scm*",
			"sk",
			"terminal_id",
			"ws_ab_test",
		],
	},
	// Br-copy, ClearURLs, FF-SoS
	{ hosts: ["imdb.com"], params: ["pf_rd_i", "pf_rd_m", "pf_rd_p", "pf_rd_r", "pf_rd_s", "pf_rd_t", "ref_"] },
	// Br-copy, ClearURLs, FF-SoS
	{ hosts: ["nytimes.com"], params: ["referringSource", "sgrp", "smid", "ugrp"] },
	// Br-copy, FF-SoS: Condé Nast sites
	{
		hosts: ["wired.com", "newyorker.com", "vogue.com", "gq.com", "arstechnica.com"],
		params: ["bxid", "cndid", "esrc", "hasha", "hashb", "hashc", "mbid", "source"],
	},
	// Br-copy: the only anchor that removes hyphenated utm- names
	{
		hosts: ["eventbrite.*"],
		params: ["utm-*", "aff", "can_id", "email_referrer", "email_subject", "link_id", "ref", "source"],
	},
	// Br-copy
	{ hosts: ["medium.com", "tumblr.com", "actionnetwork.org", "search.brave.com"], params: ["source"] },
	{ hosts: ["bamboohr.com"], paths: ["/careers"], params: ["source"] }, // Br-copy
	{ hosts: ["cbsnews.com", "cnet.com", "gamespot.com"], params: ["ftag", "intcid", "linkId"] }, // Br-copy
	{ hosts: ["wsj.com"], params: ["mod", "reflink", "st"] }, // Br-copy, FF-SoS
	{ hosts: ["bloomberg.com"], params: ["in_source", "leadSource", "sref", "srnd", "trk"] }, // Br-copy, FF-SoS
	{ hosts: ["washingtonpost.com"], params: ["itid"] }, // Br-copy
	{ hosts: ["theguardian.com"], params: ["CMP"] }, // Br-copy
	{ hosts: ["hbr.org", "techcrunch.com"], params: ["tpcc"] }, // Br-copy
	{ hosts: ["ft.com"], params: ["trk"] }, // Br-copy
	{ hosts: ["zillow.com"], params: ["rtoken"] }, // Br-copy
	{ hosts: ["gofundme.com"], params: ["attribution_id"] }, // Br-copy
	{ hosts: ["goodreads.com"], params: ["from_search", "from_srp", "qid", "rank"] }, // Br-copy
	{ hosts: ["bandcamp.com"], params: ["from"] }, // Br-copy
	{ hosts: ["humblebundle.com"], params: ["hmb_*"] }, // Br-copy
	{ hosts: ["songkick.com"], params: ["deep_link_*"] }, // Br-copy
	{ hosts: ["seek.com.au", "seek.co.nz"], params: ["tracking"] }, // Br-copy
	{ hosts: ["mailchi.mp"], params: ["e"] }, // Br-copy
	// Br-copy: Branch links; AdGuard strips click_id only where _branch_referrer= follows it, no list everywhere
	{ hosts: ["app.link"], params: ["cjevent", "click_id"] },
	// Br-copy
	{
		hosts: ["ticketweb.com"],
		params: ["afsrc", "camefrom", "impradid", "impradname", "REFERRAL_ID", "wt.mc_id"],
	},
	// Brave copy also removes `aff` on axs.com, which the exemptions below leave untouched anyway.
];

const EXEMPT_HOSTS: readonly ExemptHostRule[] = [
	{ host: "urldefense.com" }, // Br-nav, Br-copy, uBO, AdGuard, DDG: Proofpoint-signed URL wrapper
	{ host: "web.archive.org", path: /\/https?:/i }, // uBO: the query belongs to the archived URL
	{ host: "axs.com" }, // DDG, AdGuard: ticket links break (tix.axs.com)
	{ host: "humana.com" }, // DDG: site breakage reported to DuckDuckGo
	{ host: "go365.com" }, // DDG: site breakage reported to DuckDuckGo
	{ host: "centerwellpharmacy.com" }, // DDG: site breakage reported to DuckDuckGo
];

export const TRACKING_PARAM_RULES: TrackingParamRules = {
	global: GLOBAL,
	prefixes: PREFIXES,
	hostScoped: HOST_SCOPED,
	exemptHosts: EXEMPT_HOSTS,
};
