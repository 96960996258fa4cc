/**
 * GET /preferences/export: a visitor's own copy of their data, from the preference centre, without
 * a key. The same document the keyed export gives for the visitor's subject, as a file, never
 * cached, and only ever the subject `ce_vid` names.
 */
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { brokenD1, brokenKV, call, callWithEnv, envWith, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

interface Export {
	subject: string;
	exportedAt: string;
	state: { purposes: Record<string, boolean> } | null;
	records: { subject: string; changes: Record<string, boolean> }[];
	idempotentAnswers: unknown[];
	suppressions: unknown[];
	erasures: unknown[];
	pendingWrites: unknown[];
}

async function subjectOf(visitor: Visitor): Promise<string> {
	const vid = visitor.cookies.get("ce_vid");
	if (!vid) throw new Error("visitor has no ce_vid");
	return visitorSubject(vid);
}

/** The document without the time it was made, which differs between two exports. */
function timeless(doc: Export): Omit<Export, "exportedAt"> {
	const { exportedAt: _, ...rest } = doc;
	return rest;
}

describe("GET /preferences/export", () => {
	it("answers the keyed export's document for the visitor's subject, as an uncached attachment", async () => {
		const v = new Visitor(CA);
		await v.fetch("/preferences");
		await v.put({ ads: false, analytics: true });
		const subject = await subjectOf(v);

		const res = await v.fetch("/preferences/export");
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
		expect(res.headers.get("Cache-Control")).toBe("no-store");
		expect(res.headers.get("Content-Disposition")).toBe(
			`attachment; filename="consent-export-${subject.replace(":", "_")}.json"`,
		);
		const own = await res.json<Export>();
		expect(own.subject).toBe(subject);
		expect(own.state?.purposes).toMatchObject({ ads: false, analytics: true });
		expect(own.records.map((r) => r.changes)).toEqual([{ ads: false, analytics: true }]);

		const viaKey = await call(`/v1/subjects/${subject}/export`, keyed());
		expect(timeless(own)).toEqual(timeless(await viaKey.json<Export>()));
	});

	it("gives a visitor with no ce_vid, or with nothing stored, a valid empty export", async () => {
		const none = await call("/preferences/export", { cf: CA });
		expect(none.status).toBe(200);
		expect(none.headers.get("Content-Disposition")).toMatch(
			/^attachment; filename="consent-export-v_[\w-]+\.json"$/,
		);
		const empty = await none.json<Export>();
		expect(empty).toMatchObject({
			state: null,
			records: [],
			idempotentAnswers: [],
			suppressions: [],
			erasures: [],
		});
		expect(empty.subject).toMatch(/^v:/);

		const fresh = new Visitor(CA);
		fresh.cookies.set("ce_vid", "A".repeat(32));
		const nothing = await (await fresh.fetch("/preferences/export")).json<Export>();
		expect(nothing).toMatchObject({
			subject: await visitorSubject("A".repeat(32)),
			state: null,
			records: [],
		});
	});

	it("answers a browser without a well-formed ce_vid without reading storage: nothing can be stored for it", async () => {
		// Every D1 and KV call throws: an export that read either would be a 503.
		const down = envWith({ DB: brokenD1(), CONSENT_KV: brokenKV() });
		const cookies: Record<string, string>[] = [
			{},
			{ Cookie: "ce_vid=short" },
			{ Cookie: "ce_vid=not%20base64url!!" },
		];
		for (const headers of cookies) {
			const res = await callWithEnv(down, "/preferences/export", { cf: CA, headers });
			expect(res.status).toBe(200);
			expect(res.headers.get("Cache-Control")).toBe("no-store");
			expect(res.headers.get("Content-Disposition")).toMatch(
				/^attachment; filename="consent-export-v_[\w-]+\.json"$/,
			);
			const doc = await res.json<Export>();
			expect(doc).toMatchObject({
				state: null,
				records: [],
				idempotentAnswers: [],
				suppressions: [],
				erasures: [],
				pendingWrites: [],
			});
			expect(doc.subject).toMatch(/^v:[\w-]{32}$/);
			expect(Number.isNaN(Date.parse(doc.exportedAt))).toBe(false);
		}
		// A well-formed ce_vid names a subject that may have data: read, and a 503 while storage is down.
		const known = await callWithEnv(down, "/preferences/export", {
			cf: CA,
			headers: { Cookie: `ce_vid=${"E".repeat(32)}` },
		});
		expect(known.status).toBe(503);
		expect(known.headers.get("Retry-After")).not.toBeNull();
	});

	it("holds every id a browser sends (host-only and Domain, after a COOKIE_DOMAIN change), as Delete my data erases them all", async () => {
		const before = new Visitor(CA);
		await before.fetch("/preferences");
		await before.put({ ads: false });
		const since = new Visitor(CA);
		await since.fetch("/preferences");
		await since.put({ analytics: true });
		const [first, second] = [await subjectOf(before), await subjectOf(since)];
		const cookie = `ce_vid=${before.cookies.get("ce_vid")}; ce_vid=short; ce_vid=${since.cookies.get("ce_vid")}`;
		const res = await call("/preferences/export", { cf: CA, headers: { Cookie: cookie } });
		expect(res.status).toBe(200);
		const doc = await res.json<Export & { otherVisitors?: Export[] }>();
		expect(doc.subject).toBe(first);
		expect(doc.records.map((r) => r.changes)).toEqual([{ ads: false }]);
		expect(doc.otherVisitors?.map((other) => [other.subject, other.records.map((r) => r.changes)])).toEqual([
			[second, [{ analytics: true }]],
		]);
		// One id: the keyed export's document as it is, nothing added.
		const single = await (await before.fetch("/preferences/export")).json<Export>();
		expect(single).not.toHaveProperty("otherVisitors");
	});

	it("never answers for another subject: not by query, not by a forged or another visitor's cookie", async () => {
		const owner = new Visitor(CA);
		await owner.fetch("/preferences");
		await owner.put({ ads: false });
		const ownerSubject = await subjectOf(owner);

		const other = new Visitor(CA);
		await other.fetch("/preferences");
		const otherSubject = await subjectOf(other);
		const headers = { Cookie: other.cookieHeader() };
		for (const path of [
			`/preferences/export?subject=${encodeURIComponent(ownerSubject)}`,
			`/preferences/export?vid=${owner.cookies.get("ce_vid")}`,
		]) {
			const doc = await (await call(path, { cf: CA, headers })).json<Export>();
			expect(doc.subject).toBe(otherSubject);
			expect(doc.records).toEqual([]);
		}
		// A cookie holding the owner's subject (not a visitor id) is malformed: ignored, never trusted.
		const forged = await call("/preferences/export", {
			cf: CA,
			headers: { Cookie: `ce_vid=${ownerSubject}` },
		});
		const forgedDoc = await forged.json<Export>();
		expect(forgedDoc.subject).not.toBe(ownerSubject);
		expect(forgedDoc.records).toEqual([]);
		// An Authorization header does not make the page a keyed call.
		const withKey = await call(`/preferences/export?subject=${ownerSubject}`, keyed({ cf: CA, headers }));
		expect((await withKey.json<Export>()).subject).toBe(otherSubject);
	});

	it("counts against the visitor write limit per client address, and the limit is a page (429, Retry-After)", async () => {
		const headers = { "CF-Connecting-IP": "203.0.113.78", "Accept-Language": "ja" };
		const statuses: number[] = [];
		let limited: Response | undefined;
		// 300 downloads cross at least one limit of 120 per 60 s, even when the run straddles a window.
		for (let i = 0; i < 300; i += 30) {
			const batch = await Promise.all(
				Array.from({ length: 30 }, () => call("/preferences/export", { cf: CA, headers })),
			);
			statuses.push(...batch.map((r) => r.status));
			limited ??= batch.find((r) => r.status === 429);
		}
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(100);
		// A person's link: the limit is a page in their language, with when to try again, never cached.
		expect(limited?.headers.get("Retry-After")).toBe("60");
		expect(limited?.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(limited?.headers.get("Cache-Control")).toBe("private, no-store");
		const page = (await limited?.text()) ?? "";
		expect(page).toMatch(/^<!doctype html><html lang="ja">/);
		expect(page).toContain("送信が多すぎます");
		expect(page).not.toContain("consent-export");
	});

	it("is linked from the preference centre in English and Japanese", async () => {
		const en = await (await call("/preferences", { cf: CA })).text();
		expect(en).toContain('<a href="/preferences/export" download>Download my data</a>');
		const ja = await (await call("/preferences?lang=ja", { cf: CA })).text();
		expect(ja).toContain('<a href="/preferences/export" download>データをダウンロード</a>');
	});
});
