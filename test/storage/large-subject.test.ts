/**
 * A subject with a long history (2,500 records, many sharing a timestamp, as an import or a burst of
 * writes makes them) and the bulk suppression check at its maximum: every record is listed exactly
 * once across pages, exported, continued and erased; no statement exceeds D1's limits.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import { MAX_CHECK_ADDRESSES } from "../../workers/email/suppression-check";
import { importStatements } from "../../workers/storage/suppression-repository";
import { call, callWithEnv, countRecords, json, keyed } from "../helpers";

const SUBJECT = "user:long-history";
const RECORDS = 2500;
const T0 = Date.UTC(2026, 0, 1);

/** Seeds the subject as the repository would have written it: a chain of records and its state row. */
async function seedHistory(subject: string, count: number) {
	const ids = Array.from({ length: count }, () => crypto.randomUUID());
	const insert = env.DB.prepare(
		`INSERT INTO consent_records (record_id, subject, version, created_at, jurisdiction, purposes, changes, source, gpc, policy_version, previous_record_id)
		VALUES (?, ?, ?, ?, 'US-CA', ?, ?, 'api', 0, '2026-11', ?)`,
	);
	// The state row first: the 0005 trigger wants each record to continue the stored chain.
	const statements: D1PreparedStatement[] = [];
	ids.forEach((id, i) => {
		const purposes = JSON.stringify({ ads: i % 2 === 0 });
		// Ten records per millisecond: many share a timestamp.
		statements.push(
			insert.bind(id, subject, i + 1, T0 + Math.floor(i / 10), purposes, purposes, ids[i - 1] ?? null),
		);
		statements.push(
			env.DB.prepare(
				`INSERT INTO consent_subjects (subject, version, purposes, sources, policy_version, email_hash, last_record_id, created_at, updated_at)
				VALUES (?1, ?2, ?3, '{"ads":"api"}', '2026-11', NULL, ?4, ?5, ?6)
				ON CONFLICT (subject) DO UPDATE SET version = ?2, purposes = ?3, last_record_id = ?4, updated_at = ?6`,
			).bind(subject, i + 1, purposes, id, T0, T0 + Math.floor(i / 10)),
		);
	});
	for (let i = 0; i < statements.length; i += 1000) await env.DB.batch(statements.slice(i, i + 1000));
	return ids;
}

interface ListedRecord {
	recordId: string;
	version: number;
	previousRecordId: string | null;
}

async function allPages(subject: string, limit: number) {
	const seen: ListedRecord[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const query = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
		const res = await call(`/v1/subjects/${subject}/records${query}`, keyed());
		expect(res.status).toBe(200);
		const page = await res.json<{ records: ListedRecord[]; next?: string }>();
		expect(page.records.length).toBeLessThanOrEqual(limit);
		seen.push(...page.records);
		cursor = page.next;
		pages++;
	} while (cursor);
	return { seen, pages };
}

describe("a subject with 2,500 records", () => {
	let ids: string[] = [];
	beforeAll(async () => {
		ids = await seedHistory(SUBJECT, RECORDS);
	});

	it("lists every record exactly once, newest first, across pages of any size", async () => {
		for (const limit of [1000, 333]) {
			const { seen, pages } = await allPages(SUBJECT, limit);
			expect(pages).toBe(Math.ceil(RECORDS / limit));
			expect(seen.map((r) => r.version)).toEqual(Array.from({ length: RECORDS }, (_, i) => RECORDS - i));
			expect(new Set(seen.map((r) => r.recordId)).size).toBe(RECORDS);
		}
	});

	it("exports every record, oldest first", async () => {
		const res = await call(`/v1/subjects/${SUBJECT}/export`, keyed());
		expect(res.status).toBe(200);
		const doc = await res.json<{ records: ListedRecord[]; state: { version: number } }>();
		expect(doc.state.version).toBe(RECORDS);
		expect(doc.records.map((r) => r.recordId)).toEqual(ids);
	});

	it("continues the chain, then erases all of it", async () => {
		const res = await call(
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject: SUBJECT, purposes: { sale: false } }) }),
		);
		expect(res.status).toBe(200);
		const top = await (await call(`/v1/subjects/${SUBJECT}/records?limit=1`, keyed())).json<{
			records: ListedRecord[];
		}>();
		expect(top.records[0]).toMatchObject({ version: RECORDS + 1, previousRecordId: ids.at(-1) });

		const erase = await call(`/v1/subjects/${SUBJECT}`, keyed({ method: "DELETE" }));
		expect(erase.status).toBe(204);
		expect(await countRecords(SUBJECT)).toBe(0);
		const doc = await (await call(`/v1/subjects/${SUBJECT}/export`, keyed())).json<{
			state: unknown;
			erasures: { recordCount: number }[];
		}>();
		expect(doc.state).toBeNull();
		expect(doc.erasures).toEqual([expect.objectContaining({ recordCount: RECORDS + 1 })]);
	});
});

describe("the suppression check at its maximum size", () => {
	const emails = Array.from({ length: MAX_CHECK_ADDRESSES }, (_, i) => `bulk${i}@example.com`);

	beforeAll(async () => {
		// Every third address suppressed for "news", every seventh for every list.
		const rows = await Promise.all(
			emails.map(async (email, i) => ({
				emailHash: await hashEmail(email, env.EMAIL_HASH_KEY),
				list: i % 7 === 0 ? "*" : "news",
				createdAt: T0 + i,
			})),
		);
		const sql = importStatements(rows.filter((_, i) => i % 3 === 0 || i % 7 === 0));
		await env.DB.batch(
			sql
				.split(";\n")
				.filter((s) => s.trim())
				.map((s) => env.DB.prepare(s)),
		);
	});

	for (const list of ["news", "offers", "*"]) {
		it(`answers ${MAX_CHECK_ADDRESSES} addresses for list ${list}, in order, none degraded`, async () => {
			const res = await call("/v1/suppressions/check", keyed({ method: "POST", ...json({ emails, list }) }));
			expect(res.status).toBe(200);
			const { results } = await res.json<{
				results: { email: string; suppressed: boolean; degraded?: true }[];
			}>();
			expect(results.map((r) => r.email)).toEqual(emails);
			expect(results.filter((r) => r.degraded)).toEqual([]);
			const expected = emails.map((_, i) => i % 7 === 0 || (i % 3 === 0 && list !== "offers"));
			expect(results.map((r) => r.suppressed)).toEqual(expected);
		});
	}

	it("refuses one address more with the contract's error, not a 5xx", async () => {
		const res = await call(
			"/v1/suppressions/check",
			keyed({ method: "POST", ...json({ emails: [...emails, "one-more@example.com"] }) }),
		);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
	});
});

describe("a subject of the maximum length (128 characters)", () => {
	const subject = `user:${"a.b_c-d@e:".repeat(12)}xyz`;

	it("is written, cached in KV under a key within its 512-byte limit, listed, exported and erased", async () => {
		expect(subject).toHaveLength(128);
		const write = await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", ...json({ subject, purposes: { ads: false } }) }),
		);
		expect(write.status).toBe(200);
		const cached = await env.CONSENT_KV.list({ prefix: "state:user:a.b" });
		expect(cached.keys.map((k) => k.name)).toEqual([`state:${subject}`]);
		expect(new TextEncoder().encode(cached.keys[0]?.name).byteLength).toBeLessThanOrEqual(512);
		const doc = await (await call(`/v1/consent?subject=${subject}`, keyed())).json<{
			reasons: { ads: string };
		}>();
		expect(doc.reasons.ads).toBe("explicit");
		expect((await allPages(subject, 10)).seen).toHaveLength(1);
		const exported = await call(`/v1/subjects/${subject}/export`, keyed());
		expect(exported.status).toBe(200);
		expect(exported.headers.get("Content-Disposition")).toContain(
			`consent-export-user_${"a.b_c-d_e_".repeat(12)}xyz.json`,
		);
		expect((await call(`/v1/subjects/${subject}`, keyed({ method: "DELETE" }))).status).toBe(204);
		expect(await env.CONSENT_KV.get(`state:${subject}`)).toBeNull();
	});
});
