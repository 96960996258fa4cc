/**
 * The workerd peer's D1 contents as SQL: c15t's database seeded under Node (seed.mjs; c15t's own
 * POST /subjects cannot run on D1, which has no transactions), dumped as its schema (tables, indexes)
 * and multi-row literal INSERTs, parents first. Writes a JSON array of statements to the file named by
 * the first argument; bench/lib/peer.mjs runs them as one D1 batch.
 */
import { writeFileSync } from "node:fs";
import { seededC15t } from "./seed.mjs";

const ROWS_PER_STATEMENT = 200;
const SUBJECTS = Number(process.env.SUBJECTS ?? 10_000);

const { sqlite } = await seededC15t(SUBJECTS);
// sqlite_master in creation order: c15t's migrator creates each table after the tables it references.
const objects = sqlite
	.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
	.all();
const statements = objects.map((o) => o.sql);
const ident = (name) => `"${name.replaceAll('"', '""')}"`;
for (const { name } of objects.filter((o) => o.type === "table")) {
	const columns = sqlite.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid").all(name);
	const columnList = columns.map((c) => ident(c.name)).join(", ");
	// SQLite's quote() writes each value as the literal it is stored as (integer, real, text, blob).
	const tuple = `'(' || ${columns.map((c) => `quote(${ident(c.name)})`).join(" || ',' || ")} || ')'`;
	const tuples = sqlite
		.prepare(`SELECT ${tuple} AS t FROM ${ident(name)} ORDER BY rowid`)
		.pluck()
		.all();
	for (let i = 0; i < tuples.length; i += ROWS_PER_STATEMENT) {
		const values = tuples.slice(i, i + ROWS_PER_STATEMENT).join(",");
		statements.push(`INSERT INTO ${ident(name)} (${columnList}) VALUES ${values}`);
	}
}
writeFileSync(process.argv[2], JSON.stringify(statements));
process.stdout.write(`${JSON.stringify({ statements: statements.length, subjects: SUBJECTS })}\n`);
