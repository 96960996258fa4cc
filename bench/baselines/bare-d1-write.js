/**
 * Baseline `bare-d1-write`: one atomic D1 batch of two inserts shaped like a consent write (an audit
 * record and a new subject row), for a fresh subject each time, then a small answer.
 */
const PURPOSES = '{"analytics":false,"personalization":false,"ads":false,"sale":false,"email":false}';
const SOURCES = '{"analytics":"ui","personalization":"ui","ads":"ui","sale":"ui","email":"ui"}';

export default {
	async fetch(_request, env) {
		const subject = `b:${crypto.randomUUID()}`;
		const recordId = crypto.randomUUID();
		const now = Date.now();
		await env.DB.batch([
			env.DB.prepare(
				"INSERT INTO consent_records (record_id, subject, version, created_at, jurisdiction, purposes, changes, source, gpc, policy_version, previous_record_id) VALUES (?1, ?2, 1, ?3, 'US-CA', ?4, ?4, 'ui', 0, '2026-11', NULL)",
			).bind(recordId, subject, now, PURPOSES),
			env.DB.prepare(
				"INSERT INTO consent_subjects (subject, version, purposes, sources, policy_version, email_hash, last_record_id, created_at, updated_at) VALUES (?1, 1, ?2, ?3, '2026-11', NULL, ?4, ?5, ?5)",
			).bind(subject, PURPOSES, SOURCES, recordId, now),
		]);
		return Response.json({ subject, version: 1 });
	},
};
