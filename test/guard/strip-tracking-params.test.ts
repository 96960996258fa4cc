/**
 * stripTrackingParams: real-world cases including the false-positive traps of tracking.md §1j, and
 * fast-check properties (idempotent, byte-preserving, never touches scheme, host, path or fragment).
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type StripOptions, stripTrackingParams } from "../../workers/guard/strip-tracking-params";
import { LISTED_UTM_NAMES, TRACKING_PARAM_RULES } from "../../workers/guard/tracking-param-rules";

type Case = readonly [label: string, input: string, expected: string, options?: StripOptions];

const CASES: readonly Case[] = [
	["bare click id", "https://example.com/?gclid=abc", "https://example.com/"],
	["utm between kept params", "https://example.com/p?a=1&utm_source=x&b=2", "https://example.com/p?a=1&b=2"],
	["upper-case name", "https://example.com/p?UTM_SOURCE=x&a=1", "https://example.com/p?a=1"],
	["mixed-case name", "https://example.com/p?Utm_Source=x&FBCLID=y", "https://example.com/p"],
	["percent-encoded name", "https://example.com/p?%67clid=1&a=1", "https://example.com/p?a=1"],
	["encoded underscore", "https://example.com/p?utm%5Fmedium=email", "https://example.com/p"],
	[
		"malformed escape kept raw",
		"https://example.com/p?%E0%A4%A=1&gclid=2",
		"https://example.com/p?%E0%A4%A=1",
	],
	["double-encoded leading ?", "https://example.com/p?%3Futm_source=x&a=1", "https://example.com/p?a=1"],
	[
		"value holding an encoded URL",
		"https://example.com/r?next=https%3A%2F%2Fa.test%2F%3Fx%3D1%26utm_source%3D2&fbclid=Z",
		"https://example.com/r?next=https%3A%2F%2Fa.test%2F%3Fx%3D1%26utm_source%3D2",
	],
	["value containing =", "https://example.com/?token=a=b==&gclid=1", "https://example.com/?token=a=b=="],
	[
		"plus and escape case kept",
		"https://e.com/?q=a+b%2fc&utm_campaign=x&Q=%2F",
		"https://e.com/?q=a+b%2fc&Q=%2F",
	],
	["bare and empty trackers", "https://e.com/?gclid&a=1&fbclid=&b", "https://e.com/?a=1&b"],
	["every occurrence", "https://e.com/?gclid=1&a=1&gclid=2&GCLID", "https://e.com/?a=1"],
	["a= and a stay distinct", "https://e.com/?a=&b&gclid=1", "https://e.com/?a=&b"],
	["interior empty segment kept", "https://e.com/?a=1&&gclid=2&b=2", "https://e.com/?a=1&&b=2"],
	["dangling empty segments dropped", "https://e.com/?gclid=1&&a=1&", "https://e.com/?a=1"],
	["only empties left", "https://e.com/x?gclid=1&&", "https://e.com/x"],
	[
		"fragment kept verbatim",
		"https://example.com/p?utm_source=x#section?utm_medium=y&gclid=1",
		"https://example.com/p#section?utm_medium=y&gclid=1",
	],
	["tracker only in fragment", "https://example.com/p#?utm_source=x", "https://example.com/p#?utm_source=x"],
	["empty query", "https://example.com/p?", "https://example.com/p?"],
	[
		"nothing to strip",
		"https://example.com/search?q=test&page=2",
		"https://example.com/search?q=test&page=2",
	],
	// §1j: functional names that only some hosts treat as tracking.
	["ref on GitHub", "https://github.com/o/r/blob/x?ref=main", "https://github.com/o/r/blob/x?ref=main"],
	["WordPress search s", "https://blog.example/?s=term", "https://blog.example/?s=term"],
	[
		"YouTube timestamp t",
		"https://www.youtube.com/watch?v=abc&t=42",
		"https://www.youtube.com/watch?v=abc&t=42",
	],
	[
		"generic names kept",
		"https://shop.example/?source=docs&id=5&cid=1&pid=2&sid=3&page=4&tag=x&from=y&src=z&var=1",
		"https://shop.example/?source=docs&id=5&cid=1&pid=2&sid=3&page=4&tag=x&from=y&src=z&var=1",
	],
	["si on YouTube", "https://www.youtube.com/watch?v=abc&si=XYZ", "https://www.youtube.com/watch?v=abc"],
	["si on youtu.be", "https://youtu.be/abc?si=XYZ", "https://youtu.be/abc"],
	["si elsewhere kept", "https://example.com/?si=1", "https://example.com/?si=1"],
	["si on Spotify", "https://open.spotify.com/track/1?si=abc", "https://open.spotify.com/track/1"],
	[
		"YouTube pp and feature",
		"https://music.youtube.com/watch?v=1&pp=2&feature=share",
		"https://music.youtube.com/watch?v=1",
	],
	[
		"igsh on Instagram",
		"https://www.instagram.com/p/X/?igsh=abc&img_index=1",
		"https://www.instagram.com/p/X/?img_index=1",
	],
	["igshid elsewhere kept", "https://example.com/?igshid=1&igsh=2", "https://example.com/?igshid=1&igsh=2"],
	["x.com share params", "https://x.com/u/status/1?s=20&t=abc&ref_src=twsrc", "https://x.com/u/status/1"],
	["twitter.com s", "https://mobile.twitter.com/u?s=21", "https://mobile.twitter.com/u"],
	[
		"Reddit share",
		"https://www.reddit.com/r/a/comments/b/?share_id=x&utm_medium=android_app",
		"https://www.reddit.com/r/a/comments/b/",
	],
	[
		"GitHub notification mail",
		"https://github.com/o/r/issues/1?notification_referrer_id=N&email_token=T&email_source=S",
		"https://github.com/o/r/issues/1",
	],
	[
		"Amazon pd_rd/pf_rd",
		"https://www.amazon.de/dp/B0?pd_rd_w=1&pf_rd_p=2&k=x",
		"https://www.amazon.de/dp/B0?k=x",
	],
	[
		"Amazon two-part suffix",
		"https://www.amazon.co.uk/dp/B0?ref_=x&pd_rd_i=B0",
		"https://www.amazon.co.uk/dp/B0",
	],
	["amazon.* needs the brand label", "https://notamazon.de/?pd_rd_w=1", "https://notamazon.de/?pd_rd_w=1"],
	[
		"Eventbrite hyphenated utm",
		"https://www.eventbrite.co.uk/e/1?aff=ebdssbdestsearch&utm-campaign=social&keep=1",
		"https://www.eventbrite.co.uk/e/1?keep=1",
	],
	[
		"utm- elsewhere kept",
		"https://example.com/?utm-campaign=social",
		"https://example.com/?utm-campaign=social",
	],
	[
		"facebook encoded __cft__[0]",
		"https://www.facebook.com/p?__cft__%5B0%5D=AZ&__tn__=R&id=1",
		"https://www.facebook.com/p?id=1",
	],
	[
		"Google search chaff",
		"https://www.google.com/search?q=x&ei=1&ved=2&oq=x",
		"https://www.google.com/search?q=x",
	],
	[
		"google.* other apps untouched",
		"https://accounts.google.com/signin?source=x&sa=1",
		"https://accounts.google.com/signin?source=x&sa=1",
	],
	// Keep conditions and exemptions.
	[
		"mkt_tok on Marketo unsubscribe",
		"https://pages.example.com/UnsubscribePage.html?mkt_unsubscribe=1&mkt_tok=abc",
		"https://pages.example.com/UnsubscribePage.html?mkt_unsubscribe=1&mkt_tok=abc",
	],
	[
		"mkt_tok on email web view",
		"https://go.example.com/emailWebview?mkt_tok=abc",
		"https://go.example.com/emailWebview?mkt_tok=abc",
	],
	["mkt_tok elsewhere", "https://example.com/blog?mkt_tok=abc&x=1", "https://example.com/blog?x=1"],
	["mkt_tok cannot keep itself", "https://example.com/blog?mkt_tok=Unsubscribe", "https://example.com/blog"],
	[
		"removed value cannot keep mkt_tok",
		"https://example.com/a?gclid=unsubscribe&mkt_tok=1",
		"https://example.com/a",
	],
	[
		"ck_subscriber_id on unsubscribe",
		"https://example.com/unsubscribe?ck_subscriber_id=1",
		"https://example.com/unsubscribe?ck_subscriber_id=1",
	],
	["ck_subscriber_id elsewhere", "https://example.com/post?ck_subscriber_id=1", "https://example.com/post"],
	["h_sid on Hive app", "https://app.hive.co/x?h_sid=1", "https://app.hive.co/x?h_sid=1"],
	["h_sid on /email/", "https://example.com/email/x?h_sid=1", "https://example.com/email/x?h_sid=1"],
	["h_sid elsewhere", "https://example.com/?h_sid=1&h_slt=2", "https://example.com/"],
	[
		"urldefense untouched",
		"https://urldefense.com/v3/__https://example.com__;!!x?utm_source=a&gclid=b",
		"https://urldefense.com/v3/__https://example.com__;!!x?utm_source=a&gclid=b",
	],
	[
		"web.archive.org snapshot untouched",
		"https://web.archive.org/web/2020/https://example.com/?utm_source=x",
		"https://web.archive.org/web/2020/https://example.com/?utm_source=x",
	],
	[
		"oly_enc_id login",
		"https://www.greenbuildingadvisor.com/login?oly_enc_id=1",
		"https://www.greenbuildingadvisor.com/login?oly_enc_id=1",
	],
	["oly_enc_id elsewhere", "https://example.com/?oly_enc_id=1", "https://example.com/"],
	[
		"_ga on AliExpress sync",
		"https://login.aliexpress.com/sync_cookie_write.htm?_ga=1",
		"https://login.aliexpress.com/sync_cookie_write.htm?_ga=1",
	],
	["_ga linker elsewhere", "https://example.com/?_ga=2.1.2.3&x=1", "https://example.com/?x=1"],
	["__s on univis.*", "https://www.univis.de/?__s=ab", "https://www.univis.de/?__s=ab"],
	["__s elsewhere", "https://example.com/?__s=abcdef12", "https://example.com/"],
	[
		"utm exempt where it loops",
		"https://assetstore.unity.com/packages/x?aid=1&utm_source=y&gclid=2",
		"https://assetstore.unity.com/packages/x?aid=1&utm_source=y",
	],
	// Branch links: Brave's copy list strips cjevent and click_id on *.app.link; no list strips click_id
	// everywhere (AdGuard only in a URL where _branch_referrer= follows it), and it is an affiliate
	// network's id that a landing page may need for its conversion.
	[
		"Branch link click ids",
		"https://shop.app.link/abc?click_id=1&cjevent=2&$deeplink_path=p",
		"https://shop.app.link/abc?$deeplink_path=p",
	],
	["click_id elsewhere", "https://example.com/lp?click_id=1&gclid=2", "https://example.com/lp?click_id=1"],
	["click_id on a relative URL", "/lp?click_id=1", "/lp?click_id=1", { baseHost: "shop.example" }],
	["click_id on a Branch base host", "/abc?click_id=1", "/abc", { baseHost: "shop.app.link" }],
	// URL forms.
	["path-relative", "/a?b=1&gclid=2", "/a?b=1"],
	["relative with base host", "/watch?v=1&si=2", "/watch?v=1", { baseHost: "www.youtube.com" }],
	["relative without base host", "/watch?v=1&si=2", "/watch?v=1&si=2"],
	["relative on exempt base host", "/v3/x?gclid=1", "/v3/x?gclid=1", { baseHost: "urldefense.com" }],
	["base host with port", "/watch?si=2", "/watch", { baseHost: "WWW.YouTube.com:8443" }],
	["query-only relative keeps ?", "?utm_source=x", "?"],
	["query-only relative with fragment", "?utm_source=x#top", "?#top"],
	["document-relative", "page.html?fbclid=1&x=2", "page.html?x=2"],
	["protocol-relative", "//www.youtube.com/watch?v=1&si=2", "//www.youtube.com/watch?v=1"],
	[
		"upper-case scheme and host",
		"HTTPS://WWW.YOUTUBE.COM/watch?v=1&si=2",
		"HTTPS://WWW.YOUTUBE.COM/watch?v=1",
	],
	[
		"userinfo and port",
		"https://u:p@www.youtube.com:443/watch?v=1&si=2",
		"https://u:p@www.youtube.com:443/watch?v=1",
	],
	["mailto untouched", "mailto:a@b.c?subject=hi&utm_source=x", "mailto:a@b.c?subject=hi&utm_source=x"],
	["javascript untouched", "javascript:go('?gclid=1')", "javascript:go('?gclid=1')"],
	// Options.
	["extra names", "https://e.com/?ref=1&gclid=2&x=3", "https://e.com/?x=3", { extra: ["REF"] }],
	["keep list", "https://e.com/?gclid=2&fbclid=3", "https://e.com/?gclid=2", { keep: ["GClid"] }],
	[
		"keepUtm",
		"https://e.com/?utm_source=x&gclid=1&utm_custom1=2",
		"https://e.com/?utm_source=x&utm_custom1=2",
		{ keepUtm: true },
	],
	[
		"keepUtm keeps Eventbrite utm-",
		"https://www.eventbrite.com/e/1?utm-source=x&aff=y",
		"https://www.eventbrite.com/e/1?utm-source=x",
		{ keepUtm: true },
	],
	["utm_ prefix covers unlisted names", "https://e.com/?utm_custom9=1&a=b", "https://e.com/?a=b"],
	[
		"Segment's querystring API: ids, event, traits and properties",
		"https://e.com/?ajs_uid=7&ajs_aid=x&ajs_event=Signed%20Up&ajs_prop_plan=pro&ajs_trait_email=a%40b.c&ajs=1&a=b",
		"https://e.com/?ajs=1&a=b",
	],
];

describe("stripTrackingParams: real-world cases", () => {
	for (const [label, input, expected, options] of CASES) {
		it(label, () => {
			expect(stripTrackingParams(input, options)).toBe(expected);
		});
	}

	it("removes each utm_ name the lists enumerate, except where the utm_ family is kept", () => {
		for (const { name } of LISTED_UTM_NAMES) {
			const url = `https://www.example.com/p?a=1&${name}=x&${name.toUpperCase()}=y#f`;
			expect(stripTrackingParams(url), name).toBe("https://www.example.com/p?a=1#f");
			for (const kept of [
				`https://onet.pl/p?a=1&${name}=x`,
				`https://sub.plex.tv/p?${name}=x`,
				`https://assetstore.unity.com/packages/x?${name}=x`,
			])
				expect(stripTrackingParams(kept), kept).toBe(kept);
			expect(stripTrackingParams(url, { keepUtm: true }), name).toBe(url);
			expect(stripTrackingParams(url, { keep: [name] }), name).toBe(url);
		}
	});

	it("returns the very input when there is nothing to strip", () => {
		const input = `https://example.com/${"a".repeat(20)}?q=1`;
		expect(Object.is(stripTrackingParams(input), input)).toBe(true);
	});
});

// Names for generated URLs: trackers (global ones and the listed utm_ names, with case and escape
// variants) and ordinary ones.
const GLOBAL_NAMES = [...TRACKING_PARAM_RULES.global, ...LISTED_UTM_NAMES]
	.filter((rule) => rule.exceptOnHosts === undefined && rule.keepWhenUrlMatches === undefined)
	.map((rule) => rule.name);
const ORDINARY_NAMES = [
	"q",
	"page",
	"id",
	"ref",
	"s",
	"t",
	"si",
	"igshid",
	"v",
	"sort",
	"a",
	"B",
	"x_y",
	"utm",
	"gclidx",
	"ajs_prop",
];
const TRACKER_SET = new Set([...GLOBAL_NAMES.map((name) => name.toLowerCase())]);
const PREFIXES = TRACKING_PARAM_RULES.prefixes.map((rule) => rule.prefix);

const escapeFirst = (name: string) =>
	`%${name.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}${name.slice(1)}`;

const trackerName = fc
	.tuple(
		fc.constantFrom(...GLOBAL_NAMES, "utm_source", "utm_zz"),
		fc.constantFrom("same", "upper", "escaped"),
	)
	.map(([name, form]) =>
		form === "upper" ? name.toUpperCase() : form === "escaped" ? escapeFirst(name) : name,
	);
const ordinaryName = fc.constantFrom(...ORDINARY_NAMES);
const valueChar = fc.constantFrom(
	"a",
	"Z",
	"0",
	"+",
	"%2F",
	"%2f",
	"=",
	"%26",
	"-",
	".",
	"~",
	"%",
	"?",
	"/",
	":",
);
const value = fc.array(valueChar, { maxLength: 6 }).map((chars) => chars.join(""));
const segment = (name: fc.Arbitrary<string>) =>
	fc
		.tuple(name, fc.constantFrom("pair", "bare", "empty"), value)
		.map(([n, form, v]) => (form === "bare" ? n : form === "empty" ? `${n}=` : `${n}=${v}`));
const anySegment = fc.oneof(segment(trackerName), segment(ordinaryName), fc.constant(""));
const fragment = fc.option(
	fc
		.array(fc.constantFrom("a", "?", "&", "utm_source=1", "gclid", "#", "="), { maxLength: 5 })
		.map((p) => `#${p.join("")}`),
	{ nil: "" },
);
const prefixOn = (...hosts: string[]) =>
	fc
		.tuple(
			fc.constantFrom("https://", "http://", "HTTPS://", "//", ""),
			fc.constantFrom(...hosts),
			fc.array(fc.constantFrom("a", "b", "%20", "unsubscribe", "email", ""), { maxLength: 3 }),
		)
		.map(([scheme, host, path]) =>
			scheme === "" ? `/${path.join("/")}` : `${scheme}${host}/${path.join("/")}`,
		);
const prefix = prefixOn("example.com", "www.youtube.com", "x.com", "Shop.Example.co.uk", "urldefense.com");
const url = fc
	.tuple(prefix, fc.array(anySegment, { maxLength: 7 }), fragment)
	.map(([head, segments, hash]) => `${head}?${segments.join("&")}${hash}`);

function parts(input: string) {
	const hash = input.indexOf("#");
	const beforeHash = hash === -1 ? input : input.slice(0, hash);
	const q = beforeHash.indexOf("?");
	return {
		head: q === -1 ? beforeHash : beforeHash.slice(0, q),
		query: q === -1 ? "" : beforeHash.slice(q + 1),
		fragment: hash === -1 ? "" : input.slice(hash),
	};
}

function isSubsequence(small: readonly string[], big: readonly string[]): boolean {
	let i = 0;
	for (const item of big) if (i < small.length && item === small[i]) i++;
	return i === small.length;
}

function normalised(name: string): string {
	let decoded = name;
	try {
		decoded = decodeURIComponent(name);
	} catch {}
	return decoded.toLowerCase().replace(/^\?/, "");
}

describe("stripTrackingParams: properties", () => {
	it("is idempotent", () => {
		fc.assert(
			fc.property(url, (input) => {
				const once = stripTrackingParams(input);
				expect(stripTrackingParams(once)).toBe(once);
			}),
			{ numRuns: 2000 },
		);
	});

	it("never changes scheme, host, path or fragment, and never adds bytes", () => {
		fc.assert(
			fc.property(url, (input) => {
				const output = stripTrackingParams(input);
				const before = parts(input);
				const after = parts(output);
				expect(after.head).toBe(before.head);
				expect(after.fragment).toBe(before.fragment);
				expect(output.length).toBeLessThanOrEqual(input.length);
			}),
			{ numRuns: 2000 },
		);
	});

	it("keeps a subsequence of the input's parameters", () => {
		fc.assert(
			fc.property(url, (input) => {
				const params = (query: string) => (query === "" ? [] : query.split("&"));
				const kept = params(parts(stripTrackingParams(input)).query);
				const original = params(parts(input).query);
				expect(isSubsequence(kept, original)).toBe(true);
			}),
			{ numRuns: 2000 },
		);
	});

	it("returns the same string when no tracker is present", () => {
		const clean = fc
			.tuple(
				prefixOn("example.com", "Shop.Example.co.uk", "urldefense.com"),
				fc.array(fc.oneof(segment(ordinaryName), fc.constant("")), { maxLength: 7 }),
				fragment,
			)
			.map(([head, segments, hash]) => `${head}?${segments.join("&")}${hash}`);
		fc.assert(
			fc.property(clean, (input) => {
				expect(stripTrackingParams(input)).toBe(input);
			}),
			{ numRuns: 1000 },
		);
	});

	it("on an ordinary host removes exactly the tracker segments", () => {
		const plain = fc
			.tuple(fc.array(anySegment, { maxLength: 7 }), fragment)
			.map(([segments, hash]) => `https://example.com/p?${segments.join("&")}${hash}`);
		fc.assert(
			fc.property(plain, (input) => {
				const { query, fragment: hash } = parts(input);
				const segments = query.split("&");
				const isTracker = (s: string) => {
					const name = normalised(s.split("=")[0] ?? "");
					return TRACKER_SET.has(name) || PREFIXES.some((p) => name.startsWith(p));
				};
				if (!segments.some(isTracker)) {
					expect(stripTrackingParams(input)).toBe(input);
					return;
				}
				const kept = segments.filter((s) => !isTracker(s));
				while (kept[0] === "") kept.shift();
				while (kept.at(-1) === "") kept.pop();
				const expected =
					kept.length === 0
						? `https://example.com/p${hash}`
						: `https://example.com/p?${kept.join("&")}${hash}`;
				expect(stripTrackingParams(input)).toBe(expected);
			}),
			{ numRuns: 2000 },
		);
	});
});
