/**
 * The visitor's own erasure from the preference centre: a confirmation page that changes nothing, then
 * a form POST that erases the subject `ce_vid` names as the keyed DELETE does (D1, KV, a tombstone),
 * expires the visitor's cookies and answers 303 to a page saying so. A cross-site form erases nothing
 * (the existing 403 page); the POST counts against the visitor write limit.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { BASE, brokenD1, brokenKV, call, callWithEnv, keyed, setCookieNamed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const JA = { "Accept-Language": "ja" };

async function subjectOf(visitor: Visitor): Promise<string> {
	const vid = visitor.cookies.get("ce_vid");
	if (!vid) throw new Error("visitor has no ce_vid");
	return visitorSubject(vid);
}

async function stored(subject: string) {
	const rows = await env.DB.prepare("SELECT count(*) AS n FROM consent_subjects WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	const records = await env.DB.prepare("SELECT count(*) AS n FROM consent_records WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	const exported = await (await call(`/v1/subjects/${subject}/export`, keyed())).json<{
		erasures: unknown[];
	}>();
	return {
		rows: rows?.n,
		records: records?.n,
		kv: await env.CONSENT_KV.get(`state:${subject}`),
		erasures: exported.erasures.length,
	};
}

/** A visitor with two stored choices and their KV entry filled by a lookup. */
async function visitorWithData(
	headers: Record<string, string> = {},
): Promise<{ v: Visitor; subject: string }> {
	const v = new Visitor(CA);
	await v.fetch("/preferences", { headers });
	await v.put({ ads: false, analytics: true });
	const subject = await subjectOf(v);
	// A lookup without the decision cookie reads storage and fills the cache.
	await call("/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${v.cookies.get("ce_vid")}` } });
	return { v, subject };
}

function erasePost(v: Visitor, headers: Record<string, string> = {}, path = "/preferences/erase") {
	return v.fetch(path, {
		method: "POST",
		headers: { ...FORM, Origin: BASE, ...headers },
		body: "form=erase",
	});
}

describe("GET /preferences/erase", () => {
	it("asks first, saying what goes and what remains, with a button that posts; it changes nothing", async () => {
		const { v, subject } = await visitorWithData();
		const res = await v.fetch("/preferences/erase");
		expect(res.status).toBe(200);
		expect(res.headers.get("Cache-Control")).toBe("private, no-store");
		const html = await res.text();
		expect(html).toContain("<h1>Delete your data?</h1>");
		expect(html).toContain("This deletes your saved choices and their whole history");
		expect(html).toContain("What remains: a note that data was deleted");
		expect(html).toContain('<form method="post" action="/preferences/erase?lang=en">');
		expect(html).toContain('<button type="submit" class="button">Delete my data</button>');
		expect(html).toContain('<a href="/preferences?lang=en">Cancel and go back</a>');
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });
	});

	it("speaks Japanese, and the preference centre links it in both languages", async () => {
		const html = await (await call("/preferences/erase", { cf: CA, headers: JA })).text();
		expect(html).toMatch(/<html lang="ja">/);
		expect(html).toContain("<h1>データを削除しますか？</h1>");
		expect(html).toContain("削除後も残るもの");
		expect(html).toContain('<button type="submit" class="button">データを削除する</button>');
		expect(html).toContain('action="/preferences/erase?lang=ja"');
		const prefs = await (await call("/preferences", { cf: CA, headers: JA })).text();
		expect(prefs).toContain('<a href="/preferences/erase?lang=ja">データを削除</a>');
		const en = await (await call("/preferences", { cf: CA })).text();
		expect(en).toContain('<a href="/preferences/erase?lang=en">Delete my data</a>');
	});
});

describe("POST /preferences/erase", () => {
	it("erases as the keyed DELETE does, expires ce_vid and ce_consent, and 303s to a page saying so", async () => {
		const { v, subject } = await visitorWithData();
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });
		expect(await env.CONSENT_KV.get(`state:${subject}`)).not.toBeNull();
		const oldVid = v.cookies.get("ce_vid");

		const res = await erasePost(v);
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?erased=1&lang=en");
		expect(setCookieNamed(res, "ce_vid")).toMatch(
			/^ce_vid=; Path=\/; Max-Age=0; SameSite=Lax; Secure; HttpOnly$/,
		);
		expect(setCookieNamed(res, "ce_consent")).toMatch(
			/^ce_consent=; Path=\/; Max-Age=0; SameSite=Lax; Secure$/,
		);
		expect(await stored(subject)).toEqual({ rows: 0, records: 0, kv: null, erasures: 1 });

		const done = await v.fetch("/preferences?erased=1&lang=en");
		const html = await done.text();
		expect(html).toContain('<p class="notice" role="status">Your data has been deleted.');
		expect(html).toMatch(/<title>Your data has been deleted\./);
		expect(html).toContain("No choices recorded yet.");
		expect(v.cookies.get("ce_vid")).toBeDefined();
		expect(v.cookies.get("ce_vid")).not.toBe(oldVid);
		const doc = await (await v.fetch("/v1/consent")).json<{ reasons: Record<string, string> }>();
		expect(doc.reasons).toMatchObject({ ads: "default", analytics: "default" });
	});

	it("erases every id the browser sends, its own too when a sibling subdomain's ce_vid is sent first", async () => {
		const { v, subject } = await visitorWithData();
		const planted = await visitorWithData();
		// A Domain cookie with a longer Path, planted by a sibling subdomain: browsers send it first.
		const cookie = `ce_vid=${planted.v.cookies.get("ce_vid")}; ce_vid=${v.cookies.get("ce_vid")}`;
		const res = await call("/preferences/erase", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE, Cookie: cookie },
			body: "form=erase",
		});
		expect(res.status).toBe(303);
		expect(await stored(subject)).toEqual({ rows: 0, records: 0, kv: null, erasures: 1 });
		expect(await stored(planted.subject)).toMatchObject({ rows: 0, records: 0, erasures: 1 });
	});

	it("is not claimed by a mere link: a visitor whose data is kept is never told it was deleted", async () => {
		// Anyone can link to /preferences?erased=1 (another site, a phishing mail): the page must not
		// tell a person with stored choices that they exercised their right when nothing was erased.
		const { v, subject } = await visitorWithData();
		for (const headers of [{}, JA]) {
			const res = await v.fetch("/preferences?erased=1", { headers });
			const html = await res.text();
			expect(html).not.toContain('<p class="notice" role="status">Your data has been deleted.');
			expect(html).not.toContain("データを削除しました");
			expect(html).not.toMatch(/<title>(Your data has been deleted|データを削除しました)/);
		}
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });

		// Once erased, the page says so, and keeps saying so on a reload with the fresh visitor id.
		const erased = await erasePost(v);
		const location = erased.headers.get("Location") ?? "";
		for (let load = 0; load < 2; load++) {
			const html = await (await v.fetch(location)).text();
			expect(html).toContain('<p class="notice" role="status">Your data has been deleted.');
		}
	});

	it("is not claimed by a link to a new visitor: a browser arriving with no cookie from a mail or another site", async () => {
		// The erasure's 303 is a same-origin navigation that comes back without ce_vid (expired by the
		// post); a first visit by a link comes without one too, and was told its data had been deleted.
		for (const site of ["none", "cross-site"]) {
			for (const headers of [{}, JA]) {
				const res = await call("/preferences?erased=1", {
					cf: CA,
					headers: { ...headers, "Sec-Fetch-Site": site },
				});
				const html = await res.text();
				expect(html).not.toContain('role="status"');
				expect(html).not.toMatch(/<title>(Your data has been deleted|データを削除しました)/);
			}
		}
		// Nor one that visited once and stored nothing (its ce_vid names nothing).
		const once = new Visitor(CA);
		await once.fetch("/preferences");
		for (const site of ["none", "cross-site"]) {
			const html = await (
				await once.fetch("/preferences?erased=1", { headers: { "Sec-Fetch-Site": site } })
			).text();
			expect(html).not.toContain('role="status"');
		}
		// Nor one whose ce_vid was tampered with (malformed, so a new visitor's): its data is kept.
		const { v, subject } = await visitorWithData();
		const tampered = `${v.cookies.get("ce_vid")}*`;
		for (const site of ["none", "cross-site"]) {
			const res = await call("/preferences?erased=1", {
				cf: CA,
				headers: { Cookie: `ce_vid=${tampered}`, "Sec-Fetch-Site": site },
			});
			expect(res.status).toBe(200);
			expect(await res.text()).not.toContain('role="status"');
		}
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });
		const back = await call("/preferences?erased=1&lang=ja", {
			cf: CA,
			headers: { "Sec-Fetch-Site": "same-origin" },
		});
		expect(await back.text()).toContain('<p class="notice" role="status">データを削除しました。');
	});

	it("says it was done in Japanese", async () => {
		const { v, subject } = await visitorWithData(JA);
		const res = await erasePost(v, JA, "/preferences/erase?lang=ja");
		expect(res.headers.get("Location")).toBe("/preferences?erased=1&lang=ja");
		expect((await stored(subject)).rows).toBe(0);
		const html = await (await v.fetch(res.headers.get("Location") ?? "", { headers: JA })).text();
		expect(html).toContain('<p class="notice" role="status">データを削除しました。');
	});

	it("erased twice, then exported and looked up: only tombstones remain, and the browser starts afresh", async () => {
		const { v, subject } = await visitorWithData();
		const oldVid = v.cookies.get("ce_vid") ?? "";
		expect((await erasePost(v)).status).toBe(303);
		// A second post (a double click, or a replay with the old cookie) answers the same way.
		const again = await call("/preferences/erase", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE, Cookie: `ce_vid=${oldVid}` },
			body: "form=erase",
		});
		expect(again.status).toBe(303);
		expect(setCookieNamed(again, "ce_vid")).toMatch(/Max-Age=0/);

		// The browser's own export is a new visitor's: nothing of the erased subject, no tombstone.
		const fresh = await (await v.fetch("/preferences/export")).json<{
			subject: string;
			erasures: unknown[];
		}>();
		expect(fresh.subject).not.toBe(subject);
		expect(fresh).toMatchObject({ state: null, records: [], erasures: [] });
		// The old id's export holds only what README says remains: the tombstones (no choices, no records).
		const old = await (
			await call("/preferences/export", { cf: CA, headers: { Cookie: `ce_vid=${oldVid}` } })
		).json<{ state: unknown; records: unknown[]; erasures: { optedOut: string[]; recordCount: number }[] }>();
		expect(old.state).toBeNull();
		expect(old.records).toEqual([]);
		expect(old.erasures.map((e) => [e.optedOut, e.recordCount])).toEqual([
			[["ads"], 1],
			[[], 0],
		]);
		expect(await (await call(`/v1/subjects/${subject}/records`, keyed())).json()).toEqual({ records: [] });

		// A lookup with the old id alone (no decision cookie) answers the defaults: nothing stored decides.
		const lookup = await call("/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${oldVid}` } });
		const doc = await lookup.json<{ reasons: Record<string, string>; version: number }>();
		expect(doc.version).toBe(0);
		expect(doc.reasons).toMatchObject({ ads: "default", analytics: "default" });
	});

	it("erases both ids of a browser that sends two (host-only and Domain, after a COOKIE_DOMAIN change), whose cookies it expires", async () => {
		// Choices stored under each id: the host-only one from before the change, the Domain one since.
		const { v: before, subject: first } = await visitorWithData();
		const { v: since, subject: second } = await visitorWithData();
		const firstVid = before.cookies.get("ce_vid") ?? "";
		const secondVid = since.cookies.get("ce_vid") ?? "";
		const unrelated = await visitorWithData();
		const res = await call("/preferences/erase", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE, Cookie: `ce_vid=${firstVid}; ce_vid=short; ce_vid=${secondVid}` },
			body: "form=erase",
		});
		expect(res.status).toBe(303);
		expect(setCookieNamed(res, "ce_vid")).toMatch(/Max-Age=0/);
		// Neither id comes back from this browser once its cookies are expired: both subjects' data goes.
		expect(await stored(first)).toEqual({ rows: 0, records: 0, kv: null, erasures: 1 });
		expect(await stored(second)).toEqual({ rows: 0, records: 0, kv: null, erasures: 1 });
		expect(await stored(unrelated.subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });
	});

	it("answers a browser with no ce_vid 303 and erases nothing of anyone's", async () => {
		const { subject } = await visitorWithData();
		const res = await call("/preferences/erase", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE },
			body: "form=erase",
		});
		expect(res.status).toBe(303);
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });
	});

	it("refuses a cross-site form with the 403 page and erases nothing", async () => {
		const { v, subject } = await visitorWithData();
		const crossSite: Record<string, string>[] = [
			{ Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
			{ Origin: "null" },
			{ "Sec-Fetch-Site": "cross-site" },
		];
		for (const headers of crossSite) {
			const h = { ...FORM, ...headers };
			const res = await v.fetch("/preferences/erase", { method: "POST", headers: h, body: "form=erase" });
			expect(res.status).toBe(403);
			expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
			expect(res.headers.getSetCookie()).toEqual([]);
			expect(await res.text()).toContain("<h1>Choices can only be sent from this site");
		}
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });
		expect(v.cookies.get("ce_vid")).toBeDefined();
	});

	it("with D1 unreachable answers the 503 page, keeps the cookies, and erases nothing; KV down does not stop it", async () => {
		const { v, subject } = await visitorWithData();
		const init = {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE, Cookie: v.cookieHeader() },
			body: "form=erase",
		};
		const down = await callWithEnv({ ...env, DB: brokenD1() } as Env, "/preferences/erase", init);
		expect(down.status).toBe(503);
		expect(down.headers.get("Retry-After")).not.toBeNull();
		expect(down.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(down.headers.getSetCookie()).toEqual([]);
		expect(await stored(subject)).toMatchObject({ rows: 1, records: 1, erasures: 0 });

		const kvDown = await callWithEnv({ ...env, CONSENT_KV: brokenKV() } as Env, "/preferences/erase", init);
		expect(kvDown.status).toBe(303);
		expect(setCookieNamed(kvDown, "ce_vid")).toMatch(/Max-Age=0/);
		expect(await stored(subject)).toMatchObject({ rows: 0, records: 0, erasures: 1 });
	});

	it("counts against the visitor write limit per client address", async () => {
		const ip = { "CF-Connecting-IP": "203.0.113.77" };
		const statuses: number[] = [];
		// 300 posts cross at least one limit of 120 per 60 s, even when the run straddles a window.
		for (let i = 0; i < 300; i += 30) {
			const batch = await Promise.all(
				Array.from({ length: 30 }, () =>
					call("/preferences/erase", {
						method: "POST",
						headers: { ...FORM, Origin: BASE, ...ip },
						body: "form=erase",
					}),
				),
			);
			statuses.push(...batch.map((r) => r.status));
		}
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(100);
	});
});
