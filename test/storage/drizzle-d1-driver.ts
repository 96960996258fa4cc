/**
 * drizzle's own D1 driver's select and insert, as `drizzle(d1)` makes them, for tests that check
 * storage against it. drizzle-orm/d1 cannot run in this pool as it is: its database class takes its
 * builders from sqlite-core's "./query-builders/index.js", which wrangler.toml's `[alias]` turns into
 * storage's copies, without the methods that run on a session (as in the deployed script). Imported by
 * their own paths, which no alias names, the builders, dialect and D1 session here are drizzle's.
 */
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { SQLiteD1Session } from "drizzle-orm/d1/session";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core/dialect";
import { SQLiteInsertBuilder } from "drizzle-orm/sqlite-core/query-builders/insert";
import { SQLiteSelectBuilder } from "drizzle-orm/sqlite-core/query-builders/select";

export function drizzleD1Driver(d1: D1Database): Pick<DrizzleD1Database, "select" | "insert"> {
	const dialect = new SQLiteAsyncDialect();
	const session = new SQLiteD1Session(d1, dialect, undefined);
	const driver = {
		select: (fields?: object) => new SQLiteSelectBuilder({ fields: fields as never, session, dialect }),
		insert: (table: never) => new SQLiteInsertBuilder(table, session, dialect),
	};
	return driver as unknown as Pick<DrizzleD1Database, "select" | "insert">;
}
