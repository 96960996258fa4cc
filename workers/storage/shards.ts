/**
 * Which D1 database holds a subject. One database (`DB`) by default; with `D1_SHARDS` listing
 * binding names (e.g. "DB,DB_1,DB_2,DB_3"), a stable 32-bit FNV-1a hash of the subject picks one, so
 * a subject's state, records, idempotency answers and tombstone live together and every write stays
 * one atomic batch on one database. See docs/SCALING.md.
 */
const cache = new WeakMap<object, D1Database[]>();

export function allConsentDatabases(env: Env): D1Database[] {
	let dbs = cache.get(env);
	if (!dbs) {
		const vars = env as unknown as Record<string, unknown>;
		const names = typeof vars.D1_SHARDS === "string" ? vars.D1_SHARDS.split(",").map((n) => n.trim()) : [];
		const bound = names
			.map((n) => vars[n])
			.filter((db): db is D1Database => typeof (db as D1Database)?.prepare === "function");
		dbs = bound.length > 0 ? bound : [env.DB];
		cache.set(env, dbs);
	}
	return dbs;
}

export function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

export function consentDatabase(env: Env, subject: string): D1Database {
	const dbs = allConsentDatabases(env);
	return dbs.length === 1 ? (dbs[0] as D1Database) : (dbs[fnv1a(subject) % dbs.length] as D1Database);
}
