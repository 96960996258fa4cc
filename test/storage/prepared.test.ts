import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consentRecords, consentSubjects } from "../../workers/storage/drizzle-kit-schema";
import { prepareSql, prepareSqlOnFirstUse, rowMapper } from "../../workers/storage/prepared";
import { drizzleD1Driver } from "./drizzle-d1-driver";

const db = drizzleD1Driver(env.DB);

describe("prepared statements", () => {
	it("bind values encoded by the schema's column mappers, as drizzle's own insert does", async () => {
		const insert = prepareSql(
			db.insert(consentRecords).values({
				recordId: sql.placeholder("recordId"),
				subject: sql.placeholder("subject"),
				version: sql.placeholder("version"),
				createdAt: sql.placeholder("createdAt"),
				jurisdiction: sql.placeholder("jurisdiction"),
				purposes: sql.placeholder("purposes"),
				changes: sql.placeholder("changes"),
				source: sql.placeholder("source"),
				gpc: sql.placeholder("gpc"),
				policyVersion: sql.placeholder("policyVersion"),
				previousRecordId: sql.placeholder("previousRecordId"),
			}),
		);
		const record = {
			recordId: "r-prepared",
			subject: "s:prepared",
			version: 1,
			createdAt: new Date(1_795_000_000_123),
			jurisdiction: "US-CA",
			purposes: { ads: false, analytics: true },
			changes: { ads: false },
			source: "api",
			gpc: true,
			policyVersion: null,
			previousRecordId: null,
		};
		expect(insert.bind(record)).toEqual([
			"r-prepared",
			"s:prepared",
			1,
			1_795_000_000_123,
			"US-CA",
			'{"ads":false,"analytics":true}',
			'{"ads":false}',
			"api",
			1,
			null,
			null,
		]);
		await env.DB.prepare(insert.sql)
			.bind(...insert.bind(record))
			.run();
		const viaDrizzle = await db
			.select()
			.from(consentRecords)
			.where(eq(consentRecords.recordId, "r-prepared"))
			.get();
		expect(viaDrizzle).toEqual(record);
		const raw = await env.DB.prepare("SELECT * FROM consent_records WHERE record_id = ?")
			.bind("r-prepared")
			.first<Record<string, unknown>>();
		expect(raw && rowMapper(consentRecords)(raw)).toEqual(record);
	});

	it("refuses to bind a missing value instead of writing NULL", () => {
		const select = prepareSql(
			db
				.select()
				.from(consentSubjects)
				.where(eq(consentSubjects.subject, sql.placeholder("subject"))),
		);
		expect(select.bind({ subject: "a" })).toEqual(["a"]);
		expect(() => select.bind({})).toThrow(/placeholder "subject"/);
	});

	it("builds a statement on its first use, once, as prepareSql builds it", () => {
		let built = 0;
		const query = () => {
			built++;
			return db
				.select()
				.from(consentSubjects)
				.where(eq(consentSubjects.subject, sql.placeholder("subject")));
		};
		const lazy = prepareSqlOnFirstUse(query);
		expect(built).toBe(0);
		const eager = prepareSql(query());
		expect(lazy.bind({ subject: "a" })).toEqual(eager.bind({ subject: "a" }));
		expect(lazy.sql).toBe(eager.sql);
		expect(() => lazy.bind({})).toThrow(/placeholder "subject"/);
		expect(built).toBe(2);
	});
});
