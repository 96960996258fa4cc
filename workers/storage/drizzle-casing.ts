/**
 * Stands in for drizzle-orm/casing.js where storage/sqlite-dialect.js imports it, by wrangler.toml's
 * `[alias]`. drizzle's CasingCache turns a column's key into its SQL name under a dialect's `casing`
 * option (snake_case, camelCase); storage's dialects are made without one (queries.ts), and without one
 * drizzle's answers each column's own name, as this does. Asked for a casing, it refuses as the script
 * starts rather than build SQL with other names than drizzle would (its converters stayed out).
 */
import { entityKind } from "drizzle-orm/entity";

export class CasingCache {
	static readonly [entityKind] = "CasingCache";

	constructor(casing?: string) {
		if (casing !== undefined) throw new Error(`storage/drizzle-casing.ts has no "${casing}" casing`);
	}

	getColumnCasing(column: { readonly name: string }): string {
		return column.name;
	}

	clearCache(): void {}
}
