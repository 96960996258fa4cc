/**
 * Every route, sent what a hostile or broken client sends (fast-check, seeded): odd methods, headers,
 * content types, bodies, paths, queries, cookies and keys, in API mode and in guard mode. Whatever
 * comes in: no 5xx, no internal text, the contract's error shapes, nothing written on a rejection, and
 * no cookie that weakens a choice (route-fuzz-checks.ts says each invariant).
 */
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { isOwnedPath } from "../../workers/http/owned-paths";
import { chunkedStream, fakeOrigin, ORIGIN } from "../guard/guard-fixtures";
import { TRACKER_PAGE } from "../guard/guard-page";
import { ADMIN_KEY, BASE } from "../helpers";
import { checkAnswer, checkSiteAnswer, INTERNAL_TEXT_PATTERN, storageSnapshot } from "./route-fuzz-checks";
import {
	body,
	type FuzzCookies,
	fuzzCookies,
	fuzzEnv,
	fuzzTokens,
	headers,
	method,
	mutatedPlan,
	path,
	type RequestPlan,
	send,
	siteAnswer,
	sitePlan,
	toRequest,
} from "./route-fuzz-requests";

const SEED = 20261201;

let cookies: FuzzCookies;
let tokens: string[];

beforeAll(async () => {
	cookies = await fuzzCookies();
	tokens = await fuzzTokens();
});

afterEach(() => {
	vi.restoreAllMocks();
});

/** Mostly valid requests broken in a few places, some wholly random ones. */
function plans(): fc.Arbitrary<RequestPlan> {
	return fc.oneof(
		{ weight: 4, arbitrary: mutatedPlan(tokens, cookies) },
		{ weight: 1, arbitrary: randomPlans() },
	);
}

/** A random plan, with `?t=` made a real token (or left as fuzzed) where the path asks for one. */
function randomPlans(): fc.Arbitrary<RequestPlan> {
	return fc
		.record({
			method,
			path,
			headers: headers(cookies),
			body,
			token: fc.option(fc.constantFrom(...tokens), { freq: 3, nil: undefined }),
		})
		.map(({ token, ...plan }) => ({
			...plan,
			path: token && plan.path.startsWith("/unsubscribe") ? withToken(plan.path, token) : plan.path,
		}));
}

function withToken(path: string, token: string): string {
	return path.includes("?") ? path.replace("?", `?t=${token}&`) : `${path}?t=${token}`;
}

async function runPlan(testEnv: Env, plan: RequestPlan): Promise<void> {
	const request = toRequest(plan);
	if (!request) return;
	const before = await storageSnapshot(testEnv);
	const res = await send(testEnv, request);
	const after = await storageSnapshot(testEnv);
	if (isOwnedPath(new URL(request.url).pathname))
		await checkAnswer(testEnv, request, res, before, after, plan);
	else await checkSiteAnswer(request, res, plan);
}

describe("every route under hostile input", () => {
	it("API mode: no 5xx, contract errors, nothing written on a rejection, no weakening cookie", async () => {
		const testEnv = fuzzEnv();
		await fc.assert(
			fc.asyncProperty(plans(), (plan) => runPlan(testEnv, plan)),
			{ seed: SEED, numRuns: 300 },
		);
		// 300 requests with their storage checks: ~24 s on a loaded 2-core machine, past the 30 s
		// default once other test files share it.
	}, 120_000);

	it("guard mode: the site's paths and the worker's own keep them too", async () => {
		fakeOrigin(siteAnswer);
		const testEnv = fuzzEnv({ ORIGIN });
		const guarded = fc.oneof({ weight: 2, arbitrary: sitePlan(cookies) }, { weight: 1, arbitrary: plans() });
		await fc.assert(
			fc.asyncProperty(guarded, (plan) => runPlan(testEnv, plan)),
			{ seed: SEED + 1, numRuns: 150 },
		);
	});
});

describe("a server that forgot its key", () => {
	it("a JSON write naming a subject is refused, whatever cookies and headers come with it", async () => {
		const testEnv = fuzzEnv();
		const subject = fc.oneof(fc.constantFrom("user:1", "user:2", "user:fuzz-erased", "", "..."), fc.string());
		const purposes = fc.dictionary(fc.constantFrom("analytics", "ads", "sale", "email"), fc.boolean(), {
			maxKeys: 3,
		});
		const write = fc.oneof(
			fc.record({ subject, purposes }).map((b) => ["PUT", "/v1/consent", b] as const),
			fc.record({ subject }).map((b) => ["POST", "/v1/opt-out", b] as const),
		);
		await fc.assert(
			fc.asyncProperty(
				write,
				headers(cookies),
				fc.constantFrom("", "/"),
				fc.constantFrom(
					"application/json",
					"application/json; charset=utf-8",
					"application/merge-patch+json",
				),
				async ([m, p, b], hostile, slash, type) => {
					const plan: RequestPlan = {
						method: m,
						path: p + slash,
						headers: [
							...hostile.filter(([n]) => !["Authorization", "Content-Type", "Content-Length"].includes(n)),
							["Content-Type", type],
						],
						body: { kind: "bytes", bytes: new TextEncoder().encode(JSON.stringify(b)) },
					};
					await runPlan(testEnv, plan);
				},
			),
			{ seed: SEED + 5, numRuns: 60 },
		);
	});
});

describe("the guard under hostile cookies and headers", () => {
	const OPTED_OUT = "GuardOptedOutVisitor000000";

	it("a visitor who opted out is guarded whatever else their request carries", async () => {
		const origin = fakeOrigin(siteAnswer);
		const testEnv = fuzzEnv({ ORIGIN });
		const optOut = await send(
			testEnv,
			new Request(`${BASE}/v1/consent`, {
				method: "PUT",
				headers: { Cookie: `ce_vid=${OPTED_OUT}`, Origin: BASE, "Content-Type": "application/json" },
				body: JSON.stringify({ purposes: { ads: false, analytics: false } }),
			}),
		);
		expect(optOut.status).toBe(200);
		// The pool holds other visitors' genuine cookies and this one's forged, expired or foreign ones.
		const extra = fc.array(fc.constantFrom(...cookies.pairs), { maxLength: 4 });
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom("GET", "POST", "HEAD", "PUT"),
				extra,
				headers(cookies),
				fc.constantFrom("/tr?id=1234567890&ev=PageView", "/shop/tr/?ev=Purchase&id=12345678901"),
				async (m, pairs, hostile, beacon) => {
					const request = toRequest({
						method: m,
						path: beacon,
						headers: [
							...hostile.filter(([n]) => n !== "Cookie"),
							["Cookie", [`ce_vid=${OPTED_OUT}`, ...pairs].join("; ")],
						],
						body: { kind: "none" },
					});
					if (!request) return;
					const calls = origin.calls.length;
					const res = await send(testEnv, request);
					expect(res.status, `${m} ${beacon} ${pairs.join("; ").slice(0, 300)}`).toBe(204);
					expect(origin.calls.length).toBe(calls);
				},
			),
			{ seed: SEED + 3, numRuns: 150 },
		);
	});
});

describe("the guard's page rewrite under hostile pages", () => {
	const FRAGMENTS = [
		...TRACKER_PAGE.split("\n"),
		'<meta charset="shift_jis">',
		'<meta http-equiv="Content-Type" content="text/html; charset=bogus">',
		'<base href="https://www.googletagmanager.com/">',
		"<script",
		"<script>",
		"</script>",
		"<!--",
		"-->",
		"<![CDATA[",
		"<style>body{background:url(https://www.facebook.com/tr?id=1)}",
		"</style>",
		"<noscript><img src=https://www.facebook.com/tr?id=1",
		'<iframe srcdoc="<script src=https://connect.facebook.net/en_US/fbevents.js></script>">',
		'<img src="x" srcset="https://www.facebook.com/tr?id=1 1x, , ,">',
		'<a href="?gclid=1&amp;x=%zz&amp;%=%">x</a>',
		'<svg><style>@import "https://www.google-analytics.com/a.css"</style></svg>',
		`<div data-x="${"&amp;".repeat(2000)}">`,
		"\u0000\ufffd\ud83d",
		'<script type="text/plain" data-consent="ads nope">fbq()</script>',
		'<link rel="preload" href="https://connect.facebook.net/x.js" as="script">',
	];

	it("a guarded visitor's page is answered in full, whatever the page holds", async () => {
		const testEnv = fuzzEnv({ ORIGIN });
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }),
				fc.constantFrom(
					"text/html",
					"text/html; charset=shift_jis",
					"text/html; charset=bogus",
					"application/xhtml+xml",
					"text/html; charset=utf-16",
				),
				fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }),
				async (parts, type, chunks) => {
					vi.restoreAllMocks();
					fakeOrigin(
						() =>
							new Response(chunkedStream(parts.join("\n"), chunks), { headers: { "Content-Type": type } }),
					);
					const request = new Request(`${BASE}/page?x=1`, {
						headers: { "Sec-Fetch-Mode": "navigate", Accept: "text/html", "X-Debug-Geo": "DE" },
					});
					const res = await send(testEnv, request);
					expect(res.status).toBe(200);
					const text = await res.text();
					expect(INTERNAL_TEXT_PATTERN.test(text)).toBe(false);
				},
			),
			{ seed: SEED + 4, numRuns: 120 },
		);
	});
});

/** One write a client may retry: where, as what, and the exact bytes. */
interface Write {
	readonly method: "PUT" | "POST";
	readonly path: string;
	readonly type: string | null;
	readonly body: string | null;
}

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

/** Writes for one caller: JSON and form bodies, some with the very same bytes (`{}`, nothing at all). */
function writes(keyed: boolean): fc.Arbitrary<Write> {
	const subject = keyed ? "user:idem-fuzz" : undefined;
	const purposes = fc.dictionary(fc.constantFrom("analytics", "ads", "sale", "email"), fc.boolean(), {
		maxKeys: 3,
	});
	return fc.oneof(
		purposes.map(
			(p): Write => ({
				method: "PUT",
				path: "/v1/consent",
				type: JSON_TYPE,
				body: JSON.stringify({ subject, purposes: p }),
			}),
		),
		fc.constantFrom<Write>(
			{
				method: "POST",
				path: "/v1/opt-out",
				type: JSON_TYPE,
				body: keyed ? '{"subject":"user:idem-fuzz"}' : "{}",
			},
			{ method: "POST", path: "/v1/opt-out", type: FORM, body: keyed ? "subject=user%3Aidem-fuzz" : "{}" },
			{ method: "POST", path: "/v1/opt-out", type: FORM, body: keyed ? "subject=user:idem-fuzz" : "ads=on" },
			{ method: "POST", path: "/v1/opt-out", type: null, body: null },
			{ method: "POST", path: "/v1/opt-out", type: FORM, body: null },
			{ method: "POST", path: "/v1/opt-out", type: JSON_TYPE, body: null },
		),
		...(keyed
			? []
			: [
					fc.constantFrom<Write>(
						{ method: "POST", path: "/preferences", type: FORM, body: "ads=on" },
						{ method: "POST", path: "/preferences", type: FORM, body: "{}" },
					),
				]),
	);
}

const sameWrite = (a: Write, b: Write) =>
	a.method === b.method && a.path === b.path && a.type === b.type && (a.body ?? "") === (b.body ?? "");

let idempotencyRun = 0;

describe("Idempotency-Key replays", () => {
	it("the same request replays its first answer; any other request with the key is 409 and writes nothing", async () => {
		const testEnv = fuzzEnv();
		await fc.assert(
			fc.asyncProperty(
				fc
					.boolean()
					.chain((keyed) =>
						fc.tuple(
							fc.constant(keyed),
							writes(keyed),
							fc.constantFrom("same", "retyped", "other"),
							writes(keyed),
						),
					),
				([keyed, first, how, other]) => {
					// The same bytes under another type are another request (JSON `{}` is not the form `{}`).
					const retyped = { ...first, type: first.type === FORM ? JSON_TYPE : FORM };
					const second = how === "same" ? first : how === "retyped" ? retyped : other;
					return replayPair(testEnv, keyed, first, second);
				},
			),
			{ seed: SEED + 2, numRuns: 120 },
		);
	});
});

async function replayPair(testEnv: Env, keyed: boolean, first: Write, second: Write): Promise<void> {
	const key = `idem-${idempotencyRun++}`;
	const vid = `IdemVisitor${String(idempotencyRun).padStart(16, "0")}`;
	const send1 = (write: Write) => {
		const headers = new Headers({
			"Idempotency-Key": key,
			"CF-Connecting-IP": `203.0.113.${idempotencyRun % 250}`,
		});
		if (write.type) headers.set("Content-Type", write.type);
		if (keyed) headers.set("Authorization", `Bearer ${ADMIN_KEY}`);
		else {
			headers.set("Cookie", `ce_vid=${vid}`);
			headers.set("Origin", BASE);
		}
		return send(
			testEnv,
			new Request(new URL(write.path, BASE), {
				method: write.method,
				headers,
				body: write.body,
				redirect: "manual",
			}),
		);
	};
	const a = await send1(first);
	const aBody = await a.text();
	if (a.status >= 400) return;
	const before = await storageSnapshot(testEnv);
	const b = await send1(second);
	const bBody = await b.text();
	const label = `${JSON.stringify(first)} then ${JSON.stringify(second)} (${keyed ? "keyed" : "visitor"}) -> ${a.status}, ${b.status}`;
	if (sameWrite(first, second)) {
		expect([b.status, bBody, b.headers.get("Location")], label).toEqual([
			a.status,
			aBody,
			a.headers.get("Location"),
		]);
		expect(b.headers.get("Idempotent-Replayed"), label).toBe("true");
	} else {
		expect(b.status, label).toBeGreaterThanOrEqual(400);
		expect(await storageSnapshot(testEnv), label).toBe(before);
	}
}

it("the fuzz sends what it means to (a sample of plans become requests)", () => {
	const sample = fc.sample(plans(), { seed: SEED, numRuns: 50 });
	const requests = sample.map(toRequest).filter((r) => r !== null);
	expect(requests.length).toBeGreaterThan(40);
});
