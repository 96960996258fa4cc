/**
 * D1 access for email suppressions: the only module that knows their SQL, including the SQL text
 * the import CLI writes to files for `wrangler d1 execute`. Rows are keyed by (address hash, list);
 * a repeat unsubscribe keeps the first time and adds nothing. An import carries past dates, so it
 * keeps the earliest: a row it names gets the import's date (and source) only when that is earlier,
 * and never an erasure's row, whose source is the evidence of the erasure.
 * A statement binds at most 100 parameters (a D1 limit), so bulk lookups are chunked.
 */
import { and, eq, inArray, or } from "drizzle-orm";
import { ALL_LISTS } from "../email/mailing-list";
import { linkedSubjectsEmailOffStatements } from "./import-linked-subjects";
import { insertQuery, selectBatch, selectQuery, selectRows, statement } from "./queries";
import { emailHashAliasesTable, emailSuppressionsTable } from "./schema";

// Named by the list module (a leaf, which the import CLI's Node code loads without D1's types).
export { ALL_LISTS };

/**
 * How it arrived: a one-click POST, the unsubscribe page, an import, an admin's API call
 * (suppression-add.ts), or the erasure of a subject that had opted out of email (erasure-suppression.ts).
 */
export type SuppressionSource =
	| "one-click"
	| "link"
	| "import"
	| "api"
	| "mailto"
	| "complaint"
	| "request"
	| "erasure";

export interface Suppression {
	readonly list: string;
	readonly since: Date;
	readonly source: string;
}

export interface SuppressionStatus {
	readonly suppressed: boolean;
	/** The earliest matching suppression. */
	readonly since?: Date;
}

export interface ImportRow {
	readonly emailHash: string;
	/** The address's hashes from before `ς` was folded: subjects linked under them are reached too. */
	readonly legacyHashes?: readonly string[];
	readonly list: string;
	readonly createdAt: number;
}

/** Parameters per lookup statement: the hashes plus the list, under D1's 100. */
const HASHES_PER_STATEMENT = 98;
/** Rows per INSERT in an import file, well under D1's 100 KB of SQL per statement. */
export const IMPORT_ROWS_PER_STATEMENT = 200;

export class SuppressionRepository {
	private readonly db: D1Database;

	private constructor(db: D1Database) {
		this.db = db;
	}

	static open(d1: D1Database): SuppressionRepository {
		return new SuppressionRepository(d1);
	}

	/**
	 * Records a suppression; true when it is new, false when the address was already suppressed for
	 * the list, under its hash or one of its `legacyHashes` (email-address.ts emailHashes).
	 */
	async suppress(
		emailHash: string,
		list: string,
		source: SuppressionSource,
		now: number,
		legacyHashes: readonly string[] = [],
	): Promise<boolean> {
		// Only for exports: the row below is what stops the mail.
		await this.recordAliases(emailHash, legacyHashes);
		if (legacyHashes.length > 0 && (await this.listForAddress(legacyHashes)).some((s) => s.list === list))
			return false;
		const result = await statement(
			this.db,
			insertQuery(emailSuppressionsTable())
				.values({ emailHash, list, createdAt: new Date(now), source })
				.onConflictDoNothing(),
		).run();
		return result.meta.changes > 0;
	}

	/**
	 * Pairs an address's folded hash with its `legacyHashes` (schema.ts emailHashAliasesTable). Best
	 * effort: only exports read the pairs, so a failure is logged and the caller's write goes on.
	 */
	async recordAliases(emailHash: string, legacyHashes: readonly string[]): Promise<void> {
		if (legacyHashes.length === 0) return;
		const rows = legacyHashes.map((legacyHash) => ({ emailHash, legacyHash }));
		await statement(this.db, insertQuery(emailHashAliasesTable()).values(rows).onConflictDoNothing())
			.run()
			.catch((err: unknown) => console.error("recording an address's older hashes failed", err));
	}

	/**
	 * The hashes recorded for the address hashed `emailHash`: itself, its folded hash when it is an
	 * older one, and every older hash of the folded one.
	 */
	async addressHashes(emailHash: string): Promise<string[]> {
		const aliases = emailHashAliasesTable();
		const folded = selectQuery
			.select({ emailHash: aliases.emailHash })
			.from(aliases)
			.where(eq(aliases.legacyHash, emailHash));
		const rows = await selectRows(
			this.db,
			selectQuery
				.select()
				.from(aliases)
				.where(or(eq(aliases.emailHash, emailHash), inArray(aliases.emailHash, folded))),
		);
		return [...new Set([emailHash, ...rows.flatMap((row) => [row.emailHash, row.legacyHash])])];
	}

	/**
	 * Whether an address is suppressed for `list`: by that list or globally (`*`). Asking for `*`
	 * means any list at all.
	 */
	async status(hashes: readonly string[], list: string): Promise<SuppressionStatus> {
		return earliestStatus(await this.statuses(hashes, list));
	}

	/**
	 * Whether mail to `list` is stopped for an address, by a suppression of that list or of every list;
	 * for `*`, by a suppression of every list only (not any list, as `status` reads it): what a
	 * suppression of `list` just recorded has made true, and since when.
	 */
	async coveredStatus(hashes: readonly string[], list: string): Promise<SuppressionStatus> {
		return earliestStatus(await this.statuses(hashes, list, true));
	}

	/** Statuses for many hashes, in input order, in one batch of statements of at most 100 parameters. */
	async statuses(
		hashes: readonly string[],
		list: string,
		everyListOnly = false,
	): Promise<SuppressionStatus[]> {
		const unique = [...new Set(hashes)];
		if (unique.length === 0) return [];
		const queries = [];
		for (let i = 0; i < unique.length; i += HASHES_PER_STATEMENT) {
			queries.push(this.lookup(unique.slice(i, i + HASHES_PER_STATEMENT), list, everyListOnly));
		}
		const results = await selectBatch(this.db, queries);
		const earliest = new Map<string, Date>();
		for (const rows of results) {
			for (const row of rows) {
				const known = earliest.get(row.emailHash);
				if (!known || row.createdAt < known) earliest.set(row.emailHash, row.createdAt);
			}
		}
		return hashes.map((hash) => {
			const since = earliest.get(hash);
			return since ? { suppressed: true, since } : { suppressed: false };
		});
	}

	private lookup(hashes: string[], list: string, everyListOnly: boolean) {
		const emailSuppressions = emailSuppressionsTable();
		const hashMatch = inArray(emailSuppressions.emailHash, hashes);
		const where =
			list === ALL_LISTS && !everyListOnly
				? hashMatch
				: and(hashMatch, inArray(emailSuppressions.list, [...new Set([list, ALL_LISTS])]));
		return selectQuery
			.select({ emailHash: emailSuppressions.emailHash, createdAt: emailSuppressions.createdAt })
			.from(emailSuppressions)
			.where(where);
	}

	/** Every suppression of one address (under any of its hashes), for a data subject's export. */
	async listForAddress(hashes: readonly string[]): Promise<Suppression[]> {
		const emailSuppressions = emailSuppressionsTable();
		const rows = await selectRows(
			this.db,
			selectQuery
				.select()
				.from(emailSuppressions)
				.where(inArray(emailSuppressions.emailHash, [...hashes]))
				.orderBy(emailSuppressions.createdAt),
		);
		return rows.map((row) => ({ list: row.list, since: row.createdAt, source: row.source }));
	}
}

/** One address's status from those of its hashes: suppressed by any, since the earliest. */
export function earliestStatus(statuses: readonly SuppressionStatus[]): SuppressionStatus {
	let since: Date | undefined;
	for (const s of statuses) if (s.since && (!since || s.since < since)) since = s.since;
	return since ? { suppressed: true, since } : { suppressed: false };
}

/** A SQL string literal. Import values are already restricted; this keeps the file safe regardless. */
function literal(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One row per (address, list), with the earliest date: an export may list an address more than
 * once, and a later duplicate must not make someone look suppressed only since then.
 */
export function earliestImportRows(rows: readonly ImportRow[]): ImportRow[] {
	const earliest = new Map<string, ImportRow>();
	for (const row of rows) {
		const id = `${row.emailHash} ${row.list}`;
		const known = earliest.get(id);
		// Spellings of one Greek address may differ in their older hashes: keep them all.
		const legacyHashes = [...new Set([...(known?.legacyHashes ?? []), ...(row.legacyHashes ?? [])])];
		const kept = !known || row.createdAt < known.createdAt ? row : known;
		earliest.set(id, legacyHashes.length > 0 ? { ...kept, legacyHashes } : kept);
	}
	return [...earliest.values()];
}

/**
 * SQL text inserting imported suppressions, for `wrangler d1 execute --file` (which binds nothing,
 * so values are inlined as literals): per IMPORT_ROWS_PER_STATEMENT rows, a `SELECT ... AS present`
 * counting those already stored (index lookups, so a large table is not scanned), then an insert
 * that leaves a stored row alone unless the import dates it earlier (the earliest date wins, with
 * its source), the older hashes of Greek addresses paired with their folded ones (for exports), then
 * `email` turned off for the subjects linked to those addresses, as a one-click
 * unsubscribe does (import-linked-subjects.ts). The importer sums `present` to tell new rows from
 * known ones.
 */
export function importStatements(rows: readonly ImportRow[], now = Date.now()): string {
	const statements: string[] = [];
	for (let i = 0; i < rows.length; i += IMPORT_ROWS_PER_STATEMENT) {
		const chunk = rows.slice(i, i + IMPORT_ROWS_PER_STATEMENT);
		// Each row with its older hashes: an address stored under one of them is present, not new.
		const keys = chunk.flatMap((r, n) =>
			[r.emailHash, ...(r.legacyHashes ?? [])].map((h) => `(${n}, ${literal(h)}, ${literal(r.list)})`),
		);
		const values = chunk.map(
			(r) =>
				`(${literal(r.emailHash)}, ${literal(r.list)}, ${Math.trunc(r.createdAt)}, ${literal("import")})`,
		);
		statements.push(
			`SELECT count(DISTINCT k.column1) AS present FROM (VALUES ${keys.join(", ")}) AS k JOIN email_suppressions s ON s.email_hash = k.column2 AND s.list = k.column3;`,
			`INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES\n${values.join(",\n")}\n` +
				"ON CONFLICT (email_hash, list) DO UPDATE SET created_at = excluded.created_at, source = excluded.source\n" +
				"WHERE excluded.created_at < email_suppressions.created_at AND email_suppressions.source <> 'erasure';",
			...aliasStatements(chunk),
			linkedSubjectsEmailOffStatements(
				chunk.flatMap((r) => [r, ...(r.legacyHashes ?? []).map((emailHash) => ({ ...r, emailHash }))]),
				now,
			),
		);
	}
	return statements.length > 0 ? `${statements.join("\n")}\n` : "";
}

/** The rows' older hashes paired with their folded ones (SuppressionRepository.recordAliases). */
function aliasStatements(rows: readonly ImportRow[]): string[] {
	const pairs = rows.flatMap((r) =>
		(r.legacyHashes ?? []).map((legacy) => `(${literal(r.emailHash)}, ${literal(legacy)})`),
	);
	if (pairs.length === 0) return [];
	return [
		`INSERT INTO email_hash_aliases (email_hash, legacy_hash) VALUES ${pairs.join(", ")} ON CONFLICT DO NOTHING;`,
	];
}
