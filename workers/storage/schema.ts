/**
 * D1 schema (drizzle). D1 is the source of truth: `consent_subjects` holds each subject's current
 * stored choices, `consent_records` is the append-only audit log, one row per change;
 * `email_suppressions` holds email opt-outs by address hash and list.
 *
 * Each table is built by its accessor's first call, not as the script loads: building all seven
 * cost every new isolate about 1.3 ms of its start-up (bench/startup.mjs --profile), though only
 * requests that reach D1 use them. drizzle-kit reads them as objects from drizzle-kit-schema.ts.
 */
import {
	index,
	integer,
	primaryKey,
	type SQLiteTable,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";

export type StoredChoices = Record<string, boolean>;
export type ChoiceSources = Record<string, string>;

/** The table `define` builds, built on the first call and kept. */
function builtOnFirstUse<T extends SQLiteTable>(define: () => T): () => T {
	let table: T | undefined;
	return () => (table ??= define());
}

export const consentSubjectsTable = builtOnFirstUse(() =>
	sqliteTable(
		"consent_subjects",
		{
			subject: text("subject").primaryKey(),
			version: integer("version").notNull(),
			purposes: text("purposes", { mode: "json" }).$type<StoredChoices>().notNull(),
			sources: text("sources", { mode: "json" }).$type<ChoiceSources>().notNull(),
			policyVersion: text("policy_version"),
			emailHash: text("email_hash"),
			lastRecordId: text("last_record_id").notNull(),
			createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
			updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
		},
		(t) => [
			index("consent_subjects_email_hash").on(t.emailHash),
			// The retention purge keeps each subject's latest record: it looks records up here.
			index("consent_subjects_last_record_id").on(t.lastRecordId),
		],
	),
);

export const consentRecordsTable = builtOnFirstUse(() =>
	sqliteTable(
		"consent_records",
		{
			recordId: text("record_id").primaryKey(),
			subject: text("subject").notNull(),
			// The subject's version after this change; unique per subject, so two concurrent writers
			// cannot both append the same version (the loser's batch rolls back and retries).
			version: integer("version").notNull(),
			createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
			jurisdiction: text("jurisdiction").notNull(),
			// The subject's stored choices after the change, and the purposes this change named.
			purposes: text("purposes", { mode: "json" }).$type<StoredChoices>().notNull(),
			changes: text("changes", { mode: "json" }).$type<StoredChoices>().notNull(),
			source: text("source").notNull(),
			gpc: integer("gpc", { mode: "boolean" }).notNull(),
			policyVersion: text("policy_version"),
			// The subject's last_record_id when the record was made; a trigger (migration 0005) refuses a
			// record that does not continue the stored chain, so a write that read the state before an
			// erasure cannot write it back after.
			previousRecordId: text("previous_record_id"),
		},
		(t) => [
			uniqueIndex("consent_records_subject_version").on(t.subject, t.version),
			index("consent_records_created_at").on(t.createdAt),
		],
	),
);

export const idempotencyKeysTable = builtOnFirstUse(() =>
	sqliteTable(
		"idempotency_keys",
		{
			// sha-256 of caller scope + Idempotency-Key, so keys of different callers never collide.
			key: text("key").primaryKey(),
			// The subject the answer is about, so erasure and export find it (the key is a hash of the
			// caller's scope, which for an API key names no subject). Null only in rows stored before 0003.
			subject: text("subject"),
			requestHash: text("request_hash").notNull(),
			status: integer("status").notNull(),
			body: text("body").notNull(),
			createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
		},
		(t) => [
			index("idempotency_keys_created_at").on(t.createdAt),
			index("idempotency_keys_subject").on(t.subject),
		],
	),
);

export const erasuresTable = builtOnFirstUse(() =>
	sqliteTable(
		"erasures",
		{
			id: text("id").primaryKey(),
			// Keyed hash of the erased subject: proves an erasure happened without keeping the identifier.
			subjectDigest: text("subject_digest").notNull(),
			erasedAt: integer("erased_at", { mode: "timestamp_ms" }).notNull(),
			// Purposes the subject had opted out of when erased (proof that the opt-out was honoured).
			optedOut: text("opted_out", { mode: "json" }).$type<string[]>().notNull(),
			recordCount: integer("record_count").notNull(),
		},
		(t) => [index("erasures_subject_digest").on(t.subjectDigest)],
	),
);

export const emailSuppressionsTable = builtOnFirstUse(() =>
	sqliteTable(
		"email_suppressions",
		{
			// HMAC of the normalised address under EMAIL_HASH_KEY: the raw address is never stored.
			emailHash: text("email_hash").notNull(),
			// The mailing list, or `*` for every list.
			list: text("list").notNull(),
			// When the address was first suppressed for this list: a repeat keeps it, an import dating it
			// earlier moves it back (with the import as its source).
			createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
			// How: `one-click` (RFC 8058 POST), `link` (the confirmation page), `import`, an admin's
			// `api`/`mailto`/`complaint`/`request`, or `erasure` (a subject erased with `email` off).
			source: text("source").notNull(),
		},
		(t) => [primaryKey({ columns: [t.emailHash, t.list] })],
	),
);

/**
 * The hashes an address had before `ς` was folded into `σ` (email-address.ts emailHashes), recorded
 * when a write met the address itself: a subject holds one hash, and its export finds the address's
 * rows under the others through these. Only addresses holding a sigma have any; hashes alone.
 */
export const emailHashAliasesTable = builtOnFirstUse(() =>
	sqliteTable(
		"email_hash_aliases",
		{
			emailHash: text("email_hash").notNull(),
			legacyHash: text("legacy_hash").notNull(),
		},
		(t) => [
			primaryKey({ columns: [t.emailHash, t.legacyHash] }),
			index("email_hash_aliases_legacy").on(t.legacyHash),
		],
	),
);

export const retentionPurgesTable = builtOnFirstUse(() =>
	sqliteTable("retention_purges", {
		id: text("id").primaryKey(),
		ranAt: integer("ran_at", { mode: "timestamp_ms" }).notNull(),
		// Records older than this were deleted, except each subject's latest (the proof of its current choice).
		cutoff: integer("cutoff", { mode: "timestamp_ms" }).notNull(),
		recordsDeleted: integer("records_deleted").notNull(),
		idempotencyKeysDeleted: integer("idempotency_keys_deleted").notNull(),
	}),
);

/**
 * KV deletes of an erased subject's cached state that KV and the queue both refused: the hourly cron
 * makes each once KV takes it, then deletes the row (storage/pending-cache-drops.ts). The subject id
 * stays here only until then, as it stays in the KV entry it names.
 */

export const pendingCacheDropsTable = builtOnFirstUse(() =>
	sqliteTable("pending_cache_drops", {
		subject: text("subject").primaryKey(),
		// No index: a few rows, there only while KV and the queue were both refusing.
		erasedAt: integer("erased_at", { mode: "timestamp_ms" }).notNull(),
	}),
);
