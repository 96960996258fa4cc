/**
 * Prepared statements for the hot queries. D1 has no server-side prepared statements, and drizzle
 * prepares against one client, while every request here talks to its own D1 session. What costs is
 * drizzle building the SQL text and checking its entities on every call, so the hot queries are
 * built once per isolate by drizzle from the schema, with placeholders, and each request only binds
 * values (encoded by the schema's own column mappers) and maps rows back the same way.
 */
import { getTableColumns, is, Param, Placeholder, type Table } from "drizzle-orm";

type Values = Readonly<Record<string, unknown>>;

export interface PreparedSql {
	readonly sql: string;
	/** The statement's parameters for these placeholder values, encoded as drizzle would. */
	bind(values: Values): unknown[];
}

function encoderFor(param: unknown): (values: Values) => unknown {
	if (is(param, Param) && is(param.value, Placeholder)) {
		const name = param.value.name;
		const encoder = param.encoder;
		return (values) => {
			const value = values[name];
			if (value === undefined) throw new Error(`no value for placeholder "${name}"`);
			return value === null ? null : encoder.mapToDriverValue(value);
		};
	}
	if (is(param, Placeholder)) {
		const name = param.name;
		return (values) => {
			const value = values[name];
			if (value === undefined) throw new Error(`no value for placeholder "${name}"`);
			return value;
		};
	}
	return () => param;
}

/** Compiles a drizzle query once: its SQL text and how to bind each placeholder. */
export function prepareSql(query: { toSQL(): { sql: string; params: unknown[] } }): PreparedSql {
	const { sql, params } = query.toSQL();
	const encoders = params.map(encoderFor);
	return { sql, bind: (values) => encoders.map((encode) => encode(values)) };
}

/**
 * prepareSql on the statement's first use, not as the script loads: drizzle building the SQL text
 * cost a new isolate's start-up about 5 ms of its 11-14 (bench/startup.mjs), paid by every first request
 * though most answer without D1 (a cookie, KV, the guard). A use after the first is one more call.
 */
export function prepareSqlOnFirstUse(
	query: () => { toSQL(): { sql: string; params: unknown[] } },
): PreparedSql {
	let prepared: PreparedSql | undefined;
	const compiled = () => {
		prepared ??= prepareSql(query());
		return prepared;
	};
	return {
		get sql() {
			return compiled().sql;
		},
		bind: (values) => compiled().bind(values),
	};
}

/** Maps a raw D1 row (keyed by column name) to the table's typed row, with its column mappers. */
export function rowMapper<T extends Table>(table: T): (raw: Record<string, unknown>) => T["$inferSelect"] {
	const columns = Object.entries(getTableColumns(table));
	return (raw) => {
		const row: Record<string, unknown> = {};
		for (const [key, column] of columns) {
			const value = raw[column.name];
			row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
		}
		return row as T["$inferSelect"];
	};
}
