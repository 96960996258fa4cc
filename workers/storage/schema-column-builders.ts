/**
 * Stands in for drizzle's `columns/all.js` where a table module imports it, by wrangler.toml's
 * `[alias]`. sqliteTable (sqlite-core/table.js) hands these builders to a schema written as
 * `sqliteTable(name, (t) => ({ ... }))`; all.js brought every SQLite column type for that (blob,
 * numeric, real, customType: about 0.6 KiB of the script gzipped), while storage/schema.ts passes
 * its columns as an object and uses integer and text only (each table imports what it uses).
 */
import { integer } from "drizzle-orm/sqlite-core/columns/integer";
import { text } from "drizzle-orm/sqlite-core/columns/text";

/** The column types storage/schema.ts uses; add one here before a table built by callback uses it. */
export function getSQLiteColumnBuilders() {
	return { integer, text };
}

/**
 * pg-core's table.js imports the same path. esbuild reads it (drizzle-orm's index re-exports its
 * relations module, which imports a pg-core class) but nothing of it reaches the script, so this is
 * never called; without the name the build fails.
 */
export function getPgColumnBuilders(): never {
	throw new Error("drizzle's Postgres columns are not in the Worker's script (wrangler.toml [alias])");
}
