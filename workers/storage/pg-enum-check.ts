/**
 * Stands in for drizzle-orm/pg-core/columns/enum.js where drizzle's SQL builder (drizzle-orm/sql/sql.js)
 * imports it, by wrangler.toml's `[alias]`. The builder only asks it whether a chunk is a Postgres
 * `pgEnum()`, yet the module's column classes brought drizzle's Postgres columns, foreign keys and
 * array codec along (about 1 KiB of the script gzipped) into a project that is SQLite only.
 */

const IS_PG_ENUM = Symbol.for("drizzle:isPgEnum");

/** drizzle's own test, as enum.js writes it: a pgEnum() is a function carrying this flag. */
export function isPgEnum(value: unknown): boolean {
	return (
		!!value &&
		typeof value === "function" &&
		IS_PG_ENUM in value &&
		(value as unknown as Record<symbol, unknown>)[IS_PG_ENUM] === true
	);
}
