/**
 * The consent repository's hot statements are plain SQL (consent-statements.ts): each must be the
 * SQL drizzle makes from the schema for the same query, bind the values drizzle's column mappers
 * would, and read rows back as drizzle does.
 */
import { env } from "cloudflare:workers";
import { eq, getTableColumns, is, Param, Placeholder, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
	answerValues,
	INSERT_ANSWER_SQL,
	INSERT_RECORD_SQL,
	INSERT_STATE_SQL,
	recordValues,
	SELECT_STATE_SQL,
	stateValues,
	subjectRow,
	UPSERT_STATE_SQL,
} from "../../workers/storage/consent-statements";
import { consentRecords, consentSubjects, idempotencyKeys } from "../../workers/storage/drizzle-kit-schema";
import { insertQuery, selectQuery } from "../../workers/storage/queries";
import { drizzleD1Driver } from "./drizzle-d1-driver";

const db = drizzleD1Driver(env.DB);

/** One placeholder per column, named after the column's key (as the repository built them before). */
const placeholders = (columns: object) =>
	Object.fromEntries(Object.keys(columns).map((key) => [key, sql.placeholder(key)])) as never;

/** drizzle's SQL for `query` and its parameters for `values`, encoded by the columns' mappers. */
function drizzleSql(query: { toSQL(): { sql: string; params: unknown[] } }, values: Record<string, unknown>) {
	const { sql: text, params } = query.toSQL();
	const bound = params.map((param) => {
		if (is(param, Param) && is(param.value, Placeholder)) {
			const value = values[param.value.name];
			if (value === undefined) throw new Error(`no value for ${param.value.name}`);
			return value === null ? null : param.encoder.mapToDriverValue(value);
		}
		if (is(param, Placeholder)) return values[param.name];
		return param;
	});
	return { sql: text, bound };
}

const upsert = () =>
	insertQuery(consentSubjects)
		.values(placeholders(getTableColumns(consentSubjects)))
		.onConflictDoUpdate({
			target: consentSubjects.subject,
			set: {
				version: sql`excluded.version`,
				purposes: sql`excluded.purposes`,
				sources: sql`excluded.sources`,
				policyVersion: sql`excluded.policy_version`,
				emailHash: sql`excluded.email_hash`,
				lastRecordId: sql`excluded.last_record_id`,
				updatedAt: sql`excluded.updated_at`,
			},
		});

const record = {
	recordId: "r-statements",
	subject: "s:statements",
	version: 2,
	createdAt: new Date(1_795_000_000_123),
	jurisdiction: "US-CA",
	purposes: { ads: false, analytics: true },
	changes: { ads: false },
	source: "gpc",
	gpc: true,
	policyVersion: null,
	previousRecordId: null,
};
const state = {
	subject: "s:statements",
	version: 2,
	purposes: { ads: false, analytics: true },
	sources: { ads: "gpc", analytics: "api" },
	policyVersion: "2026-01",
	emailHash: null,
	lastRecordId: "r-statements",
	createdAt: new Date(1_795_000_000_001),
	updatedAt: new Date(1_795_000_000_123),
};
const answer = {
	key: "k-statements",
	subject: "s:statements",
	requestHash: "h",
	status: 200,
	body: '{"ok":true}',
	createdAt: new Date(1_795_000_000_456),
};

describe("the consent repository's hot statements", () => {
	it("are the SQL drizzle makes from the schema, binding the values drizzle's mappers encode", () => {
		const select = drizzleSql(
			selectQuery
				.select()
				.from(consentSubjects)
				.where(eq(consentSubjects.subject, sql.placeholder("subject"))),
			{ subject: "s:statements" },
		);
		expect(SELECT_STATE_SQL).toBe(select.sql);
		expect(["s:statements"]).toEqual(select.bound);

		const insertRecord = drizzleSql(
			insertQuery(consentRecords).values(placeholders(getTableColumns(consentRecords))),
			record,
		);
		expect(INSERT_RECORD_SQL).toBe(insertRecord.sql);
		expect(recordValues(record)).toEqual(insertRecord.bound);
		expect(recordValues({ ...record, gpc: false, policyVersion: "p", previousRecordId: "r-before" })).toEqual(
			drizzleSql(insertQuery(consentRecords).values(placeholders(getTableColumns(consentRecords))), {
				...record,
				gpc: false,
				policyVersion: "p",
				previousRecordId: "r-before",
			}).bound,
		);

		const insertState = drizzleSql(
			insertQuery(consentSubjects).values(placeholders(getTableColumns(consentSubjects))),
			state,
		);
		expect(INSERT_STATE_SQL).toBe(insertState.sql);
		expect(stateValues(state)).toEqual(insertState.bound);
		const upsertState = drizzleSql(upsert(), state);
		expect(UPSERT_STATE_SQL).toBe(upsertState.sql);
		expect(stateValues(state)).toEqual(upsertState.bound);

		const insertAnswer = drizzleSql(
			insertQuery(idempotencyKeys).values(placeholders(getTableColumns(idempotencyKeys))),
			answer,
		);
		expect(INSERT_ANSWER_SQL).toBe(insertAnswer.sql);
		expect(answerValues(answer)).toEqual(insertAnswer.bound);
	});

	it("write rows drizzle reads back as written, and read a subject's row as drizzle does", async () => {
		await env.DB.batch([
			env.DB.prepare(INSERT_RECORD_SQL).bind(...recordValues(record)),
			env.DB.prepare(INSERT_STATE_SQL).bind(...stateValues(state)),
			env.DB.prepare(INSERT_ANSWER_SQL).bind(...answerValues(answer)),
		]);
		expect(
			await db.select().from(consentRecords).where(eq(consentRecords.recordId, record.recordId)).get(),
		).toEqual(record);
		expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, answer.key)).get()).toEqual(
			answer,
		);
		const raw = await env.DB.prepare(SELECT_STATE_SQL).bind(state.subject).first<Record<string, unknown>>();
		const viaDrizzle = await db
			.select()
			.from(consentSubjects)
			.where(eq(consentSubjects.subject, state.subject))
			.get();
		expect(viaDrizzle).toEqual(state);
		expect(raw && subjectRow(raw)).toEqual(viaDrizzle);

		// The upsert replaces every column but created_at.
		const later = {
			...state,
			version: 3,
			purposes: { ads: true },
			sources: { ads: "ui" },
			policyVersion: null,
			emailHash: "e",
			lastRecordId: "r-later",
			createdAt: new Date(1_795_000_009_999),
			updatedAt: new Date(1_795_000_010_000),
		};
		await env.DB.prepare(UPSERT_STATE_SQL)
			.bind(...stateValues(later))
			.run();
		const upserted = await env.DB.prepare(SELECT_STATE_SQL)
			.bind(state.subject)
			.first<Record<string, unknown>>();
		expect(upserted && subjectRow(upserted)).toEqual({ ...later, createdAt: state.createdAt });
		expect(
			await db.select().from(consentSubjects).where(eq(consentSubjects.subject, state.subject)).get(),
		).toEqual({ ...later, createdAt: state.createdAt });
	});
});
