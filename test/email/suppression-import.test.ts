/**
 * The pure parts of the suppression import (the CLI itself is a Node shell around them): streaming
 * CSV with line numbers, column detection on common exports, dates, row checks, the SQL it writes
 * (run here against D1: OR IGNORE, nothing added twice, visible to the API) and the progress line.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importSummary } from "../../workers/cli/import-summary";
import { progressLine } from "../../workers/cli/progress-bar";
import { CsvReader, type CsvRecord, csvEncoding, sniffDelimiter } from "../../workers/email/csv-records";
import { emailHashes, hashEmail, normalizeEmail } from "../../workers/email/email-address";
import {
	parseExportDate,
	parseSuppressionRow,
	suppressionColumns,
} from "../../workers/email/suppression-csv";
import {
	earliestImportRows,
	type ImportRow,
	importStatements,
} from "../../workers/storage/suppression-repository";
import { call, json, keyed, suppression } from "./email-fixtures";

function readAll(text: string, delimiter: "," | ";" | "\t" = ",", chunks: string[] = [text]): CsvRecord[] {
	const reader = new CsvReader(delimiter);
	const out: CsvRecord[] = [];
	for (const chunk of chunks) out.push(...reader.push(chunk));
	out.push(...reader.end());
	return out;
}

const EXPORT = `\uFEFFEmail Address,Name,Notes\r\n"ada@example.com","Lovelace, Ada","said ""hi"""\r\n\r\ngrace@example.com,Grace,"two\r\nlines"\r\nbob@example.org,Bob,last`;

describe("CsvReader", () => {
	it("reads quotes, escaped quotes, quoted newlines, CRLF, a BOM and a last line without newline", () => {
		expect(readAll(EXPORT)).toEqual([
			{ line: 1, fields: ["Email Address", "Name", "Notes"] },
			{ line: 2, fields: ["ada@example.com", "Lovelace, Ada", 'said "hi"'] },
			{ line: 4, fields: ["grace@example.com", "Grace", "two\nlines"] },
			{ line: 6, fields: ["bob@example.org", "Bob", "last"] },
		]);
	});

	it("gives the same records however the text is split into chunks", () => {
		const whole = readAll(EXPORT);
		for (let i = 0; i <= EXPORT.length; i++) {
			expect(readAll(EXPORT, ",", [EXPORT.slice(0, i), EXPORT.slice(i)]), `split at ${i}`).toEqual(whole);
		}
		expect(readAll(EXPORT, ",", [...EXPORT])).toEqual(whole);
	});

	it("reads a UTF-16 export (Excel's Unicode Text) by its byte-order mark, like the UTF-8 one", () => {
		const text = EXPORT.slice(1);
		const le = new Uint8Array([
			0xff,
			0xfe,
			...[...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]),
		]);
		const be = new Uint8Array([
			0xfe,
			0xff,
			...[...text].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]),
		]);
		const utf8 = new TextEncoder().encode(EXPORT);
		expect([csvEncoding(le), csvEncoding(be), csvEncoding(utf8)]).toEqual(["utf-16le", "utf-16be", "utf-8"]);
		for (const bytes of [le, be, utf8]) {
			const decoded = new TextDecoder(csvEncoding(bytes)).decode(bytes);
			expect(readAll(decoded)).toEqual(readAll(EXPORT));
		}
	});

	it("reads semicolon and tab files, and sniffs the delimiter from the header", () => {
		expect(sniffDelimiter("email;list;date")).toBe(";");
		expect(sniffDelimiter("email\tlist")).toBe("\t");
		expect(sniffDelimiter('"a;b",c,d')).toBe(",");
		expect(sniffDelimiter("email")).toBe(",");
		expect(readAll("email;list\na@b.co;news\n", ";")).toEqual([
			{ line: 1, fields: ["email", "list"] },
			{ line: 2, fields: ["a@b.co", "news"] },
		]);
	});
});

describe("suppressionColumns", () => {
	const cases: [string, string[], { email: number; list: number | null; date: number | null }][] = [
		["Mailchimp", ["Email Address", "First Name", "UNSUB_TIME", "LIST"], { email: 0, list: 3, date: 2 }],
		["SendGrid", ["email", "created"], { email: 0, list: null, date: 1 }],
		["Mailgun", ["address", "tag", "created_at"], { email: 0, list: 1, date: 2 }],
		["Amazon SES", ["EmailAddress", "Reason", "LastUpdateTime"], { email: 0, list: null, date: 2 }],
		["Postmark", ["Recipient", "MessageStream", "SuppressedAt"], { email: 0, list: 1, date: 2 }],
		["Brevo", ["EMAIL", "LIST_NAME", "DATE"], { email: 0, list: 1, date: 2 }],
		["Klaviyo", ["Id", "Email (primary)", "Suppressed"], { email: 1, list: null, date: null }],
	];
	for (const [name, header, expected] of cases) {
		it(`finds the columns of a ${name} export`, () => {
			expect(suppressionColumns(header)).toEqual({ ...expected, headerless: false });
		});
	}

	it("treats a first row holding an address as data, and a file without addresses as unusable", () => {
		expect(suppressionColumns(["1", "ada@example.com"])).toEqual({
			email: 1,
			list: null,
			date: null,
			headerless: true,
		});
		expect(suppressionColumns(["id", "name"])).toBeNull();
	});
});

describe("parseExportDate", () => {
	const NOW = Date.UTC(2026, 10, 29);
	it.each([
		["2024-03-05", Date.UTC(2024, 2, 5)],
		["2024-03-05 10:11:12", Date.UTC(2024, 2, 5, 10, 11, 12)],
		["2024-03-05T10:11:12Z", Date.UTC(2024, 2, 5, 10, 11, 12)],
		["2024-03-05T10:11:12+09:00", Date.UTC(2024, 2, 5, 1, 11, 12)],
		["2024-03-05 10:11:12 UTC", Date.UTC(2024, 2, 5, 10, 11, 12)],
		["Tue, 05 Mar 2024 10:11:12 +0000", Date.UTC(2024, 2, 5, 10, 11, 12)],
		["1709633472", Date.UTC(2024, 2, 5, 10, 11, 12)],
		["1709633472000", Date.UTC(2024, 2, 5, 10, 11, 12)],
	])("reads %s", (text, expected) => {
		expect(parseExportDate(text, NOW)).toBe(expected);
	});

	it.each(["1/2/2024", "yesterday", "2099-01-01", "1980-01-01", "2024-13-45", ""])("refuses %s", (text) => {
		expect(parseExportDate(text, NOW)).toBeNull();
	});
});

describe("parseSuppressionRow", () => {
	const NOW = Date.UTC(2026, 10, 29);
	const columns = { email: 0, list: 1, date: 2, headerless: false };

	it("normalises the address and takes list and date from the row", () => {
		expect(parseSuppressionRow([" Ada@Example.COM ", "news", "2024-03-05"], columns, { now: NOW })).toEqual({
			ok: true,
			email: "ada@example.com",
			list: "news",
			createdAt: Date.UTC(2024, 2, 5),
			dateUnderstood: true,
		});
	});

	it("--list overrides the column; no list at all means every list", () => {
		expect(parseSuppressionRow(["a@b.co", "news", ""], columns, { list: "offers", now: NOW })).toMatchObject({
			list: "offers",
		});
		expect(parseSuppressionRow(["a@b.co", "", ""], columns, { now: NOW })).toMatchObject({
			list: "*",
			createdAt: NOW,
		});
	});

	it("falls back to the import time for dates it does not understand, and says so", () => {
		expect(parseSuppressionRow(["a@b.co", "", "1/2/2024"], columns, { now: NOW })).toMatchObject({
			ok: true,
			createdAt: NOW,
			dateUnderstood: false,
		});
	});

	it("rejects rows without a valid address or with an unusable list name", () => {
		expect(parseSuppressionRow(["", "news", ""], columns, { now: NOW })).toEqual({
			ok: false,
			reason: "no email address",
		});
		expect(parseSuppressionRow(["nope", "news", ""], columns, { now: NOW })).toEqual({
			ok: false,
			reason: "not a valid email address",
		});
		expect(parseSuppressionRow(["a@b.co", "Weekly News", ""], columns, { now: NOW })).toEqual({
			ok: false,
			reason: 'list name not allowed: "Weekly News"',
		});
	});
});

describe("importStatements", () => {
	async function run(sql: string): Promise<number> {
		const statements = sql.split(/;\n/).filter((s) => s.trim());
		let present = 0;
		for (const statement of statements) {
			expect(new TextEncoder().encode(statement).byteLength).toBeLessThan(100_000);
			const result = await env.DB.prepare(statement).all<{ present?: number }>();
			present += result.results[0]?.present ?? 0;
		}
		return present;
	}

	async function rows(emails: string[], list: string): Promise<ImportRow[]> {
		return Promise.all(
			emails.map(async (email, i) => ({
				emailHash: await hashEmail(normalizeEmail(email) ?? "", env.EMAIL_HASH_KEY),
				list,
				createdAt: Date.UTC(2024, 0, 1) + i,
			})),
		);
	}

	it("writes inserts the API then sees, counting rows already present; a re-import adds nothing", async () => {
		const emails = Array.from({ length: 450 }, (_, i) => `imported${i}@example.com`);
		const sql = importStatements(await rows(emails, "news"));
		expect(sql.match(/INSERT INTO email_suppressions/g)).toHaveLength(3);
		expect(sql).not.toContain("imported0@");
		expect(await run(sql)).toBe(0);
		expect(await suppression("imported0@example.com", "news")).toEqual({
			suppressed: true,
			since: "2024-01-01T00:00:00.000Z",
		});
		expect(await suppression("imported449@example.com", "offers")).toEqual({ suppressed: false });
		const count = async () =>
			(
				await env.DB.prepare("SELECT count(*) AS n FROM email_suppressions WHERE source = 'import'").first<{
					n: number;
				}>()
			)?.n;
		const before = await count();
		expect(await run(sql)).toBe(450);
		expect(await count()).toBe(before);
	});

	it("turns email off for a subject linked under a Greek address's hash from before ς was folded", async () => {
		const cf = { country: "US", regionCode: "CA" };
		const typed = "ΑΙΑΣ@example.gr";
		const put = await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf,
				...json({ subject: "user:ajax", email: typed, purposes: { email: true } }),
			}),
		);
		expect(put.status).toBe(200);
		const oldHash = await hashEmail("αιας@example.gr", env.EMAIL_HASH_KEY);
		await env.DB.prepare("UPDATE consent_subjects SET email_hash = ? WHERE subject = ?")
			.bind(oldHash, "user:ajax")
			.run();
		const normalized = normalizeEmail(typed) ?? "";
		const [emailHash = "", ...legacyHashes] = await emailHashes(typed, normalized, env.EMAIL_HASH_KEY);
		expect(legacyHashes).toEqual([oldHash]);
		// Dated after the PUT: an earlier unsubscribe would yield to the later choice of `email`.
		await run(importStatements([{ emailHash, legacyHashes, list: "*", createdAt: Date.now() + 1000 }]));
		// The export reads D1 (the import does not touch the KV cache).
		const exported = await call("/v1/subjects/user:ajax/export", keyed());
		expect(await exported.json()).toMatchObject({ state: { purposes: { email: false } } });
	});

	it("counts a Greek address stored under its hash from before ς was folded as present, not new", async () => {
		await env.DB.prepare(
			"INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES (?, 'news', ?, 'import')",
		)
			.bind(await hashEmail("θησευς@example.gr", env.EMAIL_HASH_KEY), Date.UTC(2024, 0, 1))
			.run();
		const importRows = async (typed: string[]) =>
			Promise.all(
				typed.map(async (email) => {
					const normalized = normalizeEmail(email) ?? "";
					const [emailHash = "", ...legacyHashes] = await emailHashes(email, normalized, env.EMAIL_HASH_KEY);
					return { emailHash, legacyHashes, list: "news", createdAt: Date.UTC(2025, 0, 1) };
				}),
			);
		// Two spellings of the stored address (one row after earliestImportRows) and a new one.
		const rows = earliestImportRows(
			await importRows(["ΘΗΣΕΥΣ@example.gr", "θησευσ@example.gr", "μινως@example.gr"]),
		);
		expect(rows).toHaveLength(2);
		expect(await run(importStatements(rows))).toBe(1);
		// Now stored under both hashes: still one address already present, not two.
		expect(await run(importStatements(rows))).toBe(2);
	});

	it("keeps the earliest date of an address already stored: an import dates it earlier, never later", async () => {
		const [clicked, older] = await rows(["clicked@example.com", "older@example.com"], "news");
		if (!clicked || !older) throw new Error("no rows");
		const seed = env.DB.prepare(
			"INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES (?, ?, ?, ?)",
		);
		await env.DB.batch([
			seed.bind(clicked.emailHash, "news", Date.UTC(2025, 8, 1), "one-click"),
			seed.bind(older.emailHash, "news", Date.UTC(2023, 0, 1), "one-click"),
		]);
		const imported = [
			{ ...clicked, createdAt: Date.UTC(2024, 2, 1) },
			{ ...older, createdAt: Date.UTC(2024, 2, 1) },
		];
		expect(await run(importStatements(imported))).toBe(2);
		expect(await suppression("clicked@example.com", "news")).toEqual({
			suppressed: true,
			since: "2024-03-01T00:00:00.000Z",
		});
		expect(await suppression("older@example.com", "news")).toEqual({
			suppressed: true,
			since: "2023-01-01T00:00:00.000Z",
		});
		const sources = await env.DB.prepare(
			"SELECT source FROM email_suppressions WHERE email_hash IN (?, ?) ORDER BY created_at",
		)
			.bind(clicked.emailHash, older.emailHash)
			.all<{ source: string }>();
		// The row says where its date came from: the import for the one it predated.
		expect(sources.results.map((r) => r.source)).toEqual(["one-click", "import"]);
	});

	it("leaves an erasure's suppression as it is: its source is the evidence of the erasure", async () => {
		const [erased] = await rows(["erased@example.com"], "*");
		if (!erased) throw new Error("no rows");
		await env.DB.prepare(
			"INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES (?, '*', ?, 'erasure')",
		)
			.bind(erased.emailHash, Date.UTC(2025, 8, 1))
			.run();
		expect(await run(importStatements([{ ...erased, createdAt: Date.UTC(2024, 2, 1) }]))).toBe(1);
		const row = await env.DB.prepare("SELECT created_at, source FROM email_suppressions WHERE email_hash = ?")
			.bind(erased.emailHash)
			.first<{ created_at: number; source: string }>();
		expect(row).toEqual({ created_at: Date.UTC(2025, 8, 1), source: "erasure" });
	});

	it("writes nothing for no rows and escapes quotes in values", () => {
		expect(importStatements([])).toBe("");
		expect(importStatements([{ emailHash: "h'x", list: "l", createdAt: 1 }])).toContain(
			"('h''x', 'l', 1, 'import')",
		);
	});

	it("hashes exactly as the Node import did (same normalisation and HMAC)", async () => {
		// Computed by the CLI under Node 22 for " ADA@example.com" with the test EMAIL_HASH_KEY.
		expect(await hashEmail(normalizeEmail(" ADA@example.com") ?? "", "test-email-hash-key-0123456789")).toBe(
			"WeQyEZRnMJMKmubLzLycA9wW0QOAB3hQjNnm6Cm4KvY",
		);
	});
});

describe("earliestImportRows", () => {
	it("keeps the older hashes of every spelling of one address", () => {
		const rows: ImportRow[] = [
			{ emailHash: "a", legacyHashes: ["old1"], list: "news", createdAt: Date.UTC(2025, 4, 1) },
			{ emailHash: "a", legacyHashes: ["old2", "old1"], list: "news", createdAt: Date.UTC(2024, 1, 1) },
		];
		expect(earliestImportRows(rows)).toEqual([
			{ emailHash: "a", legacyHashes: ["old1", "old2"], list: "news", createdAt: Date.UTC(2024, 1, 1) },
		]);
	});

	it("keeps one row per address and list, with its earliest date, whatever the order", () => {
		const rows: ImportRow[] = [
			{ emailHash: "a", list: "news", createdAt: Date.UTC(2025, 4, 1) },
			{ emailHash: "b", list: "news", createdAt: Date.UTC(2025, 0, 1) },
			{ emailHash: "a", list: "news", createdAt: Date.UTC(2024, 1, 1) },
			{ emailHash: "a", list: "offers", createdAt: Date.UTC(2026, 0, 1) },
			{ emailHash: "b", list: "news", createdAt: Date.UTC(2025, 6, 1) },
		];
		expect(earliestImportRows(rows)).toEqual([
			{ emailHash: "a", list: "news", createdAt: Date.UTC(2024, 1, 1) },
			{ emailHash: "b", list: "news", createdAt: Date.UTC(2025, 0, 1) },
			{ emailHash: "a", list: "offers", createdAt: Date.UTC(2026, 0, 1) },
		]);
	});
});

describe("progressLine", () => {
	it("shows a bar, rows, rate and time left", () => {
		expect(progressLine({ bytesRead: 500, totalBytes: 1000, rows: 2500, elapsedMs: 10_000 })).toBe(
			"[############------------]  50%  2,500 rows  250 rows/s  ETA 0:10",
		);
		expect(progressLine({ bytesRead: 0, totalBytes: 1000, rows: 0, elapsedMs: 0 })).toBe(
			"[------------------------]   0%  0 rows  0 rows/s  ETA --:--",
		);
		// One row reads "1 row", at "1 row/s", as the summary does.
		expect(progressLine({ bytesRead: 10, totalBytes: 20, rows: 1, elapsedMs: 1_000 })).toBe(
			"[############------------]  50%  1 row  1 row/s  ETA 0:01",
		);
		expect(progressLine({ bytesRead: 1000, totalBytes: 1000, rows: 7, elapsedMs: 3_600_000 })).toMatch(
			/100% .* ETA 0:00$/,
		);
	});
});

describe("importSummary", () => {
	const counts = {
		rows: 1,
		valid: 1,
		rejected: 0,
		unshownRejections: 0,
		written: 1,
		added: 1,
		vagueDates: 0,
		dryRun: false,
	};

	it("counts one of anything in the singular", () => {
		expect(importSummary(counts)).toBe(
			"1 row read, 1 valid, 0 rejected.\n1 new suppression written, 0 already present.\n",
		);
		expect(importSummary({ ...counts, rejected: 51, unshownRejections: 1, vagueDates: 1 })).toContain(
			"(1 more rejected row not shown.)\n1 date was not understood; the import time was used for it.\n",
		);
		expect(importSummary({ ...counts, dryRun: true })).toContain("Dry run: 1 suppression would be written;");
	});

	it("counts more in the plural", () => {
		expect(
			importSummary({ ...counts, rows: 3, valid: 2, rejected: 1, written: 2, added: 2, vagueDates: 2 }),
		).toBe(
			"3 rows read, 2 valid, 1 rejected.\n2 new suppressions written, 0 already present.\n2 dates were not understood; the import time was used for them.\n",
		);
		expect(importSummary({ ...counts, added: null })).toContain("? new suppressions written.");
	});
});
