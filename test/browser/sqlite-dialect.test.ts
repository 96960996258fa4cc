/**
 * storage/sqlite-dialect.js and storage/sqlite-query-builders/ stand in for drizzle's SQLite dialect
 * and query builders in the Worker's script and the workers pool (wrangler.toml's `[alias]`): copies
 * of drizzle's own files, less the relational-query builder, the migrator, what runs on a session, and
 * set operators, common table expressions, selectDistinct, inserts from a select and joins in an
 * update. Here, under Node (no alias, so drizzle's own are at hand), the copies must be current with
 * the installed drizzle-orm, keep every other method, and build the same SQL and parameters as
 * drizzle's for each kind of statement storage builds.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { and, desc, eq, getTableColumns, gt, inArray, is, sql } from "drizzle-orm";
import { CasingCache as DrizzleCasingCache } from "drizzle-orm/casing";
import {
	QueryBuilder,
	SQLiteAsyncDialect,
	SQLiteDeleteBase,
	SQLiteDialect,
	SQLiteInsertBase,
	SQLiteInsertBuilder,
	SQLiteSelectBase,
	SQLiteSelectBuilder,
	SQLiteSelectQueryBuilderBase,
	SQLiteSyncDialect,
	SQLiteTable,
	SQLiteUpdateBase,
	SQLiteUpdateBuilder,
} from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { CasingCache } from "../../workers/storage/drizzle-casing";
import * as schema from "../../workers/storage/drizzle-kit-schema";
import {
	consentRecords,
	consentSubjects,
	emailSuppressions,
	idempotencyKeys,
	pendingCacheDrops,
} from "../../workers/storage/drizzle-kit-schema";

const ROOT = new URL("../..", import.meta.url);
const DIALECT_LEFT_OUT = ["buildRelationalQuery", "migrate", "buildSetOperations", "buildSetOperationQuery"];
const SESSION = ["_prepare", "prepare", "execute"];
/** The builders' classes, and the prototype methods each copy leaves out (fields are not on a prototype). */
const BUILDER_LEFT_OUT = {
	QueryBuilder: ["with", "selectDistinct"],
	SQLiteSelectBuilder: [],
	SQLiteSelectQueryBuilderBase: ["createSetOperator", "addSetOperators"],
	SQLiteSelectBase: [...SESSION, "$withCache"],
	SQLiteInsertBuilder: ["select"],
	SQLiteInsertBase: SESSION,
	SQLiteUpdateBuilder: [],
	SQLiteUpdateBase: [...SESSION, "from", "createJoin"],
	SQLiteDeleteBase: SESSION,
} as const;

const drizzles = { SQLiteDialect, SQLiteSyncDialect, SQLiteAsyncDialect };
type Dialects = typeof drizzles;
const drizzleBuilders = {
	QueryBuilder,
	SQLiteSelectBuilder,
	SQLiteSelectQueryBuilderBase,
	SQLiteSelectBase,
	SQLiteInsertBuilder,
	SQLiteInsertBase,
	SQLiteUpdateBuilder,
	SQLiteUpdateBase,
	SQLiteDeleteBase,
};
type Builders = typeof drizzleBuilders;
const copy = (await import(new URL("workers/storage/sqlite-dialect.js", ROOT).href)) as Dialects;
const builderCopies = (await import(
	new URL("workers/storage/sqlite-query-builders/index.js", ROOT).href
)) as Builders;

function methods(prototype: object): string[] {
	return Object.getOwnPropertyNames(prototype).sort();
}

/** Statements of each shape storage/ builds (as queries.ts does, with drizzle's dialect and builders or the copies). */
function statements(dialect: SQLiteDialect, builders: Builders) {
	const { QueryBuilder, SQLiteDeleteBase, SQLiteInsertBuilder, SQLiteUpdateBuilder } = builders;
	const NO_SESSION = undefined as never;
	const select = new QueryBuilder(dialect);
	const at = new Date(Date.UTC(2026, 10, 29));
	return {
		"select of a whole table": select.select().from(consentSubjects).where(eq(consentSubjects.subject, "s")),
		"select of fields, ordered and limited": select
			.select({ version: consentRecords.version, purposes: consentRecords.purposes })
			.from(consentRecords)
			.where(and(eq(consentRecords.subject, "s"), gt(consentRecords.createdAt, at)))
			.orderBy(desc(consentRecords.version))
			.limit(25)
			.offset(5),
		"select of SQL fields, grouped": select
			.select({ list: emailSuppressions.list, count: sql<number>`count(*)`.as("n") })
			.from(emailSuppressions)
			.where(inArray(emailSuppressions.emailHash, ["a", "b"]))
			.groupBy(emailSuppressions.list),
		"select with joins": select
			.select()
			.from(consentSubjects)
			.innerJoin(consentRecords, eq(consentRecords.recordId, consentSubjects.lastRecordId))
			.leftJoin(idempotencyKeys, eq(idempotencyKeys.subject, consentSubjects.subject))
			.where(sql`json_extract(${consentSubjects.purposes}, ${"$.ads"}) IS NOT 0`),
		upsert: new SQLiteInsertBuilder(consentSubjects, NO_SESSION, dialect)
			.values({
				subject: "s",
				version: 2,
				purposes: { ads: false },
				sources: { ads: "gpc" },
				lastRecordId: "r",
				createdAt: at,
				updatedAt: at,
			})
			.onConflictDoUpdate({ target: consentSubjects.subject, set: { version: sql`excluded.version` } }),
		"insert of rows ignoring conflicts, returning": new SQLiteInsertBuilder(
			emailSuppressions,
			NO_SESSION,
			dialect,
		)
			.values([
				{ emailHash: "a", list: "*", createdAt: at, source: "api" },
				{ emailHash: "b", list: "news", createdAt: at, source: "import" },
			])
			.onConflictDoNothing()
			.returning({ hash: emailSuppressions.emailHash }),
		update: new SQLiteUpdateBuilder(idempotencyKeys, NO_SESSION, dialect)
			.set({ status: 200, body: "{}" })
			.where(eq(idempotencyKeys.key, "k")),
		"delete, returning": new SQLiteDeleteBase(pendingCacheDrops, NO_SESSION, dialect)
			.where(eq(pendingCacheDrops.subject, "s"))
			.returning(),
	};
}

describe("storage/sqlite-dialect.js and storage/sqlite-query-builders/", () => {
	it("are exactly what `npm run dialect:build` makes of the installed drizzle-orm's files", async () => {
		const run = promisify(execFile)("node", ["workers/storage/generate-sqlite-dialect.mjs", "--check"], {
			cwd: ROOT,
		});
		await expect(run).resolves.toMatchObject({ stderr: "" });
	});

	it("keep every method of drizzle's dialects but the relational-query builder, the migrator and set operations", () => {
		for (const name of ["SQLiteDialect", "SQLiteSyncDialect", "SQLiteAsyncDialect"] as const) {
			const theirs = methods(drizzles[name].prototype).filter((method) => !DIALECT_LEFT_OUT.includes(method));
			expect(methods(copy[name].prototype), name).toEqual(theirs);
		}
		expect(new copy.SQLiteAsyncDialect()).toBeInstanceOf(copy.SQLiteDialect);
		// drizzle's builders recognise a dialect by its entity kind, which the copy keeps.
		expect(is(new copy.SQLiteAsyncDialect(), SQLiteDialect)).toBe(true);
	});

	it("keep every method of drizzle's query builders but what runs on a session and what storage never builds", () => {
		for (const [name, leftOut] of Object.entries(BUILDER_LEFT_OUT) as [keyof Builders, readonly string[]][]) {
			const theirs = methods(drizzleBuilders[name].prototype).filter((method) => !leftOut.includes(method));
			expect(methods(builderCopies[name].prototype), name).toEqual(theirs);
		}
		const select = new builderCopies.QueryBuilder(new copy.SQLiteAsyncDialect())
			.select()
			.from(consentSubjects);
		expect(is(select, SQLiteSelectBase)).toBe(true);
		expect(select).not.toHaveProperty("union");
		expect(select).not.toHaveProperty("all");
		expect(select).toHaveProperty("leftJoin");
	});

	it.each(Object.keys(statements(new SQLiteAsyncDialect(), drizzleBuilders)))(
		"build the %s as drizzle's dialect and builders do",
		(kind) => {
			const built = (dialect: SQLiteDialect, builders: Builders) =>
				statements(dialect, builders)[kind as keyof ReturnType<typeof statements>].toSQL();
			const theirs = built(new SQLiteAsyncDialect(), drizzleBuilders);
			expect(theirs.sql).toMatch(/^(select|insert|update|delete) /);
			expect(built(new copy.SQLiteAsyncDialect(), builderCopies)).toEqual(theirs);
		},
	);
});

describe("storage/drizzle-casing.ts", () => {
	it("names every column of the schema as drizzle's CasingCache does without a casing", () => {
		const theirs = new DrizzleCasingCache();
		const ours = new CasingCache();
		const tables = Object.values(schema).filter((value) => is(value, SQLiteTable));
		expect(tables.length).toBeGreaterThan(5);
		for (const table of tables) {
			for (const column of Object.values(getTableColumns(table))) {
				expect(ours.getColumnCasing(column), column.name).toBe(theirs.getColumnCasing(column));
			}
		}
	});

	it("refuses a casing option, which it does not implement", () => {
		expect(() => new CasingCache("snake_case")).toThrow(/snake_case/);
	});
});
