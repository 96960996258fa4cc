/**
 * The schema's tables as drizzle-kit reads a schema, objects exported by name (drizzle.config.ts),
 * so `drizzle-kit generate` compares the same tables with migrations/. The Worker never imports this
 * module: it builds every table as it loads (schema.ts builds each on first use).
 */
import * as schema from "./schema";

export const consentSubjects = schema.consentSubjectsTable();
export const consentRecords = schema.consentRecordsTable();
export const idempotencyKeys = schema.idempotencyKeysTable();
export const erasures = schema.erasuresTable();
export const emailSuppressions = schema.emailSuppressionsTable();
export const emailHashAliases = schema.emailHashAliasesTable();
export const retentionPurges = schema.retentionPurgesTable();
export const pendingCacheDrops = schema.pendingCacheDropsTable();
