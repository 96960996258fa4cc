/**
 * SQL text, for the suppression import's file, that turns `email` off for the subjects a keyed PUT
 * linked to imported addresses, as a one-click unsubscribe does (suppress-address.ts): a record with
 * source `import` continuing each subject's chain, then the subject's state. A subject that chose
 * `email` after the row's date keeps that later choice. `updated_at` stays: an imported unsubscribe
 * answers no question, as an emailed one does not (answersConsent). Values are inlined: `wrangler d1
 * execute --file` binds nothing, and hashes and dates are already restricted to safe characters.
 */

export interface ImportedAddress {
	/** Keyed hash of the normalised address (base64url). */
	readonly emailHash: string;
	/** When the address was unsubscribed, epoch ms. */
	readonly createdAt: number;
}

const EMAIL_HASH = /^[A-Za-z0-9_-]{43}$/;

/** A random version-4 UUID, as the worker's record ids are. */
const RECORD_ID =
	"lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || " +
	"substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

/** The newest unsubscribe date per address: any later choice of `email` than that one stands. */
function importedValues(addresses: readonly ImportedAddress[]): string {
	const values = addresses
		.filter((a) => EMAIL_HASH.test(a.emailHash))
		.map((a) => `('${a.emailHash}', ${Math.trunc(a.createdAt)})`);
	return `SELECT column1 AS email_hash, max(column2) AS since FROM (VALUES ${values.join(", ")}) GROUP BY column1`;
}

export function linkedSubjectsEmailOffStatements(addresses: readonly ImportedAddress[], now: number): string {
	if (!addresses.some((a) => EMAIL_HASH.test(a.emailHash))) return "";
	const at = Math.trunc(now);
	const insert =
		"INSERT INTO consent_records (record_id, subject, version, created_at, jurisdiction, purposes, changes, source, gpc, policy_version, previous_record_id)\n" +
		`SELECT ${RECORD_ID}, s.subject, s.version + 1, ${at}, 'ZZ', json_set(s.purposes, '$.email', json('false')), '{"email":false}', 'import', 0, s.policy_version, s.last_record_id\n` +
		`FROM consent_subjects s JOIN (${importedValues(addresses)}) AS f ON s.email_hash = f.email_hash\n` +
		"WHERE json_extract(s.purposes, '$.email') IS NOT 0\n" +
		"AND NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.subject = s.subject AND r.created_at > f.since AND json_extract(r.changes, '$.email') IS NOT NULL);";
	const update =
		"UPDATE consent_subjects SET version = version + 1, purposes = json_set(purposes, '$.email', json('false')), " +
		"sources = json_set(sources, '$.email', 'import'), " +
		"last_record_id = (SELECT r.record_id FROM consent_records r WHERE r.subject = consent_subjects.subject AND r.version = consent_subjects.version + 1)\n" +
		`WHERE email_hash IN (SELECT email_hash FROM (${importedValues(addresses)}))\n` +
		"AND EXISTS (SELECT 1 FROM consent_records r WHERE r.subject = consent_subjects.subject AND r.version = consent_subjects.version + 1 AND r.source = 'import');";
	return `${insert}\n${update}`;
}
