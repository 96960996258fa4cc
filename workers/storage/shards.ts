/**
 * Which D1 database holds a subject. One database (`DB`) by default; with `D1_SHARDS` listing
 * binding names (e.g. "DB,DB_1,DB_2,DB_3"), a stable 32-bit FNV-1a hash of the subject picks one, so
 * a subject's state, records, idempotency answers and tombstone live together and every write stays
 * one atomic batch on one database. See docs/SCALING.md.
 */
import { settingsFor } from "../config/settings";

const cache = new WeakMap<object, D1Database[]>();
/** The stand-ins for D1_SHARDS names with no database bound (failing every call). */
const unbound = new WeakSet<D1Database>();

export function allConsentDatabases(env: Env): D1Database[] {
	let dbs = cache.get(env);
	if (!dbs) {
		const vars = env as unknown as Record<string, unknown>;
		const names = settingsFor(env).d1Shards;
		dbs = names.length > 0 ? names.map((name) => boundDatabase(vars[name], name)) : [env.DB];
		cache.set(env, dbs);
	}
	return dbs;
}

/**
 * The databases the worker uses that are bound: `DB` (suppressions live there, whatever D1_SHARDS
 * lists) and the bound shards. GET /v1/health's `d1` reads them and `d1Databases` counts them; an
 * unbound name is its `config` finding.
 */
export function boundDatabases(env: Env): D1Database[] {
	return [...new Set([env.DB, ...allConsentDatabases(env).filter((db) => !unbound.has(db))])];
}

/**
 * A listed shard with no D1 database bound to it is kept in its place, failing every call as an
 * unreachable D1 does (lookups fail closed, writes answer 503): skipping it would change the shard
 * count and send subjects to databases that hold nothing of theirs, where an opt-out reads as no
 * choice at all. settingsFor logs it, once per isolate.
 */
function boundDatabase(binding: unknown, name: string): D1Database {
	if (typeof (binding as D1Database | undefined)?.prepare === "function") return binding as D1Database;
	const fail = () => {
		throw new Error(`D1_SHARDS names ${name}, which is not a bound D1 database`);
	};
	const session = { prepare: fail, batch: fail, getBookmark: () => null };
	const standIn = {
		prepare: fail,
		batch: fail,
		exec: fail,
		dump: fail,
		withSession: () => session,
	} as unknown as D1Database;
	unbound.add(standIn);
	return standIn;
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

/**
 * Where the keyed writes that belong to no subject's batch (suppressions, unsubscribe links,
 * erasure) keep their Idempotency-Key answers: the first database, `DB` unless D1_SHARDS says
 * otherwise, which the daily purge reaches like every shard. With one database it also holds every
 * consent write's answers, so a key is one request across all of them.
 */
export function keyedAnswerDatabase(env: Env): D1Database {
	return allConsentDatabases(env)[0] as D1Database;
}
