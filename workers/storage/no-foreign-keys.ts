/**
 * Stands in for drizzle-orm/sqlite-core/foreign-keys.js where drizzle's SQLite column builder
 * (sqlite-core/columns/common.js) imports it, by wrangler.toml's `[alias]`. A column's `.references()`
 * is built into a foreign key as its table is made; the schema's columns declare none (schema.ts), so
 * drizzle's key builder came along for nothing. A column that declares one makes the script fail as
 * it starts, here, rather than run without its key: then this alias goes.
 */
export class ForeignKeyBuilder {
	constructor() {
		throw new Error(
			"A schema column declares a foreign key (.references()): remove storage/no-foreign-keys.ts's alias from wrangler.toml",
		);
	}
}
