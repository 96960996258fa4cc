/**
 * storage/queries.ts runs drizzle's statements on D1 without drizzle's D1 driver: what it writes and
 * reads back must be what the driver would write and read (the same SQL and parameters, the same
 * decoded rows), whole rows and partial selects, one statement or a batch.
 */
import { env } from "cloudflare:workers";
import { desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consentRecords, consentSubjects, erasures } from "../../workers/storage/drizzle-kit-schema";
import {
	deleteQuery,
	insertQuery,
	selectBatch,
	selectFirst,
	selectQuery,
	selectRows,
	statement,
	updateQuery,
} from "../../workers/storage/queries";
import { drizzleD1Driver } from "./drizzle-d1-driver";

const driver = drizzleD1Driver(env.DB);

function record(version: number, gpc: boolean) {
	return {
		recordId: `r-queries-${version}`,
		subject: "s:queries",
		version,
		createdAt: new Date(1_795_000_000_000 + version),
		jurisdiction: "US-CA",
		purposes: { ads: !gpc, analytics: true },
		changes: { ads: !gpc },
		source: gpc ? "gpc" : "api",
		gpc,
		policyVersion: version === 1 ? null : "2026-11",
		// No subject row: the chain trigger (migration 0005) wants no previous record.
		previousRecordId: null,
	};
}

describe("queries run on D1 without drizzle's driver", () => {
	it("build the driver's SQL and parameters, and decode rows as it does", async () => {
		const insert = insertQuery(consentRecords).values([record(1, false), record(2, true)]);
		expect(insert.toSQL()).toEqual(
			driver
				.insert(consentRecords)
				.values([record(1, false), record(2, true)])
				.toSQL(),
		);
		expect((await statement(env.DB, insert).run()).meta.changes).toBe(2);

		const ofSubject = eq(consentRecords.subject, "s:queries");
		const newestFirst = desc(consentRecords.version);
		const rows = await selectRows(
			env.DB,
			selectQuery.select().from(consentRecords).where(ofSubject).orderBy(newestFirst),
		);
		expect(rows).toEqual([record(2, true), record(1, false)]);
		expect(rows).toEqual(await driver.select().from(consentRecords).where(ofSubject).orderBy(newestFirst));

		const fields = {
			gpc: consentRecords.gpc,
			createdAt: consentRecords.createdAt,
			changes: consentRecords.changes,
		};
		const second = eq(consentRecords.recordId, "r-queries-2");
		const row = await selectFirst(env.DB, selectQuery.select(fields).from(consentRecords).where(second));
		expect(row).toEqual({ gpc: true, createdAt: new Date(1_795_000_000_002), changes: { ads: false } });
		expect(row).toEqual(await driver.select(fields).from(consentRecords).where(second).get());
		expect(
			await selectFirst(
				env.DB,
				selectQuery.select().from(consentRecords).where(eq(consentRecords.recordId, "none")),
			),
		).toBeUndefined();
	});

	it("run a batch of selects on one session, and writes built by the update and delete builders", async () => {
		await statement(
			env.DB,
			insertQuery(erasures).values({
				id: "e-queries",
				subjectDigest: "d-queries",
				erasedAt: new Date(1_795_000_000_000),
				optedOut: ["ads"],
				recordCount: 3,
			}),
		).run();
		const session = env.DB.withSession("first-primary");
		const [tombstones, none] = await selectBatch(session, [
			selectQuery
				.select({ optedOut: erasures.optedOut, erasedAt: erasures.erasedAt })
				.from(erasures)
				.where(eq(erasures.subjectDigest, "d-queries")),
			selectQuery.select().from(erasures).where(eq(erasures.subjectDigest, "none")),
		]);
		expect(tombstones).toEqual([{ optedOut: ["ads"], erasedAt: new Date(1_795_000_000_000) }]);
		expect(none).toEqual([]);

		await session.batch([
			statement(session, updateQuery(erasures).set({ recordCount: 4 }).where(eq(erasures.id, "e-queries"))),
		]);
		expect(
			await driver
				.select({ n: erasures.recordCount })
				.from(erasures)
				.where(eq(erasures.id, "e-queries"))
				.get(),
		).toEqual({ n: 4 });
		await statement(session, deleteQuery(erasures).where(eq(erasures.id, "e-queries"))).run();
		expect(await driver.select().from(erasures).where(eq(erasures.id, "e-queries"))).toEqual([]);
	});
});

describe("selects of more than one table's plain columns, decoded as the driver decodes them", () => {
	// A subject at version 5 whose one stored record is version 1 (the chain trigger wants the record
	// first, with no previous record, then the state naming it), and a subject with no record at all.
	const stateOf = (subject: string, lastRecordId: string) => ({
		subject,
		version: 5,
		purposes: { ads: false },
		sources: { ads: "gpc" },
		policyVersion: "2026-11",
		emailHash: null,
		lastRecordId,
		createdAt: new Date(1_795_000_000_000),
		updatedAt: new Date(1_795_000_000_500),
	});
	const seeded = (async () => {
		await env.DB.batch([
			statement(
				env.DB,
				insertQuery(consentRecords).values({
					...record(1, true),
					recordId: "r-joined-1",
					subject: "s:joined",
				}),
			),
			statement(env.DB, insertQuery(consentSubjects).values(stateOf("s:joined", "r-joined-1"))),
			statement(env.DB, insertQuery(consentSubjects).values(stateOf("s:joined-none", "r-none"))),
		]);
	})();
	const joined = eq(consentSubjects.subject, consentRecords.subject);
	const ofJoined = inArray(consentSubjects.subject, ["s:joined", "s:joined-none"]);

	it("sql expressions, with and without an alias", async () => {
		await seeded;
		const fields = {
			count: sql<number>`count(*)`.mapWith(Number),
			newest: sql`max(${consentRecords.createdAt})`.mapWith(consentRecords.createdAt).as("newest"),
		};
		const where = eq(consentRecords.subject, "s:joined");
		const rows = await selectRows(env.DB, selectQuery.select(fields).from(consentRecords).where(where));
		expect(rows).toEqual([{ count: 1, newest: new Date(1_795_000_000_001) }]);
		expect(rows).toEqual(await driver.select(fields).from(consentRecords).where(where));
		const first = await selectFirst(env.DB, selectQuery.select(fields).from(consentRecords).where(where));
		expect(first).toEqual(await driver.select(fields).from(consentRecords).where(where).get());
	});

	it("a join whose tables have columns of the same name, a table's columns spread among them", async () => {
		await seeded;
		const fields = {
			...getTableColumns(consentRecords),
			stateVersion: consentSubjects.version,
			stateUpdatedAt: consentSubjects.updatedAt,
		};
		const rows = await selectRows(
			env.DB,
			selectQuery.select(fields).from(consentSubjects).innerJoin(consentRecords, joined).where(ofJoined),
		);
		expect(rows).toEqual([
			{
				...record(1, true),
				recordId: "r-joined-1",
				subject: "s:joined",
				stateVersion: 5,
				stateUpdatedAt: new Date(1_795_000_000_500),
			},
		]);
		expect(rows).toEqual(
			await driver.select(fields).from(consentSubjects).innerJoin(consentRecords, joined).where(ofJoined),
		);
	});

	it("a left join's whole rows: nested by table, null for the table with no row", async () => {
		await seeded;
		const rows = await selectRows(
			env.DB,
			selectQuery
				.select()
				.from(consentSubjects)
				.leftJoin(consentRecords, joined)
				.where(ofJoined)
				.orderBy(consentSubjects.subject),
		);
		expect(rows.map((row) => [row.consent_subjects.subject, row.consent_records?.recordId ?? null])).toEqual([
			["s:joined", "r-joined-1"],
			["s:joined-none", null],
		]);
		expect(rows).toEqual(
			await driver
				.select()
				.from(consentSubjects)
				.leftJoin(consentRecords, joined)
				.where(ofJoined)
				.orderBy(consentSubjects.subject),
		);
	});

	it("in a batch: expressions and joins decoded; columns that share a name refused, not mixed up", async () => {
		await seeded;
		const count = { count: sql<number>`count(*)`.mapWith(Number) };
		const versions = { recordVersion: consentRecords.version, gpc: consentRecords.gpc };
		const [counted, joinedRows] = await selectBatch(env.DB, [
			selectQuery.select(count).from(consentRecords).where(eq(consentRecords.subject, "s:joined")),
			selectQuery.select(versions).from(consentSubjects).innerJoin(consentRecords, joined).where(ofJoined),
		]);
		expect(counted).toEqual([{ count: 1 }]);
		expect(joinedRows).toEqual([{ recordVersion: 1, gpc: true }]);

		// D1 answers a batch with rows keyed by column name: two `version` columns come back as one.
		const clash = { stateVersion: consentSubjects.version, recordVersion: consentRecords.version };
		await expect(
			selectBatch(env.DB, [
				selectQuery.select(clash).from(consentSubjects).innerJoin(consentRecords, joined).where(ofJoined),
			]),
		).rejects.toThrow(/share a name/);
	});
});
