/**
 * drizzle builds each statement from the schema (values encoded by its column mappers) and decodes
 * each row the same way; D1 runs the statement. drizzle's D1 driver (drizzle-orm/d1) is left out: it
 * brings drizzle's session, relational-query and cache layers, about 4 KiB of the script gzipped, to
 * do what the few functions here do (test/browser/bundle-inputs.test.ts keeps it out).
 */
import { mapResultRow, orderSelectedFields } from "drizzle-orm";
import {
	QueryBuilder,
	SQLiteAsyncDialect,
	SQLiteDeleteBase,
	SQLiteInsertBuilder,
	type SQLiteTable,
	SQLiteUpdateBuilder,
} from "drizzle-orm/sqlite-core";

/** A D1 database or a session on one: both prepare statements and run batches. */
export type D1Runner = D1Database | D1DatabaseSession;

export interface BuiltQuery {
	toSQL(): { sql: string; params: unknown[] };
}

/**
 * A select: its SQL, the fields it selects (by result key; with a whole-table select joined, one
 * object of columns per table, which only the config has: `selectedFields` keeps the first table's)
 * and its result's type.
 */
export interface SelectQuery<Row> extends BuiltQuery {
	readonly _: { readonly config: { readonly fields: object }; readonly result: Row[] };
}

const dialect = new SQLiteAsyncDialect();
// The builders are given no session: they are only turned into SQL (toSQL), never run by drizzle.
const NO_SESSION = undefined as never;

/** Builds selects: `selectQuery.select(...).from(table).where(...)`. */
export const selectQuery = new QueryBuilder(dialect);

export function insertQuery<T extends SQLiteTable>(table: T) {
	return new SQLiteInsertBuilder<T, "async", D1Result>(table, NO_SESSION, dialect);
}

export function updateQuery<T extends SQLiteTable>(table: T) {
	return new SQLiteUpdateBuilder<T, "async", D1Result>(table, NO_SESSION, dialect);
}

export function deleteQuery<T extends SQLiteTable>(table: T) {
	return new SQLiteDeleteBase<T, "async", D1Result>(table, NO_SESSION, dialect);
}

/** The query as a D1 statement, its parameters bound. */
export function statement(d1: D1Runner, query: BuiltQuery): D1PreparedStatement {
	const { sql, params } = query.toSQL();
	return d1.prepare(sql).bind(...params);
}

/** A selected field and where its value goes in the row (`["consent_records", "version"]` in a join's). */
interface SelectedField {
	path: string[];
	field: unknown;
}

// drizzle's own row decoding, which its D1 driver uses: exported by drizzle-orm, though not in its types.
declare module "drizzle-orm" {
	function orderSelectedFields(fields: object): SelectedField[];
	function mapResultRow(
		fields: SelectedField[],
		row: unknown[],
		joinsNotNullableMap: Record<string, boolean> | undefined,
	): unknown;
}

/**
 * Decodes a query's rows as drizzle's D1 driver does: by position, each value by its field's decoder
 * (a column's mapper, an expression's mapWith), into the selected shape (a join's tables nested, a
 * left-joined table with no row null). By position, not by name: an expression's column is named by
 * its SQL, and two tables' columns of the same name (a join) would come back as one.
 */
function rowDecoder<Row>(query: SelectQuery<Row>): {
	fieldCount: number;
	decode: (values: unknown[]) => Row;
} {
	const fields = orderSelectedFields(query._.config.fields);
	// Which of a join's tables may be missing from a row (internal to drizzle's builder, which passes it to the driver).
	const { joinsNotNullableMap } = query as { joinsNotNullableMap?: Record<string, boolean> };
	return {
		fieldCount: fields.length,
		decode: (values) => mapResultRow(fields, values, joinsNotNullableMap) as Row,
	};
}

export async function selectRows<Row>(d1: D1Runner, query: SelectQuery<Row>): Promise<Row[]> {
	const rows = await statement(d1, query).raw();
	const { decode } = rowDecoder(query);
	return rows.map(decode);
}

/** The first row, or undefined (as drizzle's `.get()`: the query's own LIMIT, if any). */
export async function selectFirst<Row>(d1: D1Runner, query: SelectQuery<Row>): Promise<Row | undefined> {
	const [first] = await statement(d1, query).raw();
	return first ? rowDecoder(query).decode(first) : undefined;
}

/**
 * A batch's rows come keyed by column name (D1 has no raw batch), in column order: their values are
 * in the fields' order unless two columns share a name (the later one's value kept, once) or a name
 * is an integer, which objects put first. Refused, then, rather than read into the wrong fields.
 */
function batchRowValues(raw: Record<string, unknown>, fieldCount: number): unknown[] {
	const names = Object.keys(raw);
	if (names.length !== fieldCount || names.some((name) => /^\d+$/.test(name))) {
		throw new Error(
			`a batched select's result columns (${names.length} for ${fieldCount} fields) share a name or are named by a number: alias them (sql\`...\`.as(name))`,
		);
	}
	return Object.values(raw);
}

/** Selects run in one batch (one round trip, one snapshot), each one's rows decoded. */
export async function selectBatch<const Q extends readonly SelectQuery<unknown>[]>(
	d1: D1Runner,
	queries: Q,
): Promise<{ [I in keyof Q]: Q[I]["_"]["result"] }> {
	const results = await d1.batch<Record<string, unknown>>(queries.map((query) => statement(d1, query)));
	return queries.map((query, i) => {
		const { fieldCount, decode } = rowDecoder(query);
		return (results[i]?.results ?? []).map((raw) => decode(batchRowValues(raw, fieldCount)));
	}) as { [I in keyof Q]: Q[I]["_"]["result"] };
}
