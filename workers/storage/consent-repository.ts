/**
 * D1 access for consent state, the audit log, idempotency keys and erasure tombstones. The only
 * module that knows the SQL. Reads go through a D1 session (read replicas, bookmark for
 * read-your-writes); writes go to the primary.
 *
 * Appends are optimistic: a change reads the subject's version N, then in one atomic batch inserts
 * record N+1 and upserts the state. `(subject, version)` is unique, so of two concurrent writers one
 * batch fails whole and is retried against the new state; nothing is lost or half-written. A record
 * must also continue the chain it read (previous_record_id = the stored last_record_id, checked by a
 * trigger, migration 0005): an erasure between the read and the batch fails it the same way, so the
 * erased state is never written back. A first
 * write for a subject believed new skips the read and inserts the state row (see append). The hot
 * statements are plain SQL held to drizzle's (consent-statements.ts); drizzle builds the rest on each
 * call (queries.ts).
 */
import { and, desc, eq, gt, gte, lt, sql } from "drizzle-orm";
import { purposeDefinition } from "../config/purposes";
import type { StoredState } from "../consent/stored-state";
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
} from "./consent-statements";
import {
	deleteQuery,
	insertQuery,
	selectBatch,
	selectFirst,
	selectQuery,
	selectRows,
	statement,
	updateQuery,
} from "./queries";
import {
	consentRecordsTable,
	consentSubjectsTable,
	erasuresTable,
	idempotencyKeysTable,
	type StoredChoices,
} from "./schema";
import { consentDatabase } from "./shards";

export type RecordSource = "api" | "ui" | "gpc" | "email" | "import";

/**
 * Whether a write of `source` is a person's answer, from which an allowance's lifetime and the
 * banner's question run. A recorded GPC signal, an unsubscribe or an imported one (source `import`,
 * import-linked-subjects.ts, which leaves `updated_at` as well) answers neither: moving the clock,
 * it renewed every allowance for another lifetime and closed a lapsed choice's question for good.
 */
export function answersConsent(source: RecordSource): boolean {
	return source === "api" || source === "ui";
}

/**
 * The newest migration (migrations/) this code needs. `npm run deploy` applies none, so a database
 * can lag the code deployed on it; the health probe looks for this one (test/health keeps it current).
 */
export const NEWEST_MIGRATION = "0007_email_hash_aliases.sql";

export interface ConsentRecord {
	recordId: string;
	subject: string;
	version: number;
	timestamp: string;
	jurisdiction: string;
	purposes: StoredChoices;
	changes: StoredChoices;
	source: string;
	gpc: boolean;
	policyVersion: string | null;
	previousRecordId: string | null;
}

export interface ChangeRequest {
	/** Purposes to set; others keep their stored choice. */
	readonly changes: Readonly<StoredChoices>;
	readonly source: RecordSource;
	readonly jurisdiction: string;
	readonly gpc: boolean;
	readonly policyVersion?: string | null;
	readonly emailHash?: string | null;
	readonly now: number;
	/**
	 * A person answering again: a stored choice last made before this instant (past its lifetime) is
	 * renewed, a record appended, even when the answer changes nothing.
	 */
	readonly renewBefore?: number;
	/**
	 * A stored choice last made before this instant has lapsed (decide-consent.ts): its allowances
	 * allow nothing. A write moves `updatedAt`, so allowances it does not name are dropped, never
	 * renewed by a write that did not choose them (an opt-out of another purpose, an unsubscribe).
	 */
	readonly lapseBefore?: number;
	/**
	 * A change recorded after the fact (a GPC signal persisted in the background, a write that a newer
	 * one overtook while D1 stalled): a purpose chosen by a record made after `now` keeps that later
	 * choice, as a queued change does (deferred-writes.ts).
	 */
	readonly yieldsToLaterChoices?: boolean;
}

export interface IdempotentWrite {
	readonly key: string;
	readonly requestHash: string;
	/** The answer to store with the write, rendered from the resulting state. */
	readonly render: (state: StoredState | null) => { status: number; body: string };
}

export interface StoredAnswer {
	requestHash: string;
	status: number;
	body: string;
}

/**
 * The status an erased subject's stored answers are left with: the answer itself goes with the
 * subject, yet its key still marks the request as carried out, so a client's retry is refused
 * instead of being made again after everything that followed it (an old opt-in after a new opt-out).
 */
export const ERASED_ANSWER_STATUS = 409;

export type AppendResult =
	| { kind: "written"; state: StoredState; record: ConsentRecord | null }
	| { kind: "replayed"; answer: StoredAnswer };

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
// Dozens of writers racing on one subject must all get through: each lost race re-reads and retries.
const MAX_ATTEMPTS = 40;

type SubjectRow = ReturnType<typeof consentSubjectsTable>["$inferSelect"];
type RecordRow = ReturnType<typeof consentRecordsTable>["$inferSelect"];

function toState(row: SubjectRow): StoredState {
	return {
		version: row.version,
		purposes: row.purposes,
		sources: row.sources,
		policyVersion: row.policyVersion,
		updatedAt: row.updatedAt.getTime(),
	};
}

export function toRecord(row: RecordRow): ConsentRecord {
	return {
		recordId: row.recordId,
		subject: row.subject,
		version: row.version,
		timestamp: row.createdAt.toISOString(),
		jurisdiction: row.jurisdiction,
		purposes: row.purposes,
		changes: row.changes,
		source: row.source,
		gpc: row.gpc,
		policyVersion: row.policyVersion,
		previousRecordId: row.previousRecordId,
	};
}

/**
 * The table whose constraint refused a batch. A record whose previous_record_id is not the
 * subject's last_record_id (migration 0005: the state changed since it was read, an erasure
 * included) counts as `consent_records`, like a version another writer took: read again and retry.
 */
function constraintTable(err: unknown): string | null {
	for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
		const message = String((e as { message?: unknown }).message ?? "");
		const m = /UNIQUE constraint failed: (\w+)\./.exec(message);
		if (m?.[1]) return m[1];
		if (message.includes("consent_records: stale previous_record_id")) return "consent_records";
	}
	return null;
}

export class ConsentRepository {
	private constructor(private readonly session: D1DatabaseSession) {}

	/** The repository on the database that holds `subject` (see shards.ts). */
	static forSubject(
		env: Env,
		subject: string,
		mode: "read" | "write",
		bookmark?: string | null,
	): ConsentRepository {
		return ConsentRepository.open(consentDatabase(env, subject), mode, bookmark);
	}

	/** A repository on a D1 session: `read` may use replicas (or the caller's bookmark), `write` starts at the primary. */
	static open(d1: D1Database, mode: "read" | "write", bookmark?: string | null): ConsentRepository {
		// A bookmark is echoed from a client: only a well-formed one is used.
		const usable = bookmark && BOOKMARK.test(bookmark) ? bookmark : null;
		const session = d1.withSession(usable || (mode === "write" ? "first-primary" : "first-unconstrained"));
		return new ConsentRepository(session);
	}

	bookmark(): string | null {
		return this.session.getBookmark();
	}

	/**
	 * One read, for the health probe: whether NEWEST_MIGRATION is applied (wrangler records each in
	 * `d1_migrations`; a database never migrated has no such table, and answers no too); rejects when
	 * this session's database cannot answer.
	 */
	async hasNewestMigration(): Promise<boolean> {
		try {
			const applied = await this.session
				.prepare("SELECT 1 FROM d1_migrations WHERE name = ?")
				.bind(NEWEST_MIGRATION)
				.first();
			return applied !== null;
		} catch (error) {
			if (/no such table: d1_migrations/.test(String(error))) return false;
			throw error;
		}
	}

	async readState(subject: string): Promise<StoredState | null> {
		const row = await this.readSubjectRow(subject);
		return row ? toState(row) : null;
	}

	private async readSubjectRow(subject: string): Promise<SubjectRow | undefined> {
		const raw = await this.session.prepare(SELECT_STATE_SQL).bind(subject).first<Record<string, unknown>>();
		return raw ? subjectRow(raw) : undefined;
	}

	/** The purposes changed by records made after `since` (ms): choices a late write must not undo. */
	async purposesChangedAfter(subject: string, since: number): Promise<Set<string>> {
		const consentRecords = consentRecordsTable();
		const rows = await selectRows(
			this.session,
			selectQuery
				.select({ changes: consentRecords.changes })
				.from(consentRecords)
				.where(and(eq(consentRecords.subject, subject), gt(consentRecords.createdAt, new Date(since)))),
		);
		return new Set(rows.flatMap((row) => Object.keys(row.changes)));
	}

	async readEmailHash(subject: string): Promise<string | null> {
		const consentSubjects = consentSubjectsTable();
		const row = await selectFirst(
			this.session,
			selectQuery
				.select({ emailHash: consentSubjects.emailHash })
				.from(consentSubjects)
				.where(eq(consentSubjects.subject, subject)),
		);
		return row?.emailHash ?? null;
	}

	/**
	 * Subjects a keyed PUT /v1/consent linked to this address hash whose stored `purpose` is not off
	 * (JSON false reads as 0): the ones an opt-out still has to reach, so a run bounded by `limit`
	 * never picks the same ones again and the next run continues where it stopped.
	 */
	async subjectsLinkedAllowing(emailHash: string, purpose: string, limit: number): Promise<string[]> {
		const consentSubjects = consentSubjectsTable();
		const rows = await selectRows(
			this.session,
			selectQuery
				.select({ subject: consentSubjects.subject })
				.from(consentSubjects)
				.where(
					and(
						eq(consentSubjects.emailHash, emailHash),
						sql`json_extract(${consentSubjects.purposes}, ${`$.${purpose}`}) IS NOT 0`,
					),
				)
				.limit(limit),
		);
		return rows.map((row) => row.subject);
	}

	/**
	 * The answer kept under `key`, null when none is. An expired one the daily purge has not reached
	 * yet (it may stay a day longer) is deleted, so the key is free for the write's own answer.
	 */
	async readAnswer(key: string, now: number): Promise<StoredAnswer | null> {
		const idempotencyKeys = idempotencyKeysTable();
		const row = await selectFirst(
			this.session,
			selectQuery.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)),
		);
		if (!row) return null;
		if (now - row.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
			const expired = and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.createdAt, row.createdAt));
			await statement(this.session, deleteQuery(idempotencyKeys).where(expired)).run();
			return null;
		}
		return { requestHash: row.requestHash, status: row.status, body: row.body };
	}

	/**
	 * Applies a change (merge: only named purposes change). A change that changes nothing appends no
	 * record. With `likelyNew` (the caller has reason to think nothing is stored for the subject), the
	 * first attempt skips the version read and inserts the subject's row instead of upserting it: if
	 * the subject exists after all, its record version or its row's primary key fails the whole
	 * batch, nothing is written, and the change is retried the usual way.
	 */
	async append(
		subject: string,
		change: ChangeRequest,
		idempotent?: IdempotentWrite,
		options: { likelyNew?: boolean } = {},
	): Promise<AppendResult> {
		for (let attempt = 0; ; attempt++) {
			const assumeNew = options.likelyNew === true && attempt === 0;
			const current = assumeNew ? undefined : await this.readSubjectRow(subject);
			const next = merge(subject, current, await this.withoutLaterChoices(subject, current, change));
			// "Nothing to change" is only known once the stored state has really been read.
			if (!next && assumeNew) continue;
			const saveAnswer = idempotent
				? this.saveAnswerStatement(
						subject,
						idempotent,
						next?.state ?? (current ? toState(current) : null),
						change.now,
					)
				: null;
			try {
				if (!next) {
					if (saveAnswer) await saveAnswer.run();
					return { kind: "written", state: current ? toState(current) : emptyState(), record: null };
				}
				const { row, record } = next;
				const insertRecord = this.session.prepare(INSERT_RECORD_SQL).bind(...recordValues(record));
				const stateSql = assumeNew ? INSERT_STATE_SQL : UPSERT_STATE_SQL;
				const writeState = this.session.prepare(stateSql).bind(...stateValues(row));
				await this.session.batch(
					saveAnswer ? [saveAnswer, insertRecord, writeState] : [insertRecord, writeState],
				);
				return { kind: "written", state: next.state, record: toRecord(record as RecordRow) };
			} catch (err) {
				const table = constraintTable(err);
				if (table === "idempotency_keys" && idempotent) {
					const answer = await this.readAnswer(idempotent.key, change.now);
					if (answer) return { kind: "replayed", answer };
					// The key's answer had expired (and is gone now), or went between the batch and the read.
					if (attempt + 1 < MAX_ATTEMPTS) continue;
				}
				// The guess was wrong (the subject's row exists): nothing was written; read it and merge.
				if (table === "consent_subjects" && assumeNew) continue;
				if (table !== "consent_records" || attempt + 1 >= MAX_ATTEMPTS) throw err;
				// Another writer took this version: back off briefly and re-read.
				await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
			}
		}
	}

	/** `change` without the purposes chosen since it was made, when it yields to them (see ChangeRequest). */
	private async withoutLaterChoices(
		subject: string,
		current: SubjectRow | undefined,
		change: ChangeRequest,
	): Promise<ChangeRequest> {
		// Only a state written after the change was made can hold a later choice: one read, then, at most.
		// A GPC record or an unsubscribe leaves updatedAt, but only opts out, as a yielding change does:
		// the same denial again changes nothing.
		if (!change.yieldsToLaterChoices || !current || current.updatedAt.getTime() <= change.now) return change;
		const later = await this.purposesChangedAfter(subject, change.now);
		const changes = Object.fromEntries(Object.entries(change.changes).filter(([name]) => !later.has(name)));
		return { ...change, changes };
	}

	private saveAnswerStatement(
		subject: string,
		idempotent: IdempotentWrite,
		state: StoredState | null,
		now: number,
	) {
		const answer = idempotent.render(state);
		const values = {
			key: idempotent.key,
			subject,
			requestHash: idempotent.requestHash,
			status: answer.status,
			body: answer.body,
			createdAt: new Date(now),
		};
		return this.session.prepare(INSERT_ANSWER_SQL).bind(...answerValues(values));
	}

	/** Newest first; `before` is the version to continue below (the `next` cursor). */
	async listRecords(subject: string, limit: number, before?: number): Promise<ConsentRecord[]> {
		const consentRecords = consentRecordsTable();
		const where =
			before === undefined
				? eq(consentRecords.subject, subject)
				: and(eq(consentRecords.subject, subject), lt(consentRecords.version, before));
		const rows = await selectRows(
			this.session,
			selectQuery
				.select()
				.from(consentRecords)
				.where(where)
				.orderBy(desc(consentRecords.version))
				.limit(limit),
		);
		return rows.map(toRecord);
	}

	/** Everything stored about a subject; `subjectDigest` finds its erasure tombstones. */
	async exportSubject(subject: string, subjectDigest: string) {
		const consentSubjects = consentSubjectsTable();
		const consentRecords = consentRecordsTable();
		const idempotencyKeys = idempotencyKeysTable();
		const erasures = erasuresTable();
		const [state, records, answers, erased] = await selectBatch(this.session, [
			selectQuery.select().from(consentSubjects).where(eq(consentSubjects.subject, subject)),
			selectQuery
				.select()
				.from(consentRecords)
				.where(eq(consentRecords.subject, subject))
				.orderBy(consentRecords.version),
			selectQuery
				.select({
					createdAt: idempotencyKeys.createdAt,
					status: idempotencyKeys.status,
					body: idempotencyKeys.body,
				})
				.from(idempotencyKeys)
				.where(eq(idempotencyKeys.subject, subject))
				.orderBy(idempotencyKeys.createdAt),
			selectQuery
				.select({
					erasedAt: erasures.erasedAt,
					optedOut: erasures.optedOut,
					recordCount: erasures.recordCount,
				})
				.from(erasures)
				.where(eq(erasures.subjectDigest, subjectDigest))
				.orderBy(erasures.erasedAt),
		]);
		return { state: state[0] ?? null, records: records.map(toRecord), answers, erasures: erased };
	}

	/** Whether the subject with this digest was erased at or after `since` (ms). */
	async erasedSince(subjectDigest: string, since: number): Promise<boolean> {
		const erasures = erasuresTable();
		const row = await selectFirst(
			this.session,
			selectQuery
				.select({ id: erasures.id })
				.from(erasures)
				.where(and(eq(erasures.subjectDigest, subjectDigest), gte(erasures.erasedAt, new Date(since))))
				.limit(1),
		);
		return row !== undefined;
	}

	/**
	 * Erases a subject: state and records go, and its stored idempotency answers are emptied (the
	 * subject, the answer's body and the request's hash, an unkeyed digest of a body that may have
	 * held an address, go; the hashed key stays until it expires, so a replay of an earlier key is
	 * refused, not written afresh); a tombstone keeps only a keyed digest of the
	 * subject, the time, how many records there were and which purposes it had opted out of. A subject
	 * with nothing stored gets its tombstone too: its only writes may still be queued or parked in KV
	 * (a GPC opt-out seen while D1 was down), and the queue's handlers drop a change made before a
	 * tombstone; without one, such a write re-created the subject after its erasure.
	 */
	async erase(subject: string, subjectDigest: string, now: number): Promise<{ erased: boolean }> {
		const consentSubjects = consentSubjectsTable();
		const consentRecords = consentRecordsTable();
		const idempotencyKeys = idempotencyKeysTable();
		const erasures = erasuresTable();
		const [state, counted] = await selectBatch(this.session, [
			selectQuery.select().from(consentSubjects).where(eq(consentSubjects.subject, subject)),
			selectQuery
				.select({ version: consentRecords.version })
				.from(consentRecords)
				.where(eq(consentRecords.subject, subject)),
		]);
		const row = state[0];
		// A write that stored no record may still have stored its answer.
		const emptyAnswers = statement(
			this.session,
			updateQuery(idempotencyKeys)
				.set({ subject: null, requestHash: "", status: ERASED_ANSWER_STATUS, body: "" })
				.where(eq(idempotencyKeys.subject, subject)),
		);
		const tombstone = statement(
			this.session,
			insertQuery(erasures).values({
				id: crypto.randomUUID(),
				subjectDigest,
				erasedAt: new Date(now),
				optedOut: row ? Object.keys(row.purposes).filter((k) => row.purposes[k] === false) : [],
				recordCount: counted.length,
			}),
		);
		if (!row && counted.length === 0) {
			await this.session.batch([emptyAnswers, tombstone]);
			return { erased: false };
		}
		await this.session.batch([
			statement(this.session, deleteQuery(consentRecords).where(eq(consentRecords.subject, subject))),
			statement(this.session, deleteQuery(consentSubjects).where(eq(consentSubjects.subject, subject))),
			emptyAnswers,
			tombstone,
		]);
		return { erased: true };
	}
}

function emptyState(): StoredState {
	return { version: 0, purposes: {}, sources: {}, policyVersion: null, updatedAt: 0 };
}

/**
 * Removes stored allowances that `named` does not choose again: they lapsed, and fall back to the
 * default. Not those of purposes asked separately (`email`), which do not lapse.
 */
export function dropLapsedAllowances(
	purposes: StoredChoices,
	sources: Record<string, string>,
	named: Readonly<StoredChoices>,
): void {
	for (const name of Object.keys(purposes)) {
		if (purposes[name] !== true || name in named || purposeDefinition(name)?.askedSeparately) continue;
		delete purposes[name];
		delete sources[name];
	}
}

function merge(subject: string, current: SubjectRow | undefined, change: ChangeRequest) {
	const purposes: StoredChoices = { ...(current?.purposes ?? {}) };
	const sources: Record<string, string> = { ...(current?.sources ?? {}) };
	const changed: StoredChoices = {};
	// A lapsed choice is made anew: every purpose named is recorded as chosen again.
	const lapsed = change.renewBefore !== undefined && (current?.updatedAt.getTime() ?? 0) < change.renewBefore;
	if (current && change.lapseBefore !== undefined && current.updatedAt.getTime() < change.lapseBefore) {
		dropLapsedAllowances(purposes, sources, change.changes);
	}
	for (const [name, value] of Object.entries(change.changes)) {
		if (
			!lapsed &&
			purposes[name] === value &&
			!(value === false && sources[name] === "gpc" && change.source !== "gpc")
		)
			continue;
		purposes[name] = value;
		sources[name] = change.source;
		changed[name] = value;
	}
	const policyVersion = change.policyVersion ?? current?.policyVersion ?? null;
	const emailHash = change.emailHash ?? current?.emailHash ?? null;
	const same =
		Object.keys(changed).length === 0 &&
		policyVersion === (current?.policyVersion ?? null) &&
		emailHash === (current?.emailHash ?? null);
	if (same && current) return null;
	if (same && Object.keys(change.changes).length === 0) return null;
	const version = (current?.version ?? 0) + 1;
	const recordId = crypto.randomUUID();
	const now = new Date(change.now);
	const row: SubjectRow = {
		subject,
		version,
		purposes,
		sources,
		policyVersion,
		emailHash,
		lastRecordId: recordId,
		createdAt: current?.createdAt ?? now,
		// Never moved back: a change that yielded to later choices was made before them.
		updatedAt:
			current && (!answersConsent(change.source) || current.updatedAt.getTime() > change.now)
				? current.updatedAt
				: now,
	};
	const record: RecordRow = {
		recordId,
		subject,
		version,
		createdAt: now,
		jurisdiction: change.jurisdiction,
		purposes,
		changes: changed,
		source: change.source,
		gpc: change.gpc,
		policyVersion,
		previousRecordId: current?.lastRecordId ?? null,
	};
	return { row, record, state: toState(row) };
}
