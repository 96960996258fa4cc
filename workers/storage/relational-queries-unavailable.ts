/**
 * Stands in for drizzle-orm/relations.js where drizzle's SQLite dialect (sqlite-core/dialect.js) imports
 * it, by wrangler.toml's `[alias]`. The dialect uses it only in buildRelationalQuery, for drizzle's
 * relational queries (`db.query.*`), which run on drizzle's session: the Worker has none
 * (storage/queries.ts builds statements and D1 runs them), so that code is never reached, and
 * relations.js was about 0.6 KiB of the script gzipped.
 */

function unavailable(): never {
	throw new Error("drizzle's relational queries are not in the Worker's script (wrangler.toml [alias])");
}

export const getOperators = unavailable;
export const getOrderByOperators = unavailable;
export const normalizeRelation = unavailable;

export class One {
	constructor() {
		unavailable();
	}
}

export class Many {
	constructor() {
		unavailable();
	}
}
