/**
 * The D1 batch a first consent write makes, shared by `bare-d1-write` and `write-floor`: an audit
 * record and a new subject row for a fresh subject (`<prefix>:<uuid>`), in one atomic batch.
 */
export const PURPOSES = '{"analytics":false,"personalization":false,"ads":false,"sale":false,"email":false}';
export const SOURCES = '{"analytics":"ui","personalization":"ui","ads":"ui","sale":"ui","email":"ui"}';

/** @returns {Promise<{ subject: string, now: number }>} */
export async function insertFirstWrite(db, prefix) {
	const subject = `${prefix}:${crypto.randomUUID()}`;
	const recordId = crypto.randomUUID();
	const now = Date.now();
	await db.batch([
		db
			.prepare(
				"INSERT INTO consent_records (record_id, subject, version, created_at, jurisdiction, purposes, changes, source, gpc, policy_version, previous_record_id) VALUES (?1, ?2, 1, ?3, 'US-CA', ?4, ?4, 'ui', 0, '2026-11', NULL)",
			)
			.bind(recordId, subject, now, PURPOSES),
		db
			.prepare(
				"INSERT INTO consent_subjects (subject, version, purposes, sources, policy_version, email_hash, last_record_id, created_at, updated_at) VALUES (?1, 1, ?2, ?3, '2026-11', NULL, ?4, ?5, ?5)",
			)
			.bind(subject, PURPOSES, SOURCES, recordId, now),
	]);
	return { subject, now };
}
