/**
 * The suppression import end to end, as a user runs it: `npm run import -- <file> --list news
 * --persist-to <dir>` on an email service's export (a BOM, CRLF line ends, duplicates spelled
 * differently, invalid rows, a few thousand addresses) into a migrated local D1 that already holds
 * two unsubscribes; then `wrangler dev` on that same state answers the suppression checks. Plain Node,
 * no Chromium: it lives with the browser tests because they already run the Worker under wrangler dev.
 */
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, serveWorker, TEST_SECRETS, type WorkerServer } from "./serve-worker";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const cliEnv = {
	...process.env,
	EMAIL_HASH_KEY: TEST_SECRETS.EMAIL_HASH_KEY,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	CI: "true",
};

const READERS = 3000;
const HOUR_MS = 3_600_000;
const FIRST_DATE = Date.UTC(2024, 0, 1);
/** Reader i unsubscribed i hours into 2024; a later duplicate row of every 100th must not move that. */
const readerSince = (i: number) => FIRST_DATE + i * HOUR_MS;
const exportTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const iso = (ms: number) => new Date(ms).toISOString();

/** Unsubscribes already stored before the import: one later than the export says, one earlier. */
const STORED = [
	{ email: "clicked@example.com", since: Date.UTC(2025, 8, 1) },
	{ email: "older@example.com", since: Date.UTC(2023, 0, 1) },
];
const STORED_IN_EXPORT = Date.UTC(2024, 2, 1);

function exportCsv(): { text: string; rows: number; rejected: number; addresses: number } {
	const lines = ["Email Address,First Name,UNSUB_TIME"];
	for (let i = 0; i < READERS; i++) {
		const name = i === 1 ? '"Lovelace, Ada"' : `Reader ${i}`;
		lines.push(`reader${i}@example.com,${name},${exportTime(readerSince(i))}`);
	}
	for (let i = 0; i < READERS; i += 100) {
		lines.push(`"  Reader${i}@EXAMPLE.com ",Again,${exportTime(Date.UTC(2025, 5, 1))}`);
	}
	// The known defect: the first row of an address carried the date kept, not the earliest.
	lines.push(`early@example.com,Early,${exportTime(Date.UTC(2025, 5, 1))}`);
	lines.push(`" Early@Example.COM",Early,${exportTime(Date.UTC(2024, 1, 1))}`);
	lines.push("undated@example.com,Undated,");
	for (const { email } of STORED) lines.push(`${email},Stored,${exportTime(STORED_IN_EXPORT)}`);
	const invalid = [
		"not-an-address,Bad,2024-01-01",
		",Nobody,2024-01-01",
		"a@b@example.com,Bad,",
		"x@exa mple.com,Bad,",
	];
	lines.push(...invalid);
	return {
		text: `\uFEFF${lines.join("\r\n")}\r\n`,
		rows: lines.length - 1,
		rejected: invalid.length,
		addresses: READERS + 2 + STORED.length,
	};
}

/**
 * Seeds the stored unsubscribes straight into D1. Their hashes are made here as the worker makes them
 * (HMAC-SHA-256 of `email:<normalised address>`, base64url), so a drift shows as rows not "already present".
 */
async function seedStoredUnsubscribes(persistDir: string): Promise<void> {
	const values = STORED.map(({ email, since }) => {
		const hash = createHmac("sha256", TEST_SECRETS.EMAIL_HASH_KEY)
			.update(`email:${email}`)
			.digest("base64url");
		return `('${hash}', 'news', ${since}, 'one-click')`;
	});
	const sql = `INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES ${values.join(", ")}`;
	await run(
		"npx",
		["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persistDir, "--command", sql],
		{
			cwd: ROOT,
			env: cliEnv,
		},
	);
}

/** The README's command; the summary goes to stderr. */
async function importFile(file: string, persistDir: string): Promise<string> {
	const { stderr } = await run(
		"npm",
		["run", "import", "--", file, "--list", "news", "--persist-to", persistDir],
		{
			cwd: ROOT,
			env: cliEnv,
		},
	);
	return stderr;
}

interface CheckResult {
	readonly email: string;
	readonly suppressed: boolean;
	readonly since?: string;
}

describe("npm run import into a local D1, checked through the worker", () => {
	const csv = exportCsv();
	let persistDir: string;
	let server: WorkerServer | undefined;
	let firstRun = "";
	let secondRun = "";
	let importStarted = 0;
	let importEnded = 0;

	beforeAll(async () => {
		persistDir = await mkdtemp(join(tmpdir(), "consent-edge-import-"));
		const file = join(persistDir, "unsubscribes.csv");
		await writeFile(file, csv.text);
		await applyMigrations(persistDir);
		await seedStoredUnsubscribes(persistDir);
		importStarted = Date.now();
		firstRun = await importFile(file, persistDir);
		importEnded = Date.now();
		secondRun = await importFile(file, persistDir);
		server = await serveWorker({ persistTo: persistDir });
	});

	afterAll(async () => {
		await server?.stop();
		if (persistDir) await rm(persistDir, { recursive: true, force: true });
	});

	async function check(emails: readonly string[], list: string): Promise<CheckResult[]> {
		const results: CheckResult[] = [];
		for (let i = 0; i < emails.length; i += 1000) {
			const res = await fetch(`${server?.origin}/v1/suppressions/check`, {
				method: "POST",
				headers: {
					Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}`,
					"Content-Type": "application/json",
				},
				body: JSON.stringify({ list, emails: emails.slice(i, i + 1000) }),
			});
			expect(res.status).toBe(200);
			results.push(...((await res.json()) as { results: CheckResult[] }).results);
		}
		return results;
	}

	it("reports what it read, rejected and wrote; a second run adds nothing", () => {
		const valid = csv.rows - csv.rejected;
		expect(firstRun).toContain(`${csv.rows} rows read, ${valid} valid, ${csv.rejected} rejected.`);
		expect(firstRun).toContain(
			`${csv.addresses - STORED.length} new suppressions written, ${STORED.length} already present.`,
		);
		expect(firstRun).toMatch(/line \d+: not a valid email address/);
		expect(firstRun).toMatch(/line \d+: no email address/);
		expect(secondRun).toContain(`0 new suppressions written, ${csv.addresses} already present.`);
	});

	it("suppresses every imported address for its list, since its export date", async () => {
		const readers = Array.from({ length: READERS }, (_, i) => `reader${i}@example.com`);
		const results = await check(readers, "news");
		const wrong = results.filter((r, i) => !r.suppressed || r.since !== iso(readerSince(i)));
		expect(wrong).toEqual([]);
		const [undated] = await check(["undated@example.com"], "news");
		const since = Date.parse(undated?.since ?? "");
		expect(since).toBeGreaterThanOrEqual(importStarted - 1000);
		expect(since).toBeLessThanOrEqual(importEnded);
	});

	it("keeps the earliest date of an address listed twice, whatever the order of its rows", async () => {
		expect(await check(["EARLY@example.com"], "news")).toEqual([
			{ email: "EARLY@example.com", suppressed: true, since: iso(Date.UTC(2024, 1, 1)) },
		]);
	});

	it("dates an address already stored by the import when the export's date is earlier, never later", async () => {
		expect(await check(["clicked@example.com", "older@example.com"], "news")).toEqual([
			{ email: "clicked@example.com", suppressed: true, since: iso(STORED_IN_EXPORT) },
			{ email: "older@example.com", suppressed: true, since: iso(Date.UTC(2023, 0, 1)) },
		]);
	});

	it("suppresses nothing else: other addresses, invalid rows, other lists", async () => {
		const others = await check(["stranger@example.com", "reader3000@example.com", "a@b.example.com"], "news");
		expect(others.map((r) => r.suppressed)).toEqual([false, false, false]);
		expect(await check(["reader7@example.com"], "offers")).toEqual([
			{ email: "reader7@example.com", suppressed: false },
		]);
		expect(await check(["reader7@example.com"], "*")).toEqual([
			{ email: "reader7@example.com", suppressed: true, since: iso(readerSince(7)) },
		]);
	});
});
