/**
 * Inline tracker bootstraps recognised by their content: the snippets vendors tell sites to paste
 * (tracking.md §3d "HTML signals"), each with the purpose it serves. Google snippets are classified by
 * the tag ids they carry (`G-` analytics; `AW-`, `DC-`, `GT-`, `GTM-` ads), like their loaders.
 * Our own list of vendor function and host names (facts), from the vendors' published snippets.
 * Each row's vendor and source are in its comment, which the bundle leaves out (nothing reads them at
 * runtime); test/guard/table-provenance.test.ts checks that every row has one.
 */
import { googleTagPurpose } from "./google-tag-ids";
import { joinable, joinPatterns } from "./joined-patterns";
import { compileOverrides } from "./tracker-overrides";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

export interface InlineTrackerSignature {
	readonly pattern: RegExp;
	readonly purpose: TrackerPurpose;
	/** The host the snippet loads from, so a site override for that host also decides the snippet. */
	readonly host?: string;
	/** A Google loader named without a literal tag id: it only counts when no id decided the script. */
	readonly withoutTagId?: boolean;
}

export const INLINE_TRACKER_SIGNATURES: readonly InlineTrackerSignature[] = [
	// Meta Pixel: Meta Pixel base code (developers.facebook.com/docs/meta-pixel/get-started)
	{
		pattern: /\bfbq\s*\(\s*['"]init['"]|connect\.facebook\.net\/[^'"\s]*fbevents\.js/,
		purpose: "ads",
		host: "connect.facebook.net",
	},
	// LinkedIn Insight: LinkedIn Insight Tag snippet; tracking.md §2c
	{
		pattern: /\b_linkedin_(?:partner_id|data_partner_ids)\b|snap\.licdn\.com\/li\.lms-analytics/,
		purpose: "ads",
		host: "snap.licdn.com",
	},
	// TikTok Pixel: TikTok Pixel base code; tracking.md §2a
	{
		pattern: /\bttq\.load\s*\(|analytics\.tiktok\.com\/i18n\/pixel/,
		purpose: "ads",
		host: "analytics.tiktok.com",
	},
	// Microsoft UET: Microsoft Advertising UET tag; tracking.md §2a
	{ pattern: /\buetq\b|bat\.bing\.com\/bat\.js/, purpose: "ads", host: "bat.bing.com" },
	// Snap Pixel: Snap Pixel base code; tracking.md §2a
	{ pattern: /\bsnaptr\s*\(\s*['"]init['"]|sc-static\.net\/scevent/, purpose: "ads", host: "sc-static.net" },
	// Pinterest Tag: Pinterest Tag base code; tracking.md §2a
	{
		pattern: /\bpintrk\s*\(\s*['"]load['"]|s\.pinimg\.com\/ct\/core\.js/,
		purpose: "ads",
		host: "s.pinimg.com",
	},
	// X Pixel: X conversion tracking base code; the older single-event tag (oct.js, twttr.conversion.trackPid);
	// tracking.md §2a
	{
		pattern:
			/\btwq\s*\(\s*['"](?:init|config)['"]|static\.ads-twitter\.com\/(?:uwt|oct)\.js|\btwttr\.conversion\.trackPid\s*\(/,
		purpose: "ads",
		host: "static.ads-twitter.com",
	},
	// Reddit Pixel: Reddit Pixel base code; tracking.md §2a
	{
		pattern: /\brdt\s*\(\s*['"]init['"]|redditstatic\.com\/ads\/pixel\.js/,
		purpose: "ads",
		host: "www.redditstatic.com",
	},
	// Criteo / Taboola: tracking.md §2a (ld.js, tfa.js loaders)
	{
		pattern: /\bcriteo_q\b|static\.criteo\.net\/js\/ld|\b_tfa\.push\s*\(|cdn\.taboola\.com\/libtrc/,
		purpose: "ads",
	},
	// Quora Pixel: Quora Pixel base code (qp('init', …), a.quora.com/qevents.js)
	{ pattern: /\bqp\s*\(\s*['"]init['"]|a\.quora\.com\/qevents\.js/, purpose: "ads", host: "a.quora.com" },
	// Outbrain Pixel: Outbrain Pixel base code (obApi('track', …), amplify.outbrain.com/cp/obtp.js);
	// tracking.md §2a
	{ pattern: /\bobApi\s*\(|outbrain\.com\/cp\/obtp\.js/, purpose: "ads", host: "amplify.outbrain.com" },
	// LINE Tag: LINE Tag base code (_lt('init', {customerType, tagId}), d.line-scdn.net/n/line_tag/…/lt.js); a
	// conversion's lone _lt('send', 'cv', …) is left to the stand-in the base code's gating defines
	{ pattern: /\b_lt\s*\(\s*['"]init['"]|\/n\/line_tag\//, purpose: "ads", host: "d.line-scdn.net" },
	// Yahoo! JAPAN Ads: the site general tag snippet (vendor docs ads-help.yahoo.co.jp aid=47048: yjDataLayer,
	// ytag.js); a conversion tag's lone ytag({…}) is left to the stand-in, as above
	{ pattern: /\byjDataLayer\b|\/tool\/cv\/ytag\.js/, purpose: "ads", host: "s.yimg.jp" },
	// A8.net: vendor docs (document.a8.net/ec/trackingGuide-ja.html: the conversion tag's a8sales({pid, …}), a function
	// its loader defines)
	{ pattern: /\ba8sales\s*\(/, purpose: "ads", host: "statics.a8.net" },
	// Yandex Metrica: tracking.md §2a (mc.yandex.ru/metrika/tag.js; listed as advertising)
	{
		pattern: /mc\.yandex\.(?:ru|com)\/metrika|\bym\s*\(\s*\d+\s*,\s*['"]init['"]/,
		purpose: "ads",
		host: "mc.yandex.ru",
	},
	// Google Tag Manager container (id not literal): GTM snippet; CONTRACT.md: a container can inject anything
	{
		pattern: /googletagmanager\.com\/gtm\.js/,
		purpose: "ads",
		host: "www.googletagmanager.com",
		withoutTagId: true,
	},
	// Cloudflare Zaraz: tracking.md §3c (auto-injected bootstrap; runs any configured tool)
	{ pattern: /\bzarazData\b|\/cdn-cgi\/zaraz\//, purpose: "ads" },
	// Google Analytics (analytics.js, ga.js): Universal Analytics snippet; tracking.md §2b
	{
		pattern: /google-analytics\.com\/(?:analytics|ga)\.js|\bga\s*\(\s*['"]create['"]/,
		purpose: "analytics",
		host: "www.google-analytics.com",
		withoutTagId: true,
	},
	// HubSpot tracking code: HubSpot tracking code API (_hsq); tracking.md §2b
	{ pattern: /\b_hsq\b|js\.hs-analytics\.net/, purpose: "analytics", host: "js.hs-analytics.net" },
	// Hotjar: Hotjar tracking code; tracking.md §2b
	{
		pattern: /\b_hjSettings\b|static\.hotjar\.com\/c\/hotjar-/,
		purpose: "analytics",
		host: "static.hotjar.com",
	},
	// Microsoft Clarity: Clarity tracking code; tracking.md §2b
	{ pattern: /clarity\.ms\/tag\//, purpose: "analytics", host: "www.clarity.ms" },
	// Segment / Mixpanel / Amplitude / Heap: vendor snippets; tracking.md §2b, §3d
	{
		pattern:
			/\banalytics\.load\s*\(|cdn\.segment\.com\/analytics\.js|\bmixpanel\.init\s*\(|\bamplitude\.(?:getInstance\(\)\.)?init\s*\(|\bheap\.load\s*\(/,
		purpose: "analytics",
	},
	// Treasure Data: td-js-sdk loader snippet (defines Treasure, loads cdn.treasuredata.com/sdk/<v>/td.min.js)
	{ pattern: /cdn\.treasuredata\.com\/sdk\//, purpose: "analytics", host: "cdn.treasuredata.com" },
	// Matomo / Plausible: Matomo JavaScript tracking code; tracking.md §2b
	{ pattern: /\b_paq\.push\s*\(|\/(?:matomo|piwik)\.js|plausible\.io\/js\//, purpose: "analytics" },
];

/**
 * Most inline scripts are the site's own: the signatures' patterns, joined into one, are tried
 * first, so such a script is read once rather than once per signature. The same answer as trying
 * each: a pattern that cannot be joined (joined-patterns.ts) is always tried, and a property test in
 * test/guard/inline-trackers.test.ts checks that every signature a source matches is a candidate.
 */
// Split on the first inline script, not as the script loads (bench/startup.mjs).
let split: { readonly always: readonly InlineTrackerSignature[]; readonly any: RegExp } | undefined;

/** The signatures that may match `source`, in INLINE_TRACKER_SIGNATURES's order: every one that does is among them. */
export function candidateSignatures(source: string): readonly InlineTrackerSignature[] {
	split ??= {
		always: INLINE_TRACKER_SIGNATURES.filter((signature) => !joinable(signature.pattern)),
		any: joinPatterns(
			INLINE_TRACKER_SIGNATURES.filter((signature) => joinable(signature.pattern)).map((s) => s.pattern),
		),
	};
	return split.any.test(source) ? INLINE_TRACKER_SIGNATURES : split.always;
}

/** Where a script names Google tags (gtag, GTM, analytics.js), the quoted ids decide its purposes. */
const GOOGLE_CONTEXT = /\bgtag\s*\(|\bdataLayer\b|googletagmanager\.com|google-analytics\.com/;
// `AW-123/label` send_to targets count as their id.
const GOOGLE_TAG_ID = /['"`]((?:G|GT|AW|DC|GTM|UA)-[A-Z0-9-]{4,20})(?:\/[^'"`\s]*)?['"`]/g;

/**
 * The purposes an inline script's source serves, in a stable order (ads, then analytics); empty for
 * anything that is not a known tracker bootstrap, such as a Consent Mode default with no tag id.
 */
export function inlineScriptPurposes(source: string, overrides?: TrackerOverrides): TrackerPurpose[] {
	const site = overrides ? compileOverrides(overrides) : null;
	const found = new Set<TrackerPurpose>();
	const add = (purpose: TrackerPurpose | null | undefined) => {
		if (purpose) found.add(purpose);
	};
	let tagIds = 0;
	if (GOOGLE_CONTEXT.test(source)) {
		for (const match of source.matchAll(GOOGLE_TAG_ID)) {
			const id = match[1] as string;
			const verdict = site?.tagId(id);
			const purpose = verdict === undefined ? googleTagPurpose(id) : verdict;
			if (purpose !== null || verdict === null) tagIds++;
			add(purpose);
		}
	}
	for (const signature of candidateSignatures(source)) {
		if ((signature.withoutTagId && tagIds > 0) || !signature.pattern.test(source)) continue;
		const verdict = signature.host && site ? site.host(signature.host) : undefined;
		add(verdict === undefined ? signature.purpose : verdict);
	}
	return (["ads", "analytics"] as const).filter((p) => found.has(p));
}
