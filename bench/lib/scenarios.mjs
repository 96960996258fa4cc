/**
 * What the bench measures. Each scenario is one kind of request, the baseline that does the same
 * storage work with nothing else, a target, and a probe that checks one answer before any load (so a
 * scenario that silently measures the wrong path fails loudly instead). Scenarios are measured in
 * groups: a baseline and the scenarios judged against it, interleaved round by round.
 */

import { peerExternalId, peerSubjectId } from "../peer/subjects.mjs";
import { DATA } from "./config.mjs";
import { seededVid } from "./visitors.mjs";

const JSON_BODY = { "Content-Type": "application/json" };
const NAVIGATE = {
	Accept: "text/html,application/xhtml+xml",
	"Sec-Fetch-Mode": "navigate",
	"Sec-Fetch-Dest": "document",
	"Sec-Fetch-Site": "cross-site",
};
const BEACON = { "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty" };

/**
 * In this order, the guard's page group runs right after the group whose guard scenarios (redirect,
 * beacon) keep the guard's isolate busy. V8 sizes an isolate's heap by its recent allocation rate: an
 * isolate idle for a while is shrunk (young generation 32 MiB to 2 MiB, old-generation limit 45 MB to
 * 13 MB, seen with `cpu-cost.mjs --gc`'s trace) and takes 15-20 s of load to grow back, collecting fully
 * several times as often meanwhile. Run last, after about 95 s of storage groups that do not use the
 * guard, the page group's first two rounds measured that regrowth (bench/HISTORY.md, session 16).
 */
export const GROUPS = [
	{
		baseline: "noop",
		scenarios: [
			"cookie-decision",
			"gpc-decision",
			"guard-strip-redirect",
			"beacon-block",
			"response-floor",
			"inputs-floor",
			"gpc-answer-floor",
			"redirect-answer-floor",
			"beacon-answer-floor",
		],
	},
	{
		baseline: "passthrough-html",
		scenarios: ["guard-html-rewrite", "guard-html-allowed", "guard-html-rendered", "html-rewriter-floor"],
	},
	{ baseline: "bare-kv", scenarios: ["kv-decision"] },
	{
		baseline: "bare-d1",
		scenarios: ["d1-decision", "d1-lookup-floor", "peer-c15t-d1-decision", "peer-c15t-d1-check"],
	},
	{ baseline: "bare-d1-write", scenarios: ["write-opt-out", "write-floor"] },
	// The peer has no baseline of its own: it is measured interleaved with our cookie-decision.
	{ baseline: "cookie-decision", scenarios: ["peer-c15t-decision", "peer-c15t-check"], peer: true },
];

/**
 * References kept out of the full run (it keeps to its five minutes), each with the baseline of the
 * group it is measured in when named in `BENCH_ONLY` (bench/run.mjs).
 */
export const ON_DEMAND = {
	"d1-session-floor": "bare-d1",
	"write-d1-kv-floor": "bare-d1-write",
	"write-limit-floor": "bare-d1-write",
};

/**
 * The peer's scenarios and the setup each needs: "node" (c15t on Node and SQLite, its own process)
 * or "workerd" (c15t as a worker in the bench's Miniflare, with its own local D1).
 */
export const PEER_SETUPS = {
	"peer-c15t-decision": "node",
	"peer-c15t-check": "node",
	"peer-c15t-d1-decision": "workerd",
	"peer-c15t-d1-check": "workerd",
};

/** Pools of seeded visitors: [0, kvWarm) are in KV; the cold pool is in D1 only. */
export function visitorPools() {
	const cold = [];
	for (let i = DATA.kvWarm; i < DATA.subjects - DATA.cookieVisitors - 1; i++) cold.push(i);
	const cookie = [];
	for (let i = DATA.subjects - DATA.cookieVisitors - 1; i < DATA.subjects - 1; i++) cookie.push(i);
	return { warm: [...Array(DATA.kvWarm).keys()], cold, cookie, probe: DATA.subjects - 1 };
}

const is = (cond, message) => (cond ? null : message);

/** A peer request walking all seeded subjects in order, `id(i)` naming subject i in `format`. */
const peerSpec = (format, id) => ({
	method: "GET",
	path: "/",
	vary: { path: true, format, items: [...Array(DATA.subjects).keys()].map(id) },
});

/**
 * @param {{ urls: Record<string, string>, peerUrl: string | null, subjectIds: string[],
 *   decisionCookies: string[], optedOutCookie: string }} ctx
 */
export function defineScenarios(ctx) {
	const pools = visitorPools();
	const vids = (indices) => indices.map(seededVid);
	const subjects = (indices) => indices.map((i) => ctx.subjectIds[i]);
	/** `d1-lookup-floor`'s worker on the cold visitors' subjects, at `format` (`%s`: the subject). */
	const d1LookupFloor = (format) => ({
		worker: "d1-lookup-floor",
		reference: true,
		spec: { method: "GET", path: "/", vary: { path: true, format, items: subjects(pools.cold) } },
		check: (res, body) => is(res.status === 200 && body.includes('"subject"'), "no D1 row"),
	});
	/** `write-floor`'s worker at `path` (its parts: bench/baselines/write-floor.js). */
	const writeFloor = (path) => ({
		worker: "write-floor",
		reference: true,
		spec: { method: "POST", path, headers: JSON_BODY, body: "{}" },
		check: (res) => is(res.status === 200, "not 200"),
	});
	const hasBookmark = (res) => res.headers.has("X-D1-Bookmark");
	const guardSkipped = (res, body) =>
		res.status === 404 &&
		(res.headers.get("Content-Type") ?? "").includes("json") &&
		body.includes("not_found");
	const guardedArticle = (res, body) =>
		is(
			res.status === 200 &&
				body.includes("Cycle lanes to open before summer") &&
				body.includes('data-consent="ads"') &&
				!/\ssrc="https:\/\/(www\.googletagmanager\.com\/gtag|connect\.facebook\.net|analytics\.tiktok\.com)/.test(
					body,
				) &&
				!/<a [^>]*href="[^"]*utm_source/.test(body),
			`expected the page without its trackers, got ${res.status}, ${body.length} bytes`,
		);
	// The guarded page under a query of its own for every request (`?<param>=<token><counter>`, which
	// bench/origin/server.mjs answers with a view or rendering of the page never sent before).
	const freshPage = (param, token, shows, problem) => ({
		worker: "consent-edge-guard",
		reference: true,
		guard: true,
		spec: {
			method: "GET",
			path: "/article.html",
			headers: { ...NAVIGATE, Cookie: ctx.optedOutCookie },
			vary: { path: true, format: `/article.html?${param}=%s`, unique: token },
		},
		check: (res, body) => guardedArticle(res, body) ?? is(shows.test(body), problem),
	});
	// A visitor's lookup with a valid ce_consent cookie, one of 50 visitors per request.
	const cookieLookup = {
		method: "GET",
		path: "/v1/consent",
		vary: { header: "Cookie", format: "%s", items: ctx.decisionCookies },
	};
	const gpcCheck = { method: "GET", path: "/v1/check?purpose=ads", headers: { "Sec-GPC": "1" } };
	const strippingNavigation = {
		method: "GET",
		path: "/landing/spring-sale?utm_source=newsletter&utm_medium=email&utm_campaign=spring&id=42&gclid=EAIaIQobChMIbench",
		headers: { ...NAVIGATE, "Sec-GPC": "1" },
	};
	const guardedBeacon = {
		method: "GET",
		path: "/g/collect?v=2&tid=G-8XK2P4QZ1M&gtm=45je5b&_p=1732900000000&cid=1234567890.1732900000&ul=en-us&sr=1920x1080&en=page_view&dl=https%3A%2F%2Fnews.example%2Farticle",
		headers: { ...BEACON, Cookie: ctx.optedOutCookie },
	};
	// A reference answering with the bytes of another scenario's probed answer (stage.mjs probe()),
	// sent the same request: what that request and answer cost the runtime with nothing computed.
	const replayOf = (replays, spec) => ({
		worker: "answer-floor",
		reference: true,
		replays,
		spec,
		check: (res, body) => is(res.status !== 503, `no answer of ${replays} stored: ${body}`),
	});

	/** @type {Record<string, any>} */
	const all = {
		noop: {
			worker: "noop",
			spec: { method: "GET", path: "/" },
			check: (res) => is(res.status === 200, "not 200"),
		},
		"bare-kv": {
			worker: "bare-kv",
			spec: {
				method: "GET",
				path: "/",
				vary: { path: true, format: "/?k=state:%s", items: subjects(pools.warm) },
			},
			check: (res, body) => is(res.status === 200 && body.includes('"version"'), "no KV document"),
		},
		"bare-d1": {
			worker: "bare-d1",
			spec: { method: "GET", path: "/", vary: { path: true, format: "/?s=%s", items: subjects(pools.cold) } },
			check: (res, body) => is(res.status === 200 && body.includes('"subject"'), "no D1 row"),
		},
		"bare-d1-write": {
			worker: "bare-d1-write",
			spec: { method: "POST", path: "/", headers: JSON_BODY, body: "{}" },
			check: (res) => is(res.status === 200, "not 200"),
		},
		"passthrough-html": {
			worker: "passthrough-html",
			spec: { method: "GET", path: "/article.html", headers: { ...NAVIGATE, Cookie: ctx.optedOutCookie } },
			check: (res, body) => is(res.status === 200 && body.length > 100_000, "page not proxied whole"),
		},

		"html-rewriter-floor": {
			worker: "html-rewriter-floor",
			reference: true,
			spec: { method: "GET", path: "/article.html", headers: { ...NAVIGATE, Cookie: ctx.optedOutCookie } },
			check: (res, body) => is(res.status === 200 && body.length > 100_000, "page not proxied whole"),
		},

		"response-floor": replayOf("cookie-decision", cookieLookup),
		// In the noop group since session 50: what reading the contract's inputs costs any implementation.
		"inputs-floor": { ...replayOf("cookie-decision", cookieLookup), worker: "inputs-floor" },
		"gpc-answer-floor": replayOf("gpc-decision", gpcCheck),
		"redirect-answer-floor": replayOf("guard-strip-redirect", strippingNavigation),
		"beacon-answer-floor": replayOf("beacon-block", guardedBeacon),
		"d1-lookup-floor": d1LookupFloor("/?s=%s"),
		"write-floor": writeFloor("/"),
		// Not in a group: a part of d1-lookup-floor (the D1 read in a session, no KV get) and the write
		// floor's parts, measured on demand in their groups (ON_DEMAND below).
		"d1-session-floor": d1LookupFloor("/session?s=%s"),
		"write-d1-kv-floor": writeFloor("/d1-kv"),
		"write-limit-floor": writeFloor("/limit-d1"),
		"cookie-decision": {
			worker: "consent-edge",
			target: { ratio: 0.85 },
			spec: cookieLookup,
			// Cookie visitors are not in KV: had the cookie not decided, D1 would have been read.
			check: (res) => is(res.status === 200 && !hasBookmark(res), "not decided from the cookie alone"),
		},
		// Not in a group: a same-site page's check with its visitor's cookie (ad tags call uncredentialed),
		// measured on demand by name with instructions.mjs, compare.mjs or profile.mjs.
		"cookie-check": {
			worker: "consent-edge",
			spec: { ...cookieLookup, path: "/v1/check?purpose=analytics" },
			check: (res) => is(res.status === 200 && !hasBookmark(res), "not decided from the cookie alone"),
		},
		"gpc-decision": {
			worker: "consent-edge",
			target: { ratio: 0.85 },
			spec: gpcCheck,
			check: (res, body) => is(res.status === 200 && body.includes('"reason":"gpc"'), "not decided by GPC"),
		},
		"kv-decision": {
			worker: "consent-edge",
			target: { ratio: 0.85 },
			spec: {
				method: "GET",
				path: "/v1/consent",
				vary: { header: "Cookie", format: "ce_vid=%s", items: vids(pools.warm) },
			},
			check: (res) => is(res.status === 200 && !hasBookmark(res), "read D1 although KV was warm"),
		},
		"d1-decision": {
			worker: "consent-edge",
			target: { ratio: 0.8 },
			// Each request is a visitor not yet read in this run, so KV is cold for it (see coldPool).
			coldPool: true,
			spec: {
				method: "GET",
				path: "/v1/consent",
				vary: { header: "Cookie", format: "ce_vid=%s", items: vids(pools.cold) },
			},
			probe: { Cookie: `ce_vid=${seededVid(pools.probe)}` },
			check: (res) => is(res.status === 200 && hasBookmark(res), "did not read D1"),
		},
		"write-opt-out": {
			worker: "consent-edge",
			target: { ratio: 0.6, noErrors: true },
			spec: {
				method: "POST",
				path: "/v1/opt-out",
				headers: JSON_BODY,
				body: "{}",
				// A new visitor per request: benchoptout + 12 digits (23 characters, a valid ce_vid).
				vary: { header: "Cookie", format: "ce_vid=%s", unique: "benchoptout" },
			},
			probe: { Cookie: "ce_vid=benchoptoutprobe00000" },
			check: (res, body) => is(res.status === 200 && body.includes('"ads":false'), "opt-out not written"),
		},
		"guard-strip-redirect": {
			worker: "consent-edge-guard",
			target: { ratio: 0.85 },
			guard: true,
			spec: strippingNavigation,
			check: (res) => {
				const location = res.headers.get("Location") ?? "";
				return is(
					[302, 307].includes(res.status) && location.includes("id=42") && !location.includes("gclid"),
					`expected a stripping redirect, got ${res.status} ${location}`,
				);
			},
		},
		"beacon-block": {
			worker: "consent-edge-guard",
			target: { ratio: 0.85 },
			guard: true,
			spec: guardedBeacon,
			check: (res, body) => is(res.status === 204 && body === "", `expected 204, got ${res.status}`),
		},
		"guard-html-rewrite": {
			worker: "consent-edge-guard",
			target: { ratio: 0.7 },
			guard: true,
			spec: { method: "GET", path: "/article.html", headers: { ...NAVIGATE, Cookie: ctx.optedOutCookie } },
			check: guardedArticle,
		},
		// The same page, but every request a view never served before (origin/page.mjs articleView):
		// nothing the guard remembered from earlier views applies. Not in a group (the full run keeps
		// to its five minutes with guard-html-rendered, the common case): measured on demand by name
		// with compare.mjs, instructions.mjs or profile.mjs.
		"guard-html-first-view": freshPage("view", "v", /view=v[0-9a-z]+/, "not a fresh view"),
		// The same page sent chunked, with no Content-Length (origin/server.mjs): rewritten as it streams
		// rather than read whole first. Not in a group either: measured on demand by name.
		"guard-html-streamed": {
			worker: "consent-edge-guard",
			reference: true,
			guard: true,
			spec: {
				method: "GET",
				path: "/article-streamed.html",
				headers: { ...NAVIGATE, Cookie: ctx.optedOutCookie },
			},
			check: (res, body) =>
				guardedArticle(res, body) ?? is(!res.headers.has("Content-Length"), "not sent as a stream"),
		},

		// The guard's commonest request: a visitor who denied nothing (no cookie, no GPC, an opt-out
		// jurisdiction), whose page goes through untouched.
		"guard-html-allowed": {
			worker: "consent-edge-guard",
			reference: true,
			guard: true,
			spec: { method: "GET", path: "/article.html", headers: { ...NAVIGATE } },
			check: (res, body) =>
				is(
					res.status === 200 &&
						!res.headers.has("X-Consent-Guard") &&
						body.includes("googletagmanager.com/gtag/js"),
					`expected the page untouched, got ${res.status}, ${body.length} bytes`,
				),
		},

		"guard-html-rendered": freshPage(
			"render",
			"r",
			/Rendered for request r[0-9a-z]+\./,
			"not a fresh rendering",
		),

		"peer-c15t-decision": {
			worker: "peer",
			spec: peerSpec("/subjects/%s?type=cookie_banner", peerSubjectId),
			check: (res, body) => is(res.status === 200 && body.includes('"consents"'), "no subject"),
		},
		"peer-c15t-check": {
			worker: "peer",
			spec: peerSpec("/consents/check?externalId=%s&type=cookie_banner", peerExternalId),
			check: (res, body) => is(res.status === 200 && body.includes('"hasConsent":true'), "no consent"),
		},
		"peer-c15t-d1-decision": {
			worker: "peer-c15t-d1",
			spec: peerSpec("/subjects/%s?type=cookie_banner", peerSubjectId),
			check: (res, body) => is(res.status === 200 && body.includes('"consents"'), "no subject"),
		},
		"peer-c15t-d1-check": {
			worker: "peer-c15t-d1",
			spec: peerSpec("/consents/check?externalId=%s&type=cookie_banner", peerExternalId),
			check: (res, body) => is(res.status === 200 && body.includes('"hasConsent":true'), "no consent"),
		},
	};
	for (const [name, s] of Object.entries(all)) {
		s.name = name;
		s.peer = PEER_SETUPS[name];
		s.guardSkipped = s.guard ? guardSkipped : () => false;
	}
	return all;
}

export const DESCRIPTIONS = {
	noop: "fixed small JSON answer",
	"bare-kv": "one KV get of a consent document",
	"bare-d1": "one D1 primary-key read",
	"bare-d1-write": "one D1 batch of two inserts",
	"passthrough-html": "proxies the 100 KB page unmodified",
	"html-rewriter-floor": "reference: same, through HTMLRewriter no-op handlers on the guard's selectors",
	"response-floor": "reference: replays cookie-decision's answer (same bytes), nothing computed",
	"inputs-floor":
		"reference: the same, after reading the request headers cookie-decision's answer depends on",
	"gpc-answer-floor": "reference: the same for gpc-decision's answer",
	"redirect-answer-floor": "reference: the same for guard-strip-redirect's answer",
	"beacon-answer-floor": "reference: the same for beacon-block's answer",
	"d1-lookup-floor": "reference: a cold visitor lookup's storage calls alone (KV miss, D1 read in a session)",
	"write-floor": "reference: an opt-out's binding calls alone (rate limiter, D1 batch, KV put)",
	"d1-session-floor": "reference: d1-lookup-floor without the KV get (the D1 read in a session alone)",
	"write-d1-kv-floor": "reference: write-floor without the rate limiter (D1 batch, KV put)",
	"write-limit-floor": "reference: write-floor without the KV put (rate limiter, D1 batch)",
	"cookie-decision": "GET /v1/consent decided from a valid ce_consent cookie",
	"gpc-decision": "GET /v1/check?purpose=ads with Sec-GPC: 1, no cookie",
	"kv-decision": "GET /v1/consent, known visitor, KV warm, no decision cookie",
	"d1-decision": "same, KV cold: read from D1 (10,000 subjects)",
	"write-opt-out": "POST /v1/opt-out, a new visitor each time (D1 batch + KV)",
	"guard-strip-redirect": "guarded navigation with tracking parameters: redirect",
	"beacon-block": "guarded GA4 /g/collect beacon: 204",
	"guard-html-rewrite": "guarded 100 KB HTML page with trackers",
	"guard-html-allowed": "reference: the same page for a visitor who denied nothing, passed through untouched",
	"guard-html-rendered":
		"reference: the same page rendered afresh for each request (a request id and dateline differ)",
	"guard-html-first-view": "reference: the same, each request a view of it never served before",
	"guard-html-streamed": "reference: the same page sent chunked (no Content-Length), rewritten as it streams",
	"peer-c15t-decision": "c15t GET /subjects/:id (Node 22, SQLite)",
	"peer-c15t-check": "c15t GET /consents/check (Node 22, SQLite)",
	"peer-c15t-d1-decision": "c15t GET /subjects/:id (workerd, local D1, in our Miniflare)",
	"peer-c15t-d1-check": "c15t GET /consents/check (workerd, local D1, in our Miniflare)",
};
