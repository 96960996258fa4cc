/**
 * drizzle builds each statement from the schema (values encoded by its column mappers) and decodes
 * each row the same way; D1 runs the statement. drizzle's D1 driver (drizzle-orm/d1) is left out: it
 * brings drizzle's session, relational-query and cache layers, about 4 KiB of the script gzipped, to
 * do what the few functions here do (test/browser/bundle-inputs.test.ts keeps it out).
 */
import type { Column } from "drizzle-orm";
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

/** A select: its SQL, the columns it selects (by result key) and its result's type. */
export interface SelectQuery<Row> extends BuiltQuery {
	readonly _: { readonly selectedFields: object; readonly result: Row[] };
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

/**
 * Decodes raw D1 rows (keyed by column name) into rows keyed by the selected fields' names, each value
 * by its column's mapper. Every select here reads one table's columns, so column names do not clash.
 */
export function columnsDecoder<Row>(fields: object): (raw: Record<string, unknown>) => Row {
	const columns = Object.entries(fields) as [string, Column][];
	return (raw) => {
		const row: Record<string, unknown> = {};
		for (const [key, column] of columns) {
			const value = raw[column.name];
			row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
		}
		return row as Row;
	};
}

export function decodeRows<Row>(query: SelectQuery<Row>, raw: readonly Record<string, unknown>[]): Row[] {
	return raw.map(columnsDecoder<Row>(query._.selectedFields));
}

export async function selectRows<Row>(d1: D1Runner, query: SelectQuery<Row>): Promise<Row[]> {
	const { results } = await statement(d1, query).all<Record<string, unknown>>();
	return decodeRows(query, results);
}

/** The first row, or undefined (as drizzle's `.get()`: the query's own LIMIT, if any). */
export async function selectFirst<Row>(d1: D1Runner, query: SelectQuery<Row>): Promise<Row | undefined> {
	const raw = await statement(d1, query).first<Record<string, unknown>>();
	return raw ? columnsDecoder<Row>(query._.selectedFields)(raw) : undefined;
}

/** Selects run in one batch (one round trip, one snapshot), each one's rows decoded. */
export async function selectBatch<const Q extends readonly SelectQuery<unknown>[]>(
	d1: D1Runner,
	queries: Q,
): Promise<{ [I in keyof Q]: Q[I]["_"]["result"] }> {
	const results = await d1.batch<Record<string, unknown>>(queries.map((query) => statement(d1, query)));
	return queries.map((query, i) => decodeRows(query, results[i]?.results ?? [])) as {
		[I in keyof Q]: Q[I]["_"]["result"];
	};
}
