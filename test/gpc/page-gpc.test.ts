/**
 * GPC seen only by the page (`navigator.globalPrivacyControl`, no `Sec-GPC`): the SDK passes it as
 * `?gpc=1` on its own calls, and a visitor request carrying it is treated as one carrying the header
 * (decision, `ce_consent`, the persisted opt-out and its record). It only ever adds the signal, only
 * for the visitor's own cookie, and only from an origin allowed to write with that cookie.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fromBase64Url } from "../../workers/crypto/encoding";
import { BASE, callWithEnv, countRecords, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
type Doc = {
	subject: string;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	gpc: boolean;
	gpp: string;
	consentMode: Record<string, string>;
	version: number;
};
type Record_ = { source: string; purposes: Record<string, boolean>; gpc: boolean; jurisdiction: string };

const browser = () => new Visitor(CA, { waitForBackground: true });

const WRITE_REFUSED = "Writes with a visitor cookie are only accepted from allowed origins.";
const PAGE_GPC_REFUSED = "A page's GPC signal (?gpc=1) is only accepted from allowed origins.";

async function records(subject: string): Promise<Record_[]> {
	const res = await callWithEnv(env, `/v1/subjects/${subject}/records`, keyed());
	return (await res.json<{ records: Record_[] }>()).records;
}

/** The JSON payload of a `ce_consent` value, without the fields that name the visitor or the time. */
function cookiePayload(value: string | undefined): Record<string, unknown> {
	const body = fromBase64Url(value?.slice(0, value.lastIndexOf(".")) ?? "");
	const {
		s: _s,
		i: _i,
		vs: _vs,
		u: _u,
		// When ce_vid was set, in seconds: two visitors made moments apart may straddle one.
		r: _r,
		...rest
	} = JSON.parse(new TextDecoder().decode(body ?? new Uint8Array()));
	return rest;
}

function withoutSubject(doc: Doc) {
	const { subject: _subject, ...rest } = doc;
	return rest;
}

/** A known visitor (one lookup without any signal), then one lookup with the signal `how`. */
async function signalled(how: "header" | "page") {
	const b = browser();
	const first = await (await b.fetch("/v1/consent")).json<Doc>();
	expect(first.purposes.ads).toBe(true);
	const res =
		how === "header"
			? await b.fetch("/v1/consent", { headers: { "Sec-GPC": "1" } })
			: await b.fetch("/v1/consent?gpc=1");
	expect(res.status).toBe(200);
	const doc = await res.json<Doc>();
	return { b, doc, honored: res.headers.get("X-GPC-Honored"), subject: first.subject };
}

describe("GPC from the page (?gpc=1)", () => {
	it("is what Sec-GPC: 1 is: the same decision, cookie, record, and the opt-out outlives it", async () => {
		const page = await signalled("page");
		const header = await signalled("header");
		expect(page.doc.gpc).toBe(true);
		expect(page.doc.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		expect(page.doc.gpp).toMatch(/\.YA$/);
		expect(page.honored).toBe("1");
		expect(withoutSubject(page.doc)).toEqual(withoutSubject(header.doc));
		expect(cookiePayload(page.b.cookies.get("ce_consent"))).toEqual(
			cookiePayload(header.b.cookies.get("ce_consent")),
		);
		expect(cookiePayload(page.b.cookies.get("ce_consent"))).toMatchObject({ gp: 1 });

		const [pageRecord, ...olderPage] = await records(page.subject);
		const [headerRecord] = await records(header.subject);
		expect(olderPage).toEqual([]);
		expect(pageRecord).toMatchObject({ source: "gpc", gpc: true, purposes: { ads: false, sale: false } });
		expect({ ...pageRecord, recordId: 0, subject: 0, timestamp: 0 }).toEqual({
			...headerRecord,
			recordId: 0,
			subject: 0,
			timestamp: 0,
		});

		// Repeated, it writes nothing more; without it (and without the cookie's help), still opted out.
		await page.b.fetch("/v1/consent?gpc=1");
		expect(await countRecords(page.subject)).toBe(1);
		page.b.cookies.delete("ce_consent");
		const later = await (await page.b.fetch("/v1/consent")).json<Doc>();
		expect(later.gpc).toBe(false);
		expect(later.purposes).toMatchObject({ ads: false, sale: false, analytics: true });
		expect(later.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
		// A server-side lookup of that visitor, which never saw the page, finds the opt-out too.
		const server = await callWithEnv(env, `/v1/consent?subject=${page.subject}`, keyed({ cf: CA }));
		expect((await server.json<Doc>()).purposes).toMatchObject({ ads: false, sale: false });
	});

	it("only ever opts out: another value is no signal, and removes nothing", async () => {
		const b = browser();
		const { subject } = await (await b.put({ ads: true, sale: true })).json<Doc>();
		for (const value of ["0", "true", "", "01", "yes"]) {
			const doc = await (await b.fetch(`/v1/consent?gpc=${value}`)).json<Doc>();
			expect(doc.gpc, value).toBe(false);
			expect(doc.purposes, value).toMatchObject({ ads: true, sale: true });
		}
		expect(await countRecords(subject)).toBe(1);
		await b.fetch("/v1/consent?gpc=1");
		expect(await countRecords(subject)).toBe(2);
		// The signal gone (gpc=0 included), the recorded opt-out stands.
		for (const path of ["/v1/consent?gpc=0", "/v1/consent"]) {
			b.cookies.delete("ce_consent");
			const doc = await (await b.fetch(path)).json<Doc>();
			expect(doc.purposes, path).toMatchObject({ ads: false, sale: false });
		}
		expect(await countRecords(subject)).toBe(2);
	});

	it("a cross-site request cannot use it: 403, nothing recorded, the visitor unchanged", async () => {
		const b = browser();
		const { subject } = await (await b.fetch("/v1/consent")).json<Doc>();
		const crossSite: Record<string, string>[] = [
			{ "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate" },
			{ "Sec-Fetch-Site": "same-site" },
			{ Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
			{ Origin: "null" },
		];
		for (const headers of crossSite) {
			const res = await b.fetch("/v1/consent?gpc=1", { headers });
			expect(res.status, JSON.stringify(headers)).toBe(403);
			const { error } = await res.json<{ error: { code: string; message: string } }>();
			expect(error.code).toBe("forbidden_origin");
			// A lookup, not a write: the message names what was refused.
			expect(error.message).toBe(PAGE_GPC_REFUSED);
		}
		const put = await b.fetch("/v1/consent?gpc=1", {
			method: "PUT",
			...json({ purposes: { ads: false } }, { headers: crossSite[2] }),
		});
		expect(put.status).toBe(403);
		expect((await put.json<{ error: { message: string } }>()).error.message).toBe(WRITE_REFUSED);
		expect(await countRecords(subject)).toBe(0);
		b.cookies.delete("ce_consent");
		const doc = await (await b.fetch("/v1/consent")).json<Doc>();
		expect(doc.purposes).toMatchObject({ ads: true, sale: true });
		// The worker's own page (same-origin) may.
		const sameOrigin: Record<string, string>[] = [{ "Sec-Fetch-Site": "same-origin" }, { Origin: BASE }];
		for (const headers of sameOrigin) {
			const res = await b.fetch("/v1/consent?gpc=1", { headers });
			expect(res.status, JSON.stringify(headers)).toBe(200);
		}
		expect(await countRecords(subject)).toBe(1);
	});

	it("is never read for a keyed call, nor by /v1/check (which never writes)", async () => {
		const subject = "user:page-gpc";
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: true } }) }),
		);
		const res = await callWithEnv(env, `/v1/consent?subject=${subject}&gpc=1`, keyed({ cf: CA }));
		const doc = await res.json<Doc>();
		expect(doc.gpc).toBe(false);
		expect(doc.purposes).toMatchObject({ ads: true, sale: true });
		expect(res.headers.get("X-GPC-Honored")).toBe("0");
		const put = await callWithEnv(
			env,
			"/v1/consent?gpc=1",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { analytics: true } }) }),
		);
		expect((await put.json<Doc>()).purposes).toMatchObject({ ads: true, sale: true });
		expect((await records(subject)).map((r) => [r.source, r.gpc])).toEqual([
			["api", false],
			["api", false],
		]);

		const b = browser();
		const { subject: visitor } = await (await b.fetch("/v1/consent")).json<Doc>();
		const check = await b.fetch("/v1/check?purpose=ads&gpc=1");
		expect(await check.json()).toEqual({ purpose: "ads", allowed: true, reason: "default" });
		expect(await countRecords(visitor)).toBe(0);
	});

	it("on the SDK's writes, as the header: recorded, except what the same write chose", async () => {
		const results = [];
		for (const signal of [
			{ path: "/v1/consent?gpc=1" },
			{ path: "/v1/consent", headers: { "Sec-GPC": "1" } },
		]) {
			const b = browser();
			await (await b.fetch("/v1/consent")).arrayBuffer();
			const res = await b.fetch(signal.path, {
				method: "PUT",
				...json({ purposes: { ads: true, analytics: false } }, { headers: signal.headers }),
			});
			expect(res.status).toBe(200);
			const doc = await res.json<Doc>();
			const list = await records(doc.subject);
			results.push({
				doc: withoutSubject(doc),
				records: list.map((r) => ({ source: r.source, gpc: r.gpc, purposes: r.purposes })),
			});
		}
		const [page, header] = results;
		expect(page?.doc.purposes).toMatchObject({ ads: false, sale: false, analytics: false });
		expect(page?.records.map((r) => r.source)).toEqual(["gpc", "ui"]);
		expect(page?.records[1]?.gpc).toBe(true);
		expect(page).toEqual(header);

		const optOut = browser();
		await (await optOut.fetch("/v1/consent")).arrayBuffer();
		const res = await optOut.fetch("/v1/opt-out?gpc=1", { method: "POST", ...json({}) });
		const doc = await res.json<Doc>();
		expect(doc.gpc).toBe(true);
		expect((await records(doc.subject))[0]).toMatchObject({ source: "ui", gpc: true });
	});
});
