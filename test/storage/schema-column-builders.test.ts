/**
 * storage/schema-column-builders.ts stands in for drizzle's sqlite-core/columns/all.js in the Worker's
 * script (wrangler.toml's `[alias]`): a table written with a callback must come out as drizzle builds it.
 */
import { getTableColumns } from "drizzle-orm";
import { getTableConfig, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { getSQLiteColumnBuilders as drizzleColumnBuilders } from "drizzle-orm/sqlite-core/columns/all";
import { describe, expect, it } from "vitest";
import * as schema from "../../workers/storage/drizzle-kit-schema";
import { getPgColumnBuilders, getSQLiteColumnBuilders } from "../../workers/storage/schema-column-builders";

type Builders = Pick<ReturnType<typeof drizzleColumnBuilders>, "integer" | "text">;

/**
 * A table of each kind of column storage/schema.ts declares, its columns made by `t` as a callback's
 * are (called here, to compare with drizzle's own all.js builders, which sqliteTable no longer hands
 * out in this pool: it applies wrangler.toml's `[alias]`).
 */
function callbackTable(t: Builders) {
	return sqliteTable("t", {
		id: t.text("id").primaryKey(),
		count: t.integer("count").notNull(),
		at: t.integer("at", { mode: "timestamp_ms" }),
		flag: t.integer("flag", { mode: "boolean" }),
		doc: t.text("doc", { mode: "json" }).$type<Record<string, boolean>>(),
	});
}

/** What a column is, as drizzle's SQL builder and row decoder read it. */
function columnShapes(table: ReturnType<typeof callbackTable>) {
	return Object.values(getTableColumns(table)).map((column) => ({
		name: column.name,
		type: column.columnType,
		sqlType: column.getSQLType(),
		primary: column.primary,
		notNull: column.notNull,
		decoded: column.mapFromDriverValue(column.columnType === "SQLiteTextJson" ? '{"a":true}' : 1),
	}));
}

describe("getSQLiteColumnBuilders, drizzle's callback builders for the schema's column types", () => {
	it("builds a callback table's columns as drizzle's own builders do", () => {
		const ours = callbackTable(getSQLiteColumnBuilders());
		const drizzles = callbackTable(drizzleColumnBuilders());
		expect(columnShapes(ours)).toEqual(columnShapes(drizzles));
		expect(getTableConfig(ours).primaryKeys).toEqual(getTableConfig(drizzles).primaryKeys);
	});

	it("covers every column type storage/schema.ts uses", () => {
		const available = new Set(
			Object.values(getTableColumns(callbackTable(getSQLiteColumnBuilders()))).map(
				(column) => column.columnType,
			),
		);
		const used = Object.values(schema)
			.filter((table) => typeof table === "object")
			.flatMap((table) => Object.values(getTableColumns(table)).map((column) => column.columnType));
		expect(used.length).toBeGreaterThan(0);
		expect(used.filter((type) => !available.has(type))).toEqual([]);
	});

	it("hands out drizzle's integer and text", () => {
		expect(getSQLiteColumnBuilders()).toEqual({ integer, text });
	});

	it("says so if pg-core's table module ever calls it", () => {
		expect(() => getPgColumnBuilders()).toThrow(/Postgres columns are not in the Worker's script/);
	});
});
