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
// A row with nothing but its name is written as the name alone: 266 `{ name: … }` cost 0.2 KiB gzipped.
const GLOBAL: readonly (string | GlobalParamRule)[] = [
	// Vendor: A8.net affiliate click id (A8.net tracking docs, document.a8.net/ec/trackingGuide-ja.html: a8=… is
	// appended to the landing URL and kept in a first-party cookie)
	"a8",
	"action_object_map", // Br-copy, ClearURLs, AdGuard, DDG
	"action_ref_map", // Br-copy, ClearURLs, AdGuard, DDG
	"action_type_map", // Br-copy, ClearURLs, AdGuard, DDG
	"adfrom", // AdGuard
	"adjust_adgroup", // AdGuard, uBO
	"adjust_campaign", // AdGuard, uBO
	"adjust_creative", // AdGuard, uBO
	"adjust_referrer", // AdGuard
	"adjust_tracker", // AdGuard, uBO
	"adjust_tracker_limit", // AdGuard, uBO
	"admitad_uid", // AdGuard
	"aiad_clid", // AdGuard
	// Vendor: Segment querystring API: sets the anonymous id (segment.com/docs analytics.js querystring)
	"ajs_aid",
	// Vendor: Segment querystring API: tracks an event (segment.com/docs analytics.js querystring)
	"ajs_event",
	// Vendor: Segment querystring API: identifies the user (segment.com/docs analytics.js querystring)
	"ajs_uid",
	"asgtbndr", // AdGuard
	"at_campaign", // FF-SoS, Br-copy, uBO
	"at_campaign_type", // FF-SoS, Br-copy, uBO
	"at_channel", // Br-copy
	"at_creation", // FF-SoS, Br-copy, uBO
	"at_custom1", // Br-copy
	"at_custom2", // Br-copy
	"at_custom3", // Br-copy
	"at_custom4", // Br-copy
	"at_detail_placement", // Br-copy
	"at_emailtype", // FF-SoS, Br-copy, uBO
	"at_format", // Br-copy
	"at_general_placement", // Br-copy
	"at_identifier", // Br-copy
	"at_link", // FF-SoS, Br-copy, uBO
	"at_link_id", // FF-SoS, Br-copy, uBO
	"at_link_origin", // FF-SoS, Br-copy, uBO
	"at_link_type", // FF-SoS, Br-copy, uBO
	"at_medium", // FF-SoS, Br-copy, uBO
	"at_network", // Br-copy
	"at_platform", // Br-copy
	"at_ptr_name", // FF-SoS, Br-copy, uBO
	"at_recipient_id", // FF-SoS, Br-nav, Br-copy, uBO
	"at_recipient_list", // FF-SoS, Br-nav, Br-copy, uBO
	"at_send_date", // FF-SoS, Br-copy, uBO
	"at_term", // Br-copy
	"at_type", // Br-copy
	"at_variant", // Br-copy
	"awc", // AdGuard
	"bbeml", // Br-nav, uBO
	"_bhlid", // Br-nav, Br-copy, uBO
	"_branch_match_id", // Br-nav, Br-copy, AdGuard, uBO
	"_branch_referrer", // Br-nav, Br-copy, uBO
	"brave-campaign-id", // Br-copy
	"brave-creative-id", // Br-copy
	"brave-creative-set-id", // Br-copy
	"bsft_aaid", // AdGuard, uBO
	"bsft_clkid", // Br-nav, AdGuard, uBO
	"bsft_eid", // AdGuard, uBO
	"bsft_ek", // AdGuard, uBO
	"bsft_mid", // AdGuard, uBO
	"bsft_uid", // Br-nav, AdGuard, uBO
	// Br-nav, Br-copy: Kit unsubscribe links need it (Br-nav)
	{ name: "ck_subscriber_id", keepWhenUrlMatches: /\/unsubscribe/ },
	"_clde", // AdGuard
	"_cldee", // AdGuard
	"clickid", // Br-copy, AdGuard
	"cm_cr", // Br-copy, AdGuard
	"cm_me", // Br-copy, AdGuard
	"cm_mmc", // Br-copy, AdGuard
	"cm_mmca1", // Br-copy
	"cm_mmca10", // Br-copy
	"cm_mmca11", // Br-copy
	"cm_mmca12", // Br-copy
	"cm_mmca13", // Br-copy
	"cm_mmca14", // Br-copy
	"cm_mmca15", // Br-copy
	"cm_mmca2", // Br-copy
	"cm_mmca3", // Br-copy
	"cm_mmca4", // Br-copy
	"cm_mmca5", // Br-copy
	"cm_mmca6", // Br-copy
	"cm_mmca7", // Br-copy
	"cm_mmca8", // Br-copy
	"cm_mmca9", // Br-copy
	"cm_re", // Br-copy
	"cm_sp", // Br-copy
	"cmpid", // ClearURLs, AdGuard
	"cuid", // AdGuard
	"cx_click", // Br-copy, AdGuard, uBO
	"cx_recsOrder", // Br-copy, AdGuard, uBO
	"cx_recsWidget", // Br-copy, AdGuard, uBO
	"dclid", // Br-nav, ClearURLs, uBO
	"dpg_campaign", // AdGuard
	"dpg_content", // AdGuard
	"dpg_medium", // AdGuard
	"dpg_source", // AdGuard
	"ebisAdID", // AdGuard
	"eblastId", // Br-copy
	// Vendor: Pinterest click id (Pinterest Conversions API docs: click_id from the epik URL parameter;
	// tracking.md §4 cookie _epik)
	"epik",
	{ name: "erid", exceptOnHosts: ["kommersant.ru"] }, // AdGuard: functional there (AdGuard allowlist)
	"et_cid", // Br-copy
	"et_lid", // Br-copy
	"et_rid", // Br-nav, Br-copy, uBO
	"ex_cid", // Br-copy
	"external_click_id", // AdGuard
	"famad_xuid", // AdGuard
	"fb_action_ids", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO, DDG
	"fb_action_types", // Br-copy, ClearURLs, AdGuard, uBO, DDG
	"fb_comment_id", // Br-nav, Br-copy, AdGuard, uBO
	"fb_ref", // Br-copy, ClearURLs, AdGuard, uBO, DDG
	"fb_source", // Br-copy, ClearURLs, AdGuard, uBO, DDG
	"fbclid", // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO, DDG
	// ClearURLs, AdGuard: cookie-sync URL loops without it (AdGuard allowlist)
	{ name: "_ga", exceptOnHosts: ["login.aliexpress.*"] },
	"ga_campaign", // ClearURLs, DDG
	"ga_content", // ClearURLs, DDG
	"ga_medium", // ClearURLs, DDG
	"ga_place", // ClearURLs, DDG
	"ga_source", // ClearURLs, DDG
	"ga_term", // ClearURLs, DDG
	"gad_campaignid", // Br-copy
	"gad_source", // Br-copy
	"gbraid", // Br-nav, Br-copy, AdGuard, uBO
	"gci", // AdGuard
	"gclid", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO, DDG
	"gclsrc", // Br-copy, AdGuard, uBO
	"_gl", // Br-nav, ClearURLs, AdGuard, uBO
	"gps_adid", // AdGuard, uBO
	"gs_l", // ClearURLs, DDG
	"guccounter", // Br-copy, AdGuard
	"guce_referrer", // Br-nav, Br-copy, AdGuard, uBO
	"guce_referrer_sig", // Br-nav, Br-copy, AdGuard, uBO
	// Br-nav, Br-copy: Hive email pages and app (Br-nav, Br-copy)
	{ name: "h_sid", keepWhenUrlMatches: /\/email\//, exceptOnHosts: ["app.hive.co"] },
	// Br-nav, Br-copy: Hive email pages and app (Br-nav, Br-copy)
	{ name: "h_slt", keepWhenUrlMatches: /\/email\//, exceptOnHosts: ["app.hive.co"] },
	"hmb_campaign", // ClearURLs, DDG
	"hmb_medium", // ClearURLs, DDG
	"hmb_source", // ClearURLs, DDG
	"hsa_acc", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_ad", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_cam", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_grp", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_kw", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_la", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_mt", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_net", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_ol", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_src", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_tgt", // FF-SoS, Br-copy, AdGuard, uBO
	"hsa_ver", // FF-SoS, Br-copy, AdGuard, uBO
	"hsCtaTracking", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"_hsenc", // FF-QPS, Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"__hsfp", // Br-nav, ClearURLs, AdGuard, uBO
	"_hsmi", // Br-copy
	"__hssc", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"__hstc", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"__io_lv", // AdGuard
	"_io_session_id", // AdGuard
	"ir_adid", // Br-copy, AdGuard, uBO
	"ir_campaignid", // Br-copy, AdGuard, uBO
	"ir_partnerid", // Br-copy, AdGuard, uBO
	"ircid", // Br-copy
	"irclickid", // Br-nav, Br-copy, AdGuard
	"irgwc", // Br-copy, AdGuard
	"itm_campaign", // ClearURLs, AdGuard
	"itm_content", // AdGuard
	"itm_medium", // ClearURLs, AdGuard
	"itm_source", // ClearURLs, AdGuard
	"itm_term", // AdGuard
	"_kx", // Br-nav, Br-copy, AdGuard, uBO
	// Vendor: LINE Ads click id (LINE's Conversion API tag docs and code, line/line-conversion-api-server-tag
	// src/template_code.js@c3126a9: the click id read from the ldtag_cl URL parameter)
	"ldtag_cl",
	"li_fat_id", // FF-SoS
	// Vendor: LY Corporation ads click id (LY Conversion API tag docs, yahoojp-marketing/gtm-template-ly-
	// conversion-api template.tpl@b02d8e2: the _ly_c URL query parameter, kept as the _ly_c cookie)
	"_ly_c",
	"maf", // AdGuard
	"mc_cid", // Br-copy, ClearURLs
	"mc_eid", // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO
	"mindbox-click-id", // AdGuard
	"mindbox-message-key", // AdGuard
	// FF-QPS, Br-nav, ClearURLs, AdGuard, DDG: Marketo unsubscribe and web-view pages need the token (Br-nav)
	{ name: "mkt_tok", keepWhenUrlMatches: /[uU]nsubscribe|emailWebview/ },
	"ml_sub", // Br-copy
	"ml_sub_hash", // Br-copy
	"ml_subscriber", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"ml_subscriber_hash", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"msclkid", // Br-nav, ClearURLs, AdGuard, uBO
	"mtm_campaign", // Br-copy, ClearURLs, AdGuard, uBO
	"mtm_cid", // Br-nav, Br-copy, ClearURLs, AdGuard, uBO
	"mtm_content", // Br-copy, ClearURLs, AdGuard, uBO
	"mtm_group", // Br-copy, ClearURLs, AdGuard, uBO
	"mtm_keyword", // Br-copy, ClearURLs, AdGuard, uBO
	"mtm_kwd", // Br-copy, ClearURLs
	"mtm_medium", // Br-copy, ClearURLs, AdGuard, uBO
	"mtm_placement", // Br-copy, ClearURLs, AdGuard, uBO
	"mtm_source", // Br-copy, ClearURLs, AdGuard, uBO
	"nb_adid", // Br-copy
	"nb_aname", // Br-copy
	"nb_asize", // Br-copy
	"nb_atype", // Br-copy
	"nb_cid", // Br-copy
	"nb_mtype", // Br-copy
	"nb_partner_name", // Br-copy
	"nb_partner_shared_id", // Br-copy
	"nb_pid", // Br-copy
	"nb_platform", // Br-copy
	"nb_product_sku", // Br-copy
	"nx_source", // AdGuard
	"oft_c", // Br-nav, uBO
	"oft_ck", // Br-nav, uBO
	"oft_d", // Br-nav, uBO
	"oft_id", // Br-nav, uBO
	"oft_ids", // Br-nav, uBO
	"oft_k", // Br-nav, uBO
	"oft_lk", // Br-nav, uBO
	"oft_sk", // Br-nav, uBO
	"oly_anon_id", // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO
	// FF-QPS, Br-nav, ClearURLs, AdGuard: login needs it (AdGuard allowlist; uBO dropped it)
	{ name: "oly_enc_id", exceptOnHosts: ["greenbuildingadvisor.com"] },
	"_openstat", // Br-nav, ClearURLs, AdGuard, uBO
	"oprtrack", // AdGuard
	"piwik_campaign", // Br-copy
	"piwik_kwd", // Br-copy
	"pk_campaign", // Br-copy, AdGuard, uBO
	"pk_cid", // Br-nav, Br-copy, uBO
	"pk_content", // Br-copy
	"pk_cpn", // Br-copy
	"pk_keyword", // Br-copy
	"pk_kwd", // Br-copy
	"pk_medium", // Br-copy, AdGuard, uBO
	"pk_source", // Br-copy, AdGuard, uBO
	"pk_vid", // AdGuard
	"qclid", // Vendor: Quora Ads click id (Quora Conversion API docs: qclid on ad landing URLs)
	"rb_clickid", // Br-nav, ClearURLs, AdGuard, uBO
	// Vendor: Reddit click id (Reddit Conversions API docs: click_id from the rdt_cid URL parameter;
	// tracking.md §4 cookie _rdt_cid)
	"rdt_cid",
	"rtkcid", // AdGuard
	// FF-QPS, Br-nav, ClearURLs, AdGuard: short values are functional there (AdGuard)
	{ name: "__s", exceptOnHosts: ["univis.*"] },
	"s_campaign", // Br-copy
	"s_cid", // FF-SoS, Br-nav, ClearURLs, AdGuard, uBO
	"sc_customer", // Br-nav, Br-copy, uBO
	"sc_eh", // Br-nav, Br-copy, uBO
	"sc_lid", // Br-copy
	"sc_llid", // Br-copy
	"sc_src", // Br-copy
	"sc_uid", // Br-nav, Br-copy, uBO
	// Vendor: Snap click id (Snap Conversions API docs: click_id from the ScCid URL parameter)
	"ScCid",
	"sfmc_activityid", // Br-nav
	"sfmc_id", // Br-nav
	"_sgm_action", // AdGuard
	"_sgm_campaign", // AdGuard
	"_sgm_source", // AdGuard
	"sms_click", // Br-nav, Br-copy, uBO
	"sms_source", // Br-nav, Br-copy, uBO
	"sms_uph", // Br-nav, Br-copy, uBO
	"srsltid", // Br-nav, Br-copy, ClearURLs, uBO
	"ss_campaign_id", // Br-copy
	"ss_campaign_name", // Br-copy
	"ss_campaign_sent_date", // Br-copy
	"ss_email_id", // Br-nav, uBO
	"ss_source", // Br-copy
	"sscid", // AdGuard
	"syclid", // Br-nav
	// Vendor: Taboola click id (Taboola docs: click id auto-tagging appends tblci to landing URLs)
	"tblci",
	// AdGuard: affiliate redirects need it (AdGuard allowlist)
	{ name: "tduid", exceptOnHosts: ["tradedoubler.com"] },
	"ttclid", // Br-nav, Br-copy, uBO
	"twclid", // Br-nav, ClearURLs, AdGuard, uBO
	"unicorn_click_id", // Br-nav, AdGuard, uBO
	"user_email_address", // AdGuard
	"usqp", // Br-copy, AdGuard
	"vc_lpp", // AdGuard
	"vero_conv", // FF-SoS, Br-nav, ClearURLs, AdGuard, uBO
	"vero_id", // FF-QPS, Br-nav, ClearURLs, AdGuard, uBO
	"vgo_ee", // Br-nav, uBO
	"wbraid", // Br-nav, Br-copy, AdGuard, uBO
	"wickedid", // Br-nav, ClearURLs, AdGuard, uBO
	"wt_mc", // ClearURLs, AdGuard
	"xtor", // AdGuard
	"yadclid", // Br-copy
	"yadordid", // Br-copy
	// Br-nav, Br-copy, ClearURLs, AdGuard, uBO: the lists name Yandex Direct's click id; Yahoo! JAPAN Ads'
	// auto-tagging appends the same name (ads-help.yahoo.co.jp aid=20442), one row strips both
	"yclid",
	// Vendor: Yahoo! JAPAN Ads click complement (ads-developers.yahoo.co.jp announcement 212358 docs; the LY
	// Conversion API tag reads it, yahoojp-marketing/gtm-template-ly-conversion-api)
	"yj_r",
	"ymclid", // Br-nav, Br-copy, uBO
	"ymid", // FF-SoS, AdGuard
	"ysclid", // Br-nav, Br-copy, AdGuard, uBO
	"_zucks_suid", // AdGuard
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
	global: GLOBAL.map((rule) => (typeof rule === "string" ? { name: rule } : rule)),
	prefixes: PREFIXES,
	hostScoped: HOST_SCOPED,
	exemptHosts: EXEMPT_HOSTS,
};
