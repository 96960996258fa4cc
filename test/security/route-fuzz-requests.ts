/**
 * What the every-route fuzz test sends: requests as descriptions (fast-check values), made into a
 * `Request` per run (a body stream can be read only once), the cookies and tokens they carry, and the
 * site behind the guard. route-fuzz-checks.ts says what every answer must keep.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { visitorSubject } from "../../workers/consent/caller";
import { signDecisionCookie } from "../../workers/consent/decision-cookie";
import { toBase64Url } from "../../workers/crypto/encoding";
import { hmacSign } from "../../workers/crypto/hmac";
import { signUnsubscribeToken } from "../../workers/email/unsubscribe-token";
import worker from "../../workers/index";
import { ADMIN_KEY, BASE, SIGNING_KEY } from "../helpers";

export const READER_KEY = "test-reader-key";
export const SENDER_KEY = "test-sender-key";
/** Two visitors whose choices pile up over the run, and a third nobody writes for. */
export const VIDS = [
	"FuzzVisitorAAAAAAAAAAAAAAAA",
	"FuzzVisitorBBBBBBBBBBBBBBBB",
	"FuzzVisitorCCCCCCCCCCCCCCCC",
];

/** A request, as data. */
export interface RequestPlan {
	readonly method: string;
	readonly path: string;
	readonly headers: readonly (readonly [string, string])[];
	readonly body: BodyPlan;
}

export type BodyPlan =
	| { readonly kind: "none" }
	| { readonly kind: "bytes"; readonly bytes: Uint8Array }
	| { readonly kind: "broken"; readonly start: string };

const utf8 = new TextEncoder();
const text = (s: string): BodyPlan => ({ kind: "bytes", bytes: utf8.encode(s) });

// ---------------------------------------------------------------------------------------------
// Paths and queries

const ROUTE_PATHS = [
	"/v1/consent",
	"/v1/opt-out",
	"/v1/check",
	"/v1/subjects/user:1/records",
	"/v1/subjects/user:1/export",
	"/v1/subjects/user:1",
	"/v1/subjects/user:fuzz-erased",
	"/v1/unsubscribe-links",
	"/v1/suppressions",
	"/v1/suppressions/check",
	"/unsubscribe",
	"/preferences",
	"/preferences/export",
	"/preferences/erase",
	"/.well-known/gpc.json",
	"/consent.js",
	"/v1/guard/runtime.js",
	"/v1/health",
	"/v1",
	"/v1/",
	"/v1/nope",
	"/v1/subjects",
	"/v1/subjects/",
	"/preferences/x",
	"/unsubscribe/x",
	"/consent.js/x",
	"/.well-known/gpc.json/",
];

const BROKEN_ESCAPES = [
	"%",
	"%zz",
	"%00",
	"%C0%AE",
	"%E0%A4%A",
	"%ff%fe",
	"%2e%2e",
	"%u0041",
	"%%",
	"%0d%0a",
];

const nastyString = fc.oneof(
	fc.string({ maxLength: 40 }),
	fc.string({ unit: "grapheme", maxLength: 20 }),
	fc.string({ unit: "binary", maxLength: 20 }),
	fc.constantFrom(
		"",
		"a\u0000b",
		"\u0000",
		"..",
		".",
		"user:\u202e1",
		"ユーザー",
		"x".repeat(129),
		"x".repeat(5000),
		"__proto__",
		"constructor",
		"' OR 1=1 --",
		"<script>alert(1)</script>",
		"javascript:alert(1)",
		"\ud800",
	),
);

/** A query value: encoded text, or raw bytes no encoder would produce. */
const queryValue = fc.oneof(
	nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"))),
	fc.constantFrom(...BROKEN_ESCAPES),
	fc.constantFrom(
		"ads",
		"sale",
		"essential",
		"1",
		"0",
		"-1",
		"1e3",
		"1000",
		"1001",
		"9007199254740993",
		"user:1",
		"user%3A1",
		"a%40example.com",
		"news",
		"*",
		"ja",
		"en",
		"DE",
		"us-ca",
		"UK",
		"EU",
		"US-XX",
		"https%3A%2F%2Fconsent.example%2Fshop",
		"https%3A%2F%2Fevil.example%2F",
		"javascript%3Aalert(1)",
		encodeURIComponent(`${BASE}/${"/".repeat(2000)}`),
		encodeURIComponent(`${BASE}/${"あ".repeat(300)}`),
		"%2F%2Fevil.example",
	),
);

const QUERY_NAMES = [
	"purpose",
	"subject",
	"email",
	"list",
	"t",
	"return",
	"lang",
	"saved",
	"gpc",
	"jurisdiction",
	"limit",
	"cursor",
	"x",
];

const query = fc.oneof(
	{ weight: 2, arbitrary: fc.constant("") },
	{
		weight: 5,
		arbitrary: fc
			.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), queryValue), { minLength: 1, maxLength: 4 })
			.map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`),
	},
	{ weight: 1, arbitrary: fc.constantFrom(...BROKEN_ESCAPES).map((e) => `?${e}`) },
	{ weight: 1, arbitrary: fc.constant(`?purpose=${"a".repeat(12_000)}`) },
	{ weight: 1, arbitrary: fc.constant("?") },
);

const subjectSegment = fc.oneof(
	fc.constantFrom(
		"user:1",
		"user%3A1",
		"user%253A1",
		"%zz",
		"%",
		"%00",
		"%C0%AE",
		"..",
		"...",
		"a%2Fb",
		"%E2%80%AE",
	),
	nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"))),
);

const pathMutation = fc.constantFrom(
	(p: string) => p,
	(p: string) => p,
	(p: string) => p,
	(p: string) => `${p}/`,
	(p: string) => `${p}//`,
	(p: string) => p.toUpperCase(),
	(p: string) => `${p}%00`,
	(p: string) => `${p}%`,
	(p: string) => `${p}%zz`,
	(p: string) => `${p}/%C0%AE%C0%AE`,
	(p: string) => `${p};x=1`,
	(p: string) => `${p}/${"/".repeat(3000)}x`,
	(p: string) => `//${p}`,
	(p: string) => p.replace("/v1/", "/v1//"),
	(p: string) => p.replace("/v1/", "/%76%31/"),
);

export const path = fc
	.tuple(fc.constantFrom(...ROUTE_PATHS), subjectSegment, pathMutation, query)
	.map(([route, subject, mutate, q]) => mutate(route.replace("user:1", subject)) + q);

// ---------------------------------------------------------------------------------------------
// Methods and headers

// (The runtime's Request refuses tokens it does not know, such as FOO or M-SEARCH: no client reaches
// a Worker with them either.)
export const method = fc.constantFrom(
	"GET",
	"GET",
	"HEAD",
	"POST",
	"POST",
	"PUT",
	"DELETE",
	"PATCH",
	"OPTIONS",
	"PROPFIND",
	"patch",
	"get",
);

const CONTENT_TYPES = [
	"application/json",
	"application/json; charset=utf-8",
	"application/json; charset=UTF-8",
	'application/json; charset="utf-8"',
	"application/json; charset=latin1",
	"application/json;;;",
	"APPLICATION/JSON",
	"application/merge-patch+json",
	"application/x-www-form-urlencoded",
	"application/x-www-form-urlencoded; charset=utf-8",
	"application/x-www-form-urlencoded; charset=us-ascii",
	"application/x-www-form-urlencoded; charset=shift_jis",
	"application/x-www-form-urlencoded; charset=bogus",
	"application/x-www-form-urlencoded; charset=utf-16",
	"multipart/form-data",
	"multipart/form-data; boundary=fuzzb",
	"multipart/form-data; boundary=other",
	'multipart/form-data; boundary="fuzzb"; charset=iso-8859-1',
	"text/plain",
	"text/plain; charset=utf-8",
	"application/xml",
	"",
	";",
	"application/",
	"\u00e9/\u00e9",
];

const AUTHORIZATIONS = [
	`Bearer ${ADMIN_KEY}`,
	`Bearer ${ADMIN_KEY}`,
	`Bearer ${READER_KEY}`,
	`Bearer ${SENDER_KEY}`,
	"Bearer wrong-key",
	"Bearer",
	"Bearer ",
	"Basic dXNlcjpwYXNz",
	`bearer ${ADMIN_KEY}`,
	`BEARER\t${ADMIN_KEY}`,
	`Bearer ${ADMIN_KEY} extra`,
	`Bearer  ${ADMIN_KEY}  `,
	`Bearer ${ADMIN_KEY}, Bearer wrong-key`,
	"Bearer test-admin-k\u00e9y",
	`Bearer ${"k".repeat(9000)}`,
	"",
	"Token x",
	"Negotiate \u00ff\u00fe",
];

const ORIGINS = [
	BASE,
	BASE,
	"null",
	"https://evil.example",
	"https://consent.example:443",
	"http://consent.example",
	"",
];
const FETCH_SITES = ["same-origin", "cross-site", "same-site", "none", "bogus"];
const GPC = ["1", "0", "1, 0", " 1 ", "true", ""];
const IDEMPOTENCY_KEYS = [
	"fuzz-key-1",
	"fuzz-key-2",
	"fuzz-key-3",
	"",
	"has space",
	"k".repeat(300),
	"\u00e9t\u00e9",
];
const LANGUAGES = [
	"ja",
	"ja-JP,en;q=0.5",
	"en;q=0, ja;q=0",
	"*",
	"xx",
	";q=",
	"ja;q=1.5",
	"\u00ff".repeat(100),
];
const GEOS = ["DE", "US-CA", "JP", "US", "ZZ", "garbage", "us-ca", "US-CA, DE"];
const BOOKMARKS = [
	"garbage",
	`00000000-00000000-00000000-${"0".repeat(32)}`,
	`ffffffff-ffffffff-ffffffff-${"f".repeat(32)}`,
	"x".repeat(5000),
];

/** Cookie pairs: the ones this run signs (see FuzzCookies) and ones nobody signed. */
export interface FuzzCookies {
	readonly pairs: readonly string[];
}

const optional = <T>(arb: fc.Arbitrary<T>, freq = 2) => fc.option(arb, { freq, nil: undefined });

export function headers(cookies: FuzzCookies): fc.Arbitrary<[string, string][]> {
	return fc
		.record({
			"Content-Type": optional(fc.constantFrom(...CONTENT_TYPES), 1),
			Authorization: optional(fc.constantFrom(...AUTHORIZATIONS)),
			Cookie: optional(
				fc.array(fc.constantFrom(...cookies.pairs), { minLength: 1, maxLength: 4 }).map((c) => c.join("; ")),
				1,
			),
			Origin: optional(fc.constantFrom(...ORIGINS)),
			"Sec-Fetch-Site": optional(fc.constantFrom(...FETCH_SITES), 3),
			"Sec-Fetch-Mode": optional(fc.constantFrom("navigate", "cors", "no-cors"), 3),
			"Sec-GPC": optional(fc.constantFrom(...GPC), 3),
			"Idempotency-Key": optional(fc.constantFrom(...IDEMPOTENCY_KEYS), 3),
			"Accept-Language": optional(fc.constantFrom(...LANGUAGES), 3),
			Accept: optional(fc.constantFrom("text/html", "application/json", "*/*", ""), 3),
			"X-Debug-Geo": optional(fc.constantFrom(...GEOS), 2),
			"X-D1-Bookmark": optional(fc.constantFrom(...BOOKMARKS), 6),
			"If-None-Match": optional(fc.constantFrom("*", '"x"', "W/", ","), 6),
			"Content-Length": optional(fc.constantFrom("0", "999999999", "-1", "abc", "1.5"), 8),
		})
		.map((record) => Object.entries(record).filter((e): e is [string, string] => typeof e[1] === "string"));
}

// ---------------------------------------------------------------------------------------------
// Bodies

const VALID_JSON = [
	'{"purposes":{"ads":false}}',
	'{"purposes":{"ads":true,"analytics":true}}',
	'{"subject":"user:1","purposes":{"ads":false}}',
	'{"subject":"user:1","purposes":{"email":true},"email":"A@Example.com"}',
	'{"subject":"user:2","purposes":{"sale":true},"policyVersion":"2026-11"}',
	'{"subject":"user:1"}',
	"{}",
	'{"email":"a@example.com","list":"news"}',
	'{"email":"ユーザー@例え.jp","list":"*","source":"mailto"}',
	'{"emails":["a@example.com","bad","b@example.com"],"list":"news"}',
];

const HOSTILE_JSON = [
	'{"purposes":{"__proto__":{"ads":true}}}',
	'{"__proto__":{"subject":"user:x"},"purposes":{}}',
	'{"subject":"user:1","purposes":{"ads":true,"ads":false}}',
	'{"subject":"user:1","subject":"user:2","purposes":{"ads":false}}',
	'{"purposes":{"constructor":true}}',
	'{"purposes":{"toString":false}}',
	'{"purposes":{"essential":false}}',
	'{"purposes":{"ads":1}}',
	'{"purposes":{"ads":"false"}}',
	'{"purposes":[false]}',
	'{"purposes":null}',
	'{"subject":42,"purposes":{}}',
	'{"subject":["user:1"],"purposes":{}}',
	'{"subject":"user:\\u0000","purposes":{"ads":false}}',
	'{"subject":"\\ud800","purposes":{"ads":false}}',
	'{"email":42,"list":"news"}',
	'{"email":["a@example.com"],"list":"news"}',
	'{"email":"a@example.com","list":{"x":1}}',
	'{"email":"a@example.com\\u0000","list":"news"}',
	'{"email":"a@example.com","list":"news","source":"__proto__"}',
	'{"emails":"a@example.com"}',
	'{"emails":[1,2,3]}',
	'{"emails":[]}',
	'{"purposes":{"ads":false},"policyVersion":""}',
	'{"purposes":{"ads":false},"policyVersion":12}',
	"[]",
	"null",
	'"string"',
	"1e999",
	"{",
	'{"purposes":{"ads":false}',
	'{"purposes":{"ads":fal',
	"\ufeff{}",
	`${"[".repeat(20_000)}${"]".repeat(20_000)}`,
	`{"a":${'{"a":'.repeat(3000)}1${"}".repeat(3001)}`,
	`{"purposes":{"ads":false},"pad":"${"x".repeat(16_400)}"}`,
];

const FORMS = [
	"{}",
	"List-Unsubscribe=One-Click",
	"List-Unsubscribe=One-Click&via=page",
	"List-Unsubscribe=One-Click%0d%0a",
	"List-Unsubscribe=one-click",
	"ads=on&analytics=on",
	"ads=on&ads=on&sale",
	"subject=user%3A1",
	"subject=user%3A1&subject=user%3A2",
	"__proto__=x&ads=on",
	"constructor=1&toString=2",
	"%zz=%zz&ads=%",
	"a=%00&b=\u0000",
	"=&=&&&",
	`pad=${"x".repeat(16_400)}`,
];

const multipart = (boundary: string, fields: string) => `--${boundary}\r\n${fields}\r\n--${boundary}--\r\n`;

const MULTIPART = [
	multipart("fuzzb", 'Content-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click'),
	multipart("fuzzb", 'Content-Disposition: form-data; name="ads"\r\n\r\non'),
	multipart(
		"fuzzb",
		'Content-Disposition: form-data; name="ads"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\non',
	),
	multipart("fuzzb", 'Content-Disposition: form-data; name="__proto__"\r\n\r\nx'),
	'--fuzzb\r\nContent-Disposition: form-data; name="ads"\r\n\r\non',
	"--fuzzb--",
	"garbage",
];

const INVALID_UTF8 = [
	new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
	new Uint8Array([0xc0, 0xae, 0xc0, 0xae]),
	new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
	new Uint8Array([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]),
	new Uint8Array([0x61, 0x64, 0x73, 0x3d, 0x83, 0x65]),
	new Uint8Array(300 * 1024).fill(0x20),
];

export const body: fc.Arbitrary<BodyPlan> = fc.oneof(
	{ weight: 3, arbitrary: fc.constant<BodyPlan>({ kind: "none" }) },
	{ weight: 1, arbitrary: fc.constant(text("")) },
	{ weight: 4, arbitrary: fc.constantFrom(...VALID_JSON).map(text) },
	{ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_JSON).map(text) },
	{ weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map(text) },
	{ weight: 3, arbitrary: fc.constantFrom(...FORMS).map(text) },
	{ weight: 2, arbitrary: fc.constantFrom(...MULTIPART).map(text) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(...INVALID_UTF8).map((bytes): BodyPlan => ({ kind: "bytes", bytes })),
	},
	{
		weight: 1,
		arbitrary: fc
			.constantFrom('{"purposes":{"ads":f', "List-Unsub")
			.map((start): BodyPlan => ({ kind: "broken", start })),
	},
);

// ---------------------------------------------------------------------------------------------
// Requests a well-behaved client sends, then broken in a few places

const PURPOSE_NAMES = ["analytics", "personalization", "ads", "sale", "email"];
const SUBJECTS = ["user:1", "user:2", "user:fuzz-erased"];
const ADDRESSES = ["a@example.com", "B@Example.COM", "ユーザー@例え.jp", "fuzz@example.com"];
const LISTS = ["news", "*", "promo"];

const purposes = fc.dictionary(fc.constantFrom(...PURPOSE_NAMES), fc.boolean(), { maxKeys: 5 });
const json = (value: unknown) => text(JSON.stringify(value));
const form = (fields: Record<string, string>) => text(new URLSearchParams(fields).toString());
const FORM = "application/x-www-form-urlencoded";

type Who = "visitor" | "admin" | "reader" | "sender";

function who(kind: Who, vid: string): [string, string][] {
	if (kind === "visitor")
		return [
			["Cookie", `ce_vid=${vid}`],
			["Origin", BASE],
		];
	const key = { admin: ADMIN_KEY, reader: READER_KEY, sender: SENDER_KEY }[kind];
	return [["Authorization", `Bearer ${key}`]];
}

/** A request each route would accept (as visitor, or with a key of the right scope). */
export function validPlan(tokens: readonly string[]): fc.Arbitrary<RequestPlan> {
	const vid = fc.constantFrom(...VIDS);
	const subject = fc.constantFrom(...SUBJECTS);
	const address = fc.constantFrom(...ADDRESSES);
	const list = fc.constantFrom(...LISTS);
	const token = fc.constantFrom(...tokens);
	const plan = (
		m: string,
		p: string,
		h: [string, string][],
		b: BodyPlan = { kind: "none" },
	): RequestPlan => ({
		method: m,
		path: p,
		headers: h,
		body: b,
	});
	return fc.oneof(
		fc
			.tuple(vid, fc.boolean())
			.map(([v, gpc]) =>
				plan("GET", "/v1/consent", [
					...who("visitor", v),
					...(gpc ? [["Sec-GPC", "1"] as [string, string]] : []),
				]),
			),
		fc
			.tuple(subject, fc.constantFrom<Who>("admin", "reader"))
			.map(([s, k]) => plan("GET", `/v1/consent?subject=${s}`, who(k, ""))),
		// Session 34's inputs: a page's GPC, a keyed call's stated jurisdiction, the visitor's own data.
		vid.map((v) => plan("GET", "/v1/consent?gpc=1", who("visitor", v))),
		fc
			.tuple(subject, fc.constantFrom("DE", "US-CA", "UK", "jp"))
			.map(([s, j]) => plan("GET", `/v1/consent?subject=${s}&jurisdiction=${j}`, who("admin", ""))),
		vid.map((v) => plan("GET", "/preferences/export", who("visitor", v))),
		vid.map((v) => plan("GET", "/preferences/erase", who("visitor", v))),
		vid.map((v) =>
			plan(
				"POST",
				"/preferences/erase",
				[...who("visitor", v), ["Content-Type", FORM]],
				form({ form: "erase" }),
			),
		),
		fc
			.tuple(vid, purposes)
			.map(([v, p]) =>
				plan(
					"PUT",
					"/v1/consent",
					[...who("visitor", v), ["Content-Type", "application/json"]],
					json({ purposes: p }),
				),
			),
		fc
			.tuple(subject, purposes, fc.option(address, { nil: undefined }))
			.map(([s, p, email]) =>
				plan(
					"PUT",
					"/v1/consent",
					[...who("admin", ""), ["Content-Type", "application/json"]],
					json({ subject: s, purposes: p, email }),
				),
			),
		vid.map((v) =>
			plan("POST", "/v1/opt-out", [...who("visitor", v), ["Content-Type", FORM]], form({ ads: "on" })),
		),
		vid.map((v) =>
			plan("POST", "/v1/opt-out", [...who("visitor", v), ["Content-Type", "application/json"]], json({})),
		),
		subject.map((s) =>
			plan(
				"POST",
				"/v1/opt-out",
				[...who("admin", ""), ["Content-Type", "application/json"]],
				json({ subject: s }),
			),
		),
		subject.map((s) =>
			plan("POST", "/v1/opt-out", [...who("admin", ""), ["Content-Type", FORM]], form({ subject: s })),
		),
		fc
			.tuple(vid, fc.constantFrom(...PURPOSE_NAMES, "essential"))
			.map(([v, p]) => plan("GET", `/v1/check?purpose=${p}`, who("visitor", v))),
		fc
			.tuple(subject, fc.constantFrom(...PURPOSE_NAMES))
			.map(([s, p]) => plan("GET", `/v1/check?purpose=${p}&subject=${s}`, who("reader", ""))),
		subject.map((s) => plan("GET", `/v1/subjects/${s}/records?limit=5`, who("reader", ""))),
		subject.map((s) => plan("GET", `/v1/subjects/${s}/export`, who("admin", ""))),
		fc.constant(plan("DELETE", "/v1/subjects/user:fuzz-erased", who("admin", ""))),
		fc
			.tuple(address, list, fc.constantFrom<Who>("admin", "sender"))
			.map(([e, l, k]) =>
				plan(
					"POST",
					"/v1/unsubscribe-links",
					[...who(k, ""), ["Content-Type", "application/json"]],
					json({ email: e, list: l === "*" ? "news" : l }),
				),
			),
		fc
			.tuple(address, list)
			.map(([e, l]) =>
				plan(
					"GET",
					`/v1/suppressions?email=${encodeURIComponent(e)}&list=${encodeURIComponent(l)}`,
					who("sender", ""),
				),
			),
		fc
			.tuple(address, list, fc.constantFrom("api", "mailto", "complaint", "request"))
			.map(([e, l, src]) =>
				plan(
					"POST",
					"/v1/suppressions",
					[...who("admin", ""), ["Content-Type", "application/json"]],
					json({ email: e, list: l, source: src }),
				),
			),
		fc
			.tuple(fc.array(address, { minLength: 1, maxLength: 4 }), list)
			.map(([emails, l]) =>
				plan(
					"POST",
					"/v1/suppressions/check",
					[...who("sender", ""), ["Content-Type", "application/json"]],
					json({ emails, list: l }),
				),
			),
		token.map((t) => plan("GET", `/unsubscribe?t=${t}`, [])),
		fc
			.tuple(token, fc.boolean())
			.map(([t, page]) =>
				plan(
					"POST",
					`/unsubscribe?t=${t}`,
					[["Content-Type", FORM]],
					form(page ? { "List-Unsubscribe": "One-Click", via: "page" } : { "List-Unsubscribe": "One-Click" }),
				),
			),
		fc
			.tuple(
				vid,
				fc.constantFrom(
					"",
					"?saved=1",
					"?lang=ja",
					`?return=${encodeURIComponent(`${BASE}/shop`)}`,
					`?return=${encodeURIComponent(`${BASE}/${"/".repeat(2000)}`)}`,
				),
			)
			.map(([v, q]) =>
				plan("GET", `/preferences${q}`, [
					["Cookie", `ce_vid=${v}`],
					["Accept", "text/html"],
				]),
			),
		fc
			.tuple(vid, fc.subarray(PURPOSE_NAMES))
			.map(([v, allowed]) =>
				plan(
					"POST",
					"/preferences",
					[...who("visitor", v), ["Content-Type", FORM]],
					form(Object.fromEntries(allowed.map((p) => [p, "on"]))),
				),
			),
		fc.constant(plan("GET", "/.well-known/gpc.json", [])),
		fc.constantFrom<Who>("visitor", "admin").map((k) => plan("GET", "/v1/health", who(k, ""))),
		fc.constant(plan("GET", "/consent.js", [])),
		fc
			.constantFrom("ads", "analytics", "ads,analytics", "analytics,ads", "", "ads,ads", "sale", "ads,")
			.map((deny) => plan("GET", `/v1/guard/runtime.js?deny=${deny}&v=x`, [])),
	);
}

type Mutation = (plan: RequestPlan, cookies: FuzzCookies) => fc.Arbitrary<RequestPlan>;

const setHeader = (plan: RequestPlan, name: string, value: string | undefined): RequestPlan => ({
	...plan,
	headers: [
		...plan.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase()),
		...(value === undefined ? [] : [[name, value] as const]),
	],
});

const MUTATIONS: Mutation[] = [
	(plan) => method.map((m) => ({ ...plan, method: m })),
	(plan) =>
		pathMutation.map((mutate) => ({
			...plan,
			path:
				mutate(plan.path.split("?")[0] ?? "") +
				(plan.path.includes("?") ? `?${plan.path.split("?").slice(1).join("?")}` : ""),
		})),
	(plan) =>
		query.map((q) => ({ ...plan, path: plan.path + (plan.path.includes("?") ? `&${q.slice(1)}` : q) })),
	(plan) => query.map((q) => ({ ...plan, path: (plan.path.split("?")[0] ?? "") + q })),
	(plan) => body.map((b) => ({ ...plan, body: b })),
	(plan) => fc.constantFrom(...CONTENT_TYPES, undefined).map((t) => setHeader(plan, "Content-Type", t)),
	(plan) => fc.constantFrom(...AUTHORIZATIONS, undefined).map((a) => setHeader(plan, "Authorization", a)),
	(plan, cookies) =>
		fc.array(fc.constantFrom(...cookies.pairs), { minLength: 1, maxLength: 3 }).map((pairs) => {
			const kept = plan.headers.find(([n]) => n === "Cookie")?.[1];
			return setHeader(plan, "Cookie", [kept, ...pairs].filter(Boolean).join("; "));
		}),
	(plan, cookies) =>
		fc
			.array(fc.constantFrom(...cookies.pairs), { minLength: 1, maxLength: 3 })
			.map((pairs) => setHeader(plan, "Cookie", pairs.join("; "))),
	(plan) => fc.constantFrom(...ORIGINS, undefined).map((o) => setHeader(plan, "Origin", o)),
	(plan) => fc.constantFrom(...FETCH_SITES).map((s) => setHeader(plan, "Sec-Fetch-Site", s)),
	(plan) => fc.constantFrom(...GPC).map((g) => setHeader(plan, "Sec-GPC", g)),
	(plan) => fc.constantFrom(...IDEMPOTENCY_KEYS).map((k) => setHeader(plan, "Idempotency-Key", k)),
	(plan) => fc.constantFrom(...LANGUAGES).map((l) => setHeader(plan, "Accept-Language", l)),
	(plan) => fc.constantFrom(...GEOS).map((g) => setHeader(plan, "X-Debug-Geo", g)),
	(plan) => fc.constantFrom(...BOOKMARKS).map((b) => setHeader(plan, "X-D1-Bookmark", b)),
	(plan) => fc.constantFrom("0", "999999999", "-1", "abc").map((l) => setHeader(plan, "Content-Length", l)),
];

/** A valid request broken in up to three places (or none: the valid flows must hold too). */
export function mutatedPlan(tokens: readonly string[], cookies: FuzzCookies): fc.Arbitrary<RequestPlan> {
	return fc
		.tuple(validPlan(tokens), fc.array(fc.nat(MUTATIONS.length - 1), { maxLength: 3 }))
		.chain(([plan, picks]) =>
			picks.reduce<fc.Arbitrary<RequestPlan>>(
				(arb, pick) => arb.chain((p) => (MUTATIONS[pick] as Mutation)(p, cookies)),
				fc.constant(plan),
			),
		);
}

// ---------------------------------------------------------------------------------------------
// Guard mode: the site's own paths, and what its origin answers

const SITE_PATHS = [
	"/",
	"/page?gclid=abc&x=1",
	"/page?x=1&fbclid=1&utm_source=a&y=%zz",
	"/g/collect?v=2&tid=G-ABC123&en=page_view",
	"/tr?id=123&ev=PageView",
	"/collect?v=1&tid=UA-1-1",
	"/gtag/js?id=G-ABC123",
	"/cdn-cgi/zaraz/t",
	"/api/form",
	"/%zz?%zz=%zz",
	"/%00/%C0%AE%C0%AE/..",
	"/page?gclid=%",
	`/page?${"gclid=1&".repeat(500)}`,
	"/PREFERENCES",
	"/v1x",
	"/preferencesx",
];

export function sitePlan(cookies: FuzzCookies): fc.Arbitrary<RequestPlan> {
	return fc
		.record({ method, path: fc.constantFrom(...SITE_PATHS), headers: headers(cookies), body })
		.map((plan) => ({ ...plan }));
}

const PAGES = [
	'<!doctype html><html><head><script async src="https://www.googletagmanager.com/gtag/js?id=AW-123456789"></script><script>fbq("init","1")</script></head><body><a href="/x?gclid=1&amp;a=2">x</a><img src="https://www.facebook.com/tr?id=1&amp;ev=PageView"><noscript><img src="https://www.facebook.com/tr?id=1"></noscript><iframe srcdoc="<script src=https://connect.facebook.net/en_US/fbevents.js></script>"></iframe><style>body{background:url(https://www.facebook.com/tr?id=1)}</style></body></html>',
	'<html><head><meta charset="shift_jis"><base href="https://www.googletagmanager.com/"></head><body>\x83\x65<a href="?gclid=1">',
	"<html><body><script",
	"<!--",
	"",
];

/** The site behind the guard: pages with trackers, redirects, cookies, odd types and statuses. */
export function siteAnswer(request: Request): Response {
	const n = request.url.length % 7;
	const headers = new Headers({
		"Content-Type":
			[
				"text/html",
				"text/html; charset=shift_jis",
				"text/html; charset=bogus",
				"application/xhtml+xml",
				"text/css",
				"text/html;;",
				"image/png",
			][n] ?? "text/html",
	});
	headers.append("Set-Cookie", "_ga=GA1.2.3.4; Path=/; Max-Age=63072000");
	headers.append("Set-Cookie", "_fbp=fb.1.2.3; Max-Age=1; Max-Age=x");
	headers.append("Set-Cookie", "session=abc; Path=/; HttpOnly");
	headers.set(
		"Link",
		"<https://www.googletagmanager.com/gtag/js?id=AW-1>; rel=preload; as=script, <%zz>; rel=preconnect",
	);
	if (request.url.includes("redirect") || n === 5) {
		headers.set("Location", n === 5 ? "/page?gclid=again" : "https://evil.example/?gclid=1");
		return new Response(null, { status: 302, headers });
	}
	if (n === 6) headers.set("ETag", '"strong"');
	const page = PAGES[request.url.length % PAGES.length] ?? "";
	const status = [200, 200, 404, 200, 410, 200, 200][n] ?? 200;
	return new Response(request.method === "HEAD" ? null : page, { status, headers });
}

// ---------------------------------------------------------------------------------------------
// Cookies this run signs

/** A `ce_consent` body signed with the real key, whatever it says. */
async function signedPayload(payload: unknown, key = SIGNING_KEY): Promise<string> {
	const b = toBase64Url(utf8.encode(JSON.stringify(payload)));
	return `${b}.${await hmacSign(key, b)}`;
}

const ALLOW_ALL = { analytics: true, personalization: true, ads: true, sale: true, email: true };

/** Every cookie pair the fuzz may send: valid, other visitors', expired, forged, odd. */
export async function fuzzCookies(): Promise<FuzzCookies> {
	const now = Date.now();
	const signed = async (
		vid: string,
		issuedAt: number,
		purposes: Record<string, boolean>,
		key = SIGNING_KEY,
	) =>
		signDecisionCookie(
			{
				subject: await visitorSubject(vid),
				state: { version: 1, purposes, sources: {}, policyVersion: "2026-11", updatedAt: issuedAt },
				issuedAt,
				decision: purposes,
				jurisdiction: "US-CA",
				prompt: false,
				gpc: false,
			},
			key,
		);
	const [vidA, vidB] = VIDS as [string, string, string];
	const aFresh = await signed(vidA, now, ALLOW_ALL);
	const pairs = [
		...VIDS.map((vid) => `ce_vid=${vid}`),
		`ce_vid=${vidA}`,
		"ce_vid=short",
		`ce_vid=${"A".repeat(65)}`,
		`ce_vid=${"\u00e9".repeat(24)}`,
		"ce_vid=",
		`ce_consent=${aFresh}`,
		`ce_consent=${await signed(vidB, now, ALLOW_ALL)}`,
		`ce_consent=${await signed(vidA, now - 400 * 86_400_000, ALLOW_ALL)}`,
		`ce_consent=${await signed(vidA, now + 86_400_000, ALLOW_ALL)}`,
		`ce_consent=${await signed(vidA, now, ALLOW_ALL, "another-signing-key")}`,
		`ce_consent=${aFresh.slice(0, -2)}AA`,
		`ce_consent=${await signedPayload({ s: await visitorSubject(vidA), v: 1e300, i: -1, u: 0, p: { __proto__: 1 }, d: {}, g: "x", j: "<x>", pv: 3 })}`,
		`ce_consent=${await signedPayload({ s: await visitorSubject(vidA), v: 2, i: Math.floor(now / 1000), u: 0, p: { ads: 1, nope: 1 }, d: { ads: 1 }, g: [], j: "US-CA", pv: null, pr: 0 })}`,
		`ce_consent=${await signedPayload([1, 2, 3])}`,
		"ce_consent=..",
		`ce_consent=${"A".repeat(3000)}.${"B".repeat(43)}`,
		`ce_return=${encodeURIComponent(`${BASE}/shop?x=1`)}`,
		`ce_return=${encodeURIComponent("https://evil.example/")}`,
		"ce_return=%zz",
		"ce_return=javascript%3Aalert(1)",
		`ce_return=${encodeURIComponent(`${BASE}/${"x".repeat(3000)}`)}`,
		`ce_return=${encodeURIComponent(`${BASE}/"><script>`)}`,
		"ce_lang=ja",
		"ce_lang=\u00ff",
		`_ga=GA1.2.3.4`,
		";;;",
		"=",
		`junk=${"x".repeat(6000)}`,
	];
	return { pairs };
}

/** One-click tokens: genuine for a list and for every list, expired, and signed with another key. */
export async function fuzzTokens(): Promise<string[]> {
	const emailHash = await hmacSign("test-email-hash-key-0123456789abcdef", "email:fuzz@example.com");
	const later = Date.now() + 86_400_000;
	return [
		await signUnsubscribeToken({ emailHash, list: "news", expiresAt: later }, SIGNING_KEY),
		await signUnsubscribeToken({ emailHash, list: "*", expiresAt: later }, SIGNING_KEY),
		await signUnsubscribeToken({ emailHash, list: "news", expiresAt: Date.now() - 1000 }, SIGNING_KEY),
		await signUnsubscribeToken({ emailHash, list: "news", expiresAt: later }, "another-signing-key"),
	];
}

// ---------------------------------------------------------------------------------------------
// Sending

export const fuzzEnv = (vars: Record<string, string> = {}) =>
	({ ...env, READER_API_KEY: READER_KEY, SENDER_API_KEY: SENDER_KEY, ...vars }) as Env;

let client = 0;

/** The plan as a Request (null when no client could send it: a header value fetch refuses). */
export function toRequest(plan: RequestPlan): Request | null {
	const headers = new Headers();
	try {
		for (const [name, value] of plan.headers) headers.append(name, value);
	} catch {
		return null;
	}
	// Each request from its own address: the rate limiters would otherwise answer most of them 429.
	headers.set("CF-Connecting-IP", `198.51.100.${client++ % 250}`);
	let body: BodyInit | null = null;
	const bodyless = ["GET", "HEAD"].includes(plan.method.toUpperCase());
	if (!bodyless && plan.body.kind === "bytes") body = plan.body.bytes;
	if (!bodyless && plan.body.kind === "broken") {
		const start = utf8.encode(plan.body.start);
		body = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(start);
			},
			pull(controller) {
				controller.error(new Error("Network connection lost."));
			},
		});
	}
	try {
		return new Request(new URL(plan.path, BASE), {
			method: plan.method,
			headers,
			body,
			redirect: "manual",
			cf: { country: "US", regionCode: "CA" },
		} as RequestInit);
	} catch {
		return null;
	}
}

/** Sends to the worker and waits for its background work, so storage is settled when it answers. */
export async function send(testEnv: Env, request: Request): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(request as never, testEnv, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}
