/**
 * storage/queries.ts runs drizzle's statements on D1 without drizzle's D1 driver: what it writes and
 * reads back must be what the driver would write and read (the same SQL and parameters, the same
 * decoded rows), whole rows and partial selects, one statement or a batch.
 */
import { env } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
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
import { consentRecords, erasures } from "../../workers/storage/schema";

const driver = drizzle(env.DB);

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
