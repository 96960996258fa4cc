/**
 * Reference `write-floor` (not a target): the binding calls a visitor's opt-out makes, with no logic
 * around them. The write rate limiter (raised for the bench, as for the Worker), the same D1 batch
 * as `bare-d1-write` (an audit record and a new subject row), and the KV write-through of the new
 * state.
 */
const PURPOSES = '{"analytics":false,"personalization":false,"ads":false,"sale":false,"email":false}';
const SOURCES = '{"analytics":"ui","personalization":"ui","ads":"ui","sale":"ui","email":"ui"}';

export default {
	async fetch(_request, env, ctx) {
		await env.WRITE_LIMITER.limit({ key: "write:127.0.0.1" });
		const subject = `f:${crypto.randomUUID()}`;
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
		const state = {
			version: 1,
			purposes: JSON.parse(PURPOSES),
			sources: JSON.parse(SOURCES),
			updatedAt: now,
		};
		ctx.waitUntil(env.CONSENT_KV.put(`state:${subject}`, JSON.stringify(state), { expirationTtl: 604800 }));
		return Response.json({ subject, version: 1 });
	},
};
