/**
 * A lookup carrying GPC (`Sec-GPC: 1`, or a page's `?gpc=1`) with a well-formed `ce_vid` records the
 * opt-out (a D1 write and a KV put). `ce_vid` is a random id, not signed, so anyone can make ids up:
 * the record counts against the client address's GPC records (GPC_RECORD_LIMITER), and once that is
 * used up the lookup still honours the signal, with no 429, and records nothing. Visitor writes have a
 * limit of their own (WRITE_LIMITER), which GPC records never use up.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { requestContext } from "../../workers/consent/request-context";
import { randomToken } from "../../workers/crypto/encoding";
import { guardDecision } from "../../workers/guard/guard-decision";
import { BASE, callWithEnv, countRecords, envWith, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const GPC = { "Sec-GPC": "1" };
type Doc = {
	subject: string;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	gpc: boolean;
};

/** A GPC_RECORD_LIMITER that records the keys it is asked about and answers `success`. */
function gpcRecordLimiter(success: () => boolean) {
	const keys: string[] = [];
	const binding = {
		limit: async ({ key }: { key: string }) => {
			keys.push(key);
			return { success: success() };
		},
	};
	return { keys, env: envWith({ GPC_RECORD_LIMITER: binding as unknown as RateLimit }) };
}

const madeUpVisitor = () => `ce_vid=${randomToken(24)}`;

async function lookup(testEnv: Env, path: string, cookie: string, ip: string) {
	return callWithEnv(testEnv, path, {
		cf: CA,
		headers: { ...GPC, Cookie: cookie, "CF-Connecting-IP": ip, Origin: BASE },
	});
}

describe("GPC records made by lookups", { timeout: 120_000 }, () => {
	it("count against the client address's GPC records, once per record", async () => {
		const limiter = gpcRecordLimiter(() => true);
		const browser = new Visitor(CA);
		browser.cookies.set("ce_vid", randomToken(24));
		const visit = async (headers: Record<string, string>) => {
			const res = await callWithEnv(limiter.env, "/v1/consent", {
				cf: CA,
				headers: { ...headers, Cookie: browser.cookieHeader(), "CF-Connecting-IP": "203.0.113.61" },
			});
			browser.remember(res);
			return res.json<Doc>();
		};
		const doc = await visit(GPC);
		expect(doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(await countRecords(doc.subject)).toBe(1);
		expect(limiter.keys).toEqual(["gpc:203.0.113.61"]);
		// Recorded: the next lookups write nothing and count nothing; nor does a lookup without the signal.
		await visit(GPC);
		await visit({});
		expect(await countRecords(doc.subject)).toBe(1);
		expect(limiter.keys).toEqual(["gpc:203.0.113.61"]);
	});

	it("past the limit, answer as the signal says, without a 429 and without writing; a later lookup records it", async () => {
		let admit = false;
		const limiter = gpcRecordLimiter(() => admit);
		const browser = new Visitor(CA, { waitForBackground: true });
		// A known visitor (an id issued by a first lookup without the signal), then the signal.
		const first = await (await browser.fetch("/v1/consent")).json<Doc>();
		for (const path of ["/v1/consent", "/v1/consent?gpc=1", "/preferences"]) {
			const headers = path.includes("gpc=1") ? { Origin: BASE } : GPC;
			const res = await callWithEnv(limiter.env, path, {
				cf: CA,
				headers: { ...headers, Cookie: browser.cookieHeader() },
			});
			expect(res.status, path).toBe(200);
			expect(res.headers.get("X-GPC-Honored"), path).toBe("1");
			if (path.startsWith("/v1/")) {
				const doc = await res.json<Doc>();
				expect(doc.purposes, path).toMatchObject({ ads: false, sale: false, analytics: true });
				expect(doc.reasons, path).toMatchObject({ ads: "gpc", sale: "gpc" });
			} else {
				expect(await res.text()).toContain("Opt-Out Preference Signal Honored");
			}
			browser.remember(res);
		}
		expect(limiter.keys.length).toBe(3);
		expect(await countRecords(first.subject)).toBe(0);
		// The cookie does not claim the record that was not made: the next lookup, admitted, makes it.
		admit = true;
		await callWithEnv(limiter.env, "/v1/consent", {
			cf: CA,
			headers: { ...GPC, Cookie: browser.cookieHeader() },
		});
		expect(await countRecords(first.subject)).toBe(1);
	});

	it("a guarded page's record counts too, and past the limit the page is still guarded by the signal", async () => {
		const limiter = gpcRecordLimiter(() => false);
		const vid = randomToken(24);
		const request = new Request("https://shop.example/landing", {
			headers: { ...GPC, Cookie: `ce_vid=${vid}`, "CF-Connecting-IP": "203.0.113.63" },
		});
		const ctx = createExecutionContext();
		const verdict = await guardDecision(requestContext(request, limiter.env, ctx), () => true);
		await waitOnExecutionContext(ctx);
		expect(verdict.guarded).toBe(true);
		expect(verdict.decision.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(limiter.keys).toEqual(["gpc:203.0.113.63"]);
		expect(await countRecords(await visitorSubject(vid))).toBe(0);
	});

	it("made-up visitor ids cannot make more records than the limit admits", async () => {
		// The deployed limiter (300 per 60 s per client): 700 lookups cross at least one limit, even
		// when the run straddles a window.
		const subjects: string[] = [];
		for (let i = 0; i < 700; i += 35) {
			const batch = await Promise.all(
				Array.from({ length: 35 }, () => lookup(env, "/v1/consent", madeUpVisitor(), "203.0.113.62")),
			);
			for (const res of batch) {
				expect(res.status).toBe(200);
				const doc = await res.json<Doc>();
				expect(doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
				subjects.push(doc.subject);
			}
		}
		let recorded = 0;
		for (const subject of subjects) recorded += await countRecords(subject);
		expect(recorded).toBeGreaterThanOrEqual(250);
		expect(recorded).toBeLessThanOrEqual(600);
	});

	it("at the boundary: the 301st in a window decides the opt-out unrecorded; in the next window its visitor's record is made", async () => {
		// As the deployed binding counts (300 per 60 s per key), with the window's end in the test's hands.
		const counts = new Map<string, number>();
		const windowed = envWith({
			GPC_RECORD_LIMITER: {
				limit: async ({ key }: { key: string }) => {
					const n = (counts.get(key) ?? 0) + 1;
					counts.set(key, n);
					return { success: n <= 300 };
				},
			} as unknown as RateLimit,
		});
		const ip = "203.0.113.65";
		const visit = (cookie: string) =>
			callWithEnv(windowed, "/v1/consent", {
				cf: CA,
				headers: { ...GPC, Cookie: cookie, "CF-Connecting-IP": ip },
			});
		for (let i = 0; i < 300; i += 50) {
			const batch = await Promise.all(Array.from({ length: 50 }, () => visit(madeUpVisitor())));
			for (const res of batch) {
				const doc = await res.json<Doc>();
				expect(await countRecords(doc.subject)).toBe(1);
			}
		}
		const browser = new Visitor(CA);
		browser.cookies.set("ce_vid", randomToken(24));
		const over = await visit(browser.cookieHeader());
		browser.remember(over);
		expect(over.status).toBe(200);
		expect(over.headers.get("X-GPC-Honored")).toBe("1");
		const overDoc = await over.json<Doc>();
		expect(overDoc.purposes).toMatchObject({ ads: false, sale: false });
		expect(overDoc.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(await countRecords(overDoc.subject)).toBe(0);
		expect(counts.get(`gpc:${ip}`)).toBe(301);
		// The window ends: the same browser's next lookup (with the cookie the 301st set) records it.
		counts.clear();
		const next = await visit(browser.cookieHeader());
		browser.remember(next);
		expect(next.status).toBe(200);
		expect((await next.json<Doc>()).reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(await countRecords(overDoc.subject)).toBe(1);
		expect(counts.get(`gpc:${ip}`)).toBe(1);
		// Later lookups of the recorded visitor (with the cookie that says so) count nothing more.
		await visit(browser.cookieHeader());
		expect(await countRecords(overDoc.subject)).toBe(1);
		expect(counts.get(`gpc:${ip}`)).toBe(1);
	});

	it("never use up the address's visitor writes", async () => {
		const writes: string[] = [];
		const testEnv = envWith({
			GPC_RECORD_LIMITER: { limit: async () => ({ success: false }) } as unknown as RateLimit,
			WRITE_LIMITER: {
				limit: async ({ key }: { key: string }) => {
					writes.push(key);
					return { success: true };
				},
			} as unknown as RateLimit,
		});
		const res = await lookup(testEnv, "/v1/consent", madeUpVisitor(), "203.0.113.64");
		expect(res.status).toBe(200);
		expect(writes).toEqual([]);
		const put = await callWithEnv(testEnv, "/v1/consent", {
			method: "PUT",
			cf: CA,
			headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.64", Origin: BASE },
			body: JSON.stringify({ purposes: { analytics: false } }),
		});
		expect(put.status).toBe(200);
		expect(writes).toEqual(["write:203.0.113.64"]);
	});
});
