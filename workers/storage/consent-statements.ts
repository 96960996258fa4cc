/**
 * The consent repository's hot statements (every cold lookup and every write) as plain SQL with
 * their values bound as drizzle's column mappers encode them. Built through drizzle, a new isolate's
 * first D1 lookup or write paid for the table, the query builders and `toSQL` (bench/startup.mjs);
 * test/storage/consent-statements.test.ts holds each to the SQL and values drizzle makes from the
 * schema (schema.ts), which stays the truth for migrations and every other query.
 */
import type { consentRecordsTable, consentSubjectsTable, idempotencyKeysTable } from "./schema";

type SubjectRow = ReturnType<typeof consentSubjectsTable>["$inferSelect"];
type RecordRow = ReturnType<typeof consentRecordsTable>["$inferSelect"];
type AnswerRow = ReturnType<typeof idempotencyKeysTable>["$inferInsert"];

const SUBJECT_COLUMNS =
	'"subject", "version", "purposes", "sources", "policy_version", "email_hash", "last_record_id", "created_at", "updated_at"';

export const SELECT_STATE_SQL = `select ${SUBJECT_COLUMNS} from "consent_subjects" where "consent_subjects"."subject" = ?`;

export const INSERT_RECORD_SQL =
	'insert into "consent_records" ("record_id", "subject", "version", "created_at", "jurisdiction", "purposes", "changes", "source", "gpc", "policy_version", "previous_record_id") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export const INSERT_STATE_SQL = `insert into "consent_subjects" (${SUBJECT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export const UPSERT_STATE_SQL = `${INSERT_STATE_SQL} on conflict ("consent_subjects"."subject") do update set "version" = excluded.version, "purposes" = excluded.purposes, "sources" = excluded.sources, "policy_version" = excluded.policy_version, "email_hash" = excluded.email_hash, "last_record_id" = excluded.last_record_id, "updated_at" = excluded.updated_at`;

export const INSERT_ANSWER_SQL =
	'insert into "idempotency_keys" ("key", "subject", "request_hash", "status", "body", "created_at") values (?, ?, ?, ?, ?, ?)';

// drizzle's encoders: json text is JSON.stringify, timestamp_ms is getTime(), a boolean is 1 or 0.
const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

export function recordValues(r: RecordRow): unknown[] {
	return [
		r.recordId,
		r.subject,
		r.version,
		r.createdAt.getTime(),
		r.jurisdiction,
		json(r.purposes),
		json(r.changes),
		r.source,
		r.gpc ? 1 : 0,
		r.policyVersion ?? null,
		r.previousRecordId ?? null,
	];
}

export function stateValues(s: SubjectRow): unknown[] {
	return [
		s.subject,
		s.version,
		json(s.purposes),
		json(s.sources),
		s.policyVersion ?? null,
		s.emailHash ?? null,
		s.lastRecordId,
		s.createdAt.getTime(),
		s.updatedAt.getTime(),
	];
}

export function answerValues(a: AnswerRow): unknown[] {
	return [a.key, a.subject ?? null, a.requestHash, a.status, a.body, (a.createdAt as Date).getTime()];
}

/** A `consent_subjects` row as D1 returns it, decoded as drizzle's column mappers do. */
export function subjectRow(raw: Record<string, unknown>): SubjectRow {
	return {
		subject: raw.subject as string,
		version: raw.version as number,
		purposes: JSON.parse(raw.purposes as string),
		sources: JSON.parse(raw.sources as string),
		policyVersion: (raw.policy_version ?? null) as string | null,
		emailHash: (raw.email_hash ?? null) as string | null,
		lastRecordId: raw.last_record_id as string,
		createdAt: new Date(raw.created_at as number),
		updatedAt: new Date(raw.updated_at as number),
	};
}
