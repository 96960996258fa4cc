/**
 * The workers pool resolves wrangler.toml's `[alias]` as wrangler does for the deployed script
 * (vitest.config.ts), so the workers tests run drizzle's SQLite dialect and query builders as the
 * Worker carries them (storage/'s copies and stand-ins): a builder method the copies leave out fails
 * in these tests as in `wrangler dev` and the deployed script. One check per alias, but the pg-core
 * enum's, whose stand-in answers exactly as drizzle's does (pg-enum-check.test.ts).
 */
import { sql } from "drizzle-orm";
import { CasingCache } from "drizzle-orm/casing";
import {
	QueryBuilder,
	SQLiteAsyncDialect,
	SQLiteSelectBase,
	sqliteTable,
	text,
} from "drizzle-orm/sqlite-core";
import { QueryBuilder as DrizzleQueryBuilder } from "drizzle-orm/sqlite-core/query-builders/query-builder";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CasingCache as CasingStandIn } from "../../workers/storage/drizzle-casing";
import { consentSubjects } from "../../workers/storage/drizzle-kit-schema";
import { tracer } from "../../workers/storage/drizzle-tracer";

interface Copies {
	SQLiteAsyncDialect: typeof SQLiteAsyncDialect;
	SQLiteSyncDialect: typeof SQLiteAsyncDialect;
	QueryBuilder: typeof QueryBuilder;
	SQLiteSelectBase: typeof SQLiteSelectBase;
}
// The copies are generated JavaScript without types; a variable keeps TypeScript from asking for them.
const DIALECT_COPY = "../../workers/storage/sqlite-dialect.js";
const BUILDERS_COPY = "../../workers/storage/sqlite-query-builders/index.js";
const dialectCopy = (await import(/* @vite-ignore */ DIALECT_COPY)) as Copies;
const builderCopies = (await import(/* @vite-ignore */ BUILDERS_COPY)) as Copies;

afterEach(() => {
	vi.restoreAllMocks();
});

describe("wrangler.toml's [alias] in the workers pool", () => {
	it("gives drizzle-orm/sqlite-core storage's copies of the dialect and query builders", () => {
		expect(SQLiteAsyncDialect).toBe(dialectCopy.SQLiteAsyncDialect);
		expect(QueryBuilder).toBe(builderCopies.QueryBuilder);
		expect(SQLiteSelectBase).toBe(builderCopies.SQLiteSelectBase);
		expect(SQLiteAsyncDialect.prototype).not.toHaveProperty("buildRelationalQuery");
	});

	it("leaves out the builder methods the copies leave out, as the deployed script does", () => {
		const builder = new QueryBuilder(new SQLiteAsyncDialect());
		expect(builder).not.toHaveProperty("selectDistinct");
		expect(builder).not.toHaveProperty("$with");
		const select = builder.select().from(consentSubjects);
		expect(select).not.toHaveProperty("union");
		expect(select).not.toHaveProperty("all");
		expect(select.toSQL().sql).toMatch(/^select .* from "consent_subjects"$/);
	});

	it("gives drizzle's own query-builder module the copied dialect (../dialect.js)", () => {
		// Imported by its own path (no alias), its default dialect comes from ../dialect.js.
		const builder = new DrizzleQueryBuilder() as unknown as { getDialect(): object };
		expect(builder.getDialect()).toBeInstanceOf(dialectCopy.SQLiteSyncDialect);
	});

	it("gives drizzle-orm/casing the stand-in, which refuses a casing", () => {
		expect(CasingCache).toBe(CasingStandIn);
		expect(() => new SQLiteAsyncDialect({ casing: "snake_case" })).toThrow(/snake_case/);
	});

	it("builds a statement's text through the tracer's stand-in (drizzle's sql.js, ../tracing.js)", () => {
		const span = vi.spyOn(tracer, "startActiveSpan");
		new SQLiteAsyncDialect().sqlToQuery(sql`select ${1}`);
		expect(span).toHaveBeenCalled();
	});

	it("makes a column declaring a foreign key stop the table (../foreign-keys.js)", () => {
		expect(() =>
			sqliteTable("with_key", { subject: text("subject").references(() => consentSubjects.subject) }),
		).toThrow(/foreign key/);
	});

	it("hands a table written as a callback only the schema's column types (./columns/all.js)", () => {
		let given: string[] = [];
		sqliteTable("by_callback", (t) => {
			given = Object.keys(t).sort();
			return { id: t.text("id") };
		});
		expect(given).toEqual(["integer", "text"]);
	});
});
