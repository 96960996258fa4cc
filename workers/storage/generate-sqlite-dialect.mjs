/**
 * Builds the copies of drizzle's SQLite dialect and query builders that stand in for drizzle's own in
 * the Worker's script by wrangler.toml's `[alias]`: sqlite-dialect.js for sqlite-core/dialect.js, and
 * sqlite-query-builders/ for sqlite-core/query-builders/ (its index, select, insert, update, delete and
 * query-builder modules). Each is the installed drizzle-orm's own file, text for text, less the
 * members the Worker never runs: what runs on drizzle's session (`_prepare`, `run`, `all`, `execute`,
 * relational queries, `db.query.*`: the Worker has none, storage/queries.ts builds statements and D1
 * runs them), the migrator (wrangler applies migrations/), and what storage never builds: set
 * operators (union, intersect, except), common table expressions (`with`), selectDistinct, an insert
 * from a select, and an update's `from` and joins (a select's joins stay). A class keeps every method, used or not, so only a copy leaves
 * them out. Run `npm run dialect:build` after upgrading drizzle-orm; `--check` exits 1 when a copy is
 * not current (test/browser/sqlite-dialect.test.ts runs it, and compares the copies' SQL to drizzle's).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { posix } from "node:path";

const DRIZZLE = new URL("../../node_modules/drizzle-orm/", import.meta.url);
const STORAGE = new URL("./", import.meta.url);
const BUILDERS = "sqlite-core/query-builders/";

/** What a session runs a builder's statement with: drizzle's build writes each member's first line so. */
const SESSION_MEMBERS = [
	"  _prepare(isOneTimeQuery = true) {",
	"  prepare() {",
	"  run = (placeholderValues) => {",
	"  all = (placeholderValues) => {",
	"  get = (placeholderValues) => {",
	"  values = (placeholderValues) => {",
];

/** drizzle's files copied (by path in the package), where, and the members or declarations left out. */
const COPIES = [
	{
		file: "sqlite-core/dialect.js",
		target: "sqlite-dialect.js",
		leftOut: [
			"  buildRelationalQuery({",
			"  migrate(migrations, session, config) {",
			"  async migrate(migrations, session, config) {",
			"  buildSetOperations(leftSelect, setOperators) {",
			"  buildSetOperationQuery({",
		],
	},
	{ file: `${BUILDERS}index.js`, target: "sqlite-query-builders/index.js", leftOut: [] },
	{
		file: `${BUILDERS}query-builder.js`,
		target: "sqlite-query-builders/query-builder.js",
		leftOut: ["  $with = (alias, selection) => {", "  with(...queries) {", "  selectDistinct(fields) {"],
	},
	{
		file: `${BUILDERS}select.js`,
		target: "sqlite-query-builders/select.js",
		leftOut: [
			"  createSetOperator(type, isAll) {",
			'  union = this.createSetOperator("union", false);',
			'  unionAll = this.createSetOperator("union", true);',
			'  intersect = this.createSetOperator("intersect", false);',
			'  except = this.createSetOperator("except", false);',
			"  addSetOperators(setOperators) {",
			...SESSION_MEMBERS,
			"  $withCache(config) {",
			"  async execute() {",
			"function createSetOperator(type, isAll) {",
			"const getSQLiteSetOperators = () => ({",
			'const union = createSetOperator("union", false);',
			'const unionAll = createSetOperator("union", true);',
			'const intersect = createSetOperator("intersect", false);',
			'const except = createSetOperator("except", false);',
		],
	},
	{
		file: `${BUILDERS}insert.js`,
		target: "sqlite-query-builders/insert.js",
		leftOut: ["  select(selectQuery) {", ...SESSION_MEMBERS, "  async execute() {"],
	},
	{
		file: `${BUILDERS}update.js`,
		target: "sqlite-query-builders/update.js",
		leftOut: [
			"  from(source) {",
			"  createJoin(joinType) {",
			'  leftJoin = this.createJoin("left");',
			'  rightJoin = this.createJoin("right");',
			'  innerJoin = this.createJoin("inner");',
			'  fullJoin = this.createJoin("full");',
			...SESSION_MEMBERS,
			"  async execute() {",
		],
	},
	{
		file: `${BUILDERS}delete.js`,
		target: "sqlite-query-builders/delete.js",
		leftOut: [...SESSION_MEMBERS, "  async execute(placeholderValues) {"],
	},
];

/**
 * The code without the member or declaration whose first line is `head`, and its doc comment. One
 * that opens a block ends with the first line at its indent that is only its close (`  }`, `  };`, `});`).
 */
function without(code, head) {
	const start = code.indexOf(`\n${head}\n`);
	if (start < 0 || code.indexOf(`\n${head}\n`, start + 1) >= 0) {
		throw new Error(`drizzle has no single "${head.trim()}": review COPIES for this version`);
	}
	const indent = /^ */.exec(head)[0];
	let end = start + 1 + head.length;
	if (/[{(]$/.test(head)) {
		const close = new RegExp(`\\n${indent}\\}\\)?;?(?=\\n)`, "g");
		close.lastIndex = end;
		const line = close.exec(code);
		end = line.index + line[0].length;
	}
	const doc = new RegExp(`\\n${indent}/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/$`).exec(code.slice(0, start));
	return code.slice(0, doc ? doc.index : start) + code.slice(end);
}

/** A relative import in drizzle's `file`, as the copy at `target` writes it: a copy's, else the package's. */
function importPath(relative, file, target, exported) {
	const path = new URL(relative, new URL(file, DRIZZLE)).href.slice(DRIZZLE.href.length);
	const copied = COPIES.find((copy) => copy.file === path);
	if (copied) {
		const to = posix.relative(posix.dirname(target), copied.target);
		return to.startsWith(".") ? to : `./${to}`;
	}
	const packagePath = `./${path.replace(/\.js$/, "").replace(/\/index$/, "")}`;
	if (!(packagePath in exported))
		throw new Error(`drizzle-orm does not export ${packagePath} (imported as ${relative})`);
	return `drizzle-orm${packagePath.slice(1)}`;
}

/** Each import keeps the names the remaining code uses; one using none goes. Re-exports stay. */
function withImportsUsed(code, { file, target }, exported) {
	const imports = [...code.matchAll(/^import \{([^}]*)\} from "([^"]+)";\n/gm)];
	const body = imports.length > 0 ? code.slice(imports.at(-1).index + imports.at(-1)[0].length) : code;
	const kept = imports.flatMap(([, names, from]) => {
		const used = names
			.split(",")
			.map((name) => name.trim())
			.filter((name) => name && new RegExp(`\\b${name.replace(/\$/g, "\\$")}\\b`).test(body));
		const path = importPath(from, file, target, exported);
		return used.length > 0 ? [`import { ${used.join(", ")} } from "${path}";\n`] : [];
	});
	const reexports = body.replace(/^export \* from "([^"]+)";$/gm, (_line, from) => {
		return `export * from "${importPath(from, file, target, exported)}";`;
	});
	return kept.join("") + reexports;
}

/** The export list less the names whose declarations went. */
function withExportsDeclared(code) {
	return code.replace(/^export \{\n([^}]*)\n\};$/m, (_list, names) => {
		const declared = names
			.split(",")
			.map((name) => name.trim())
			.filter((name) =>
				new RegExp(`^(?:class|function|const|let) ${name.replace(/\$/g, "\\$")}\\b`, "m").test(code),
			);
		return `export {\n${declared.map((name) => `  ${name}`).join(",\n")}\n};`;
	});
}

/** Text as the lines of a block comment, wrapped at 100 columns. */
function commentLines(text) {
	const lines = [];
	for (const word of text.split(" ")) {
		if (lines.length > 0 && `${lines.at(-1)} ${word}`.length <= 100) lines[lines.length - 1] += ` ${word}`;
		else lines.push(` * ${word}`);
	}
	return lines.join("\n");
}

function copyModule(copy) {
	const { version, exports } = JSON.parse(readFileSync(new URL("package.json", DRIZZLE), "utf8"));
	let code = readFileSync(new URL(copy.file, DRIZZLE), "utf8").replace(
		/\n?\/\/# sourceMappingURL=.*\n?$/,
		"\n",
	);
	for (const head of copy.leftOut) code = without(code, head);
	const names = new Set(
		copy.leftOut.map((head) => /^\s*(?:async |const |function )?([\w$]+)/.exec(head)?.[1]),
	);
	const less = names.size > 0 ? `, less ${[...names].join(", ")}` : "";
	return `/**
${commentLines(`Generated by generate-sqlite-dialect.mjs (\`npm run dialect:build\`) from drizzle-orm ${version}'s ${copy.file} (Apache-2.0)${less}: do not edit by hand.`)}
 */
${withImportsUsed(withExportsDeclared(code), copy, exports)}`;
}

let stale = false;
for (const copy of COPIES) {
	const target = new URL(copy.target, STORAGE);
	const module = copyModule(copy);
	if (!process.argv.includes("--check")) writeFileSync(target, module);
	else if (readFileSync(target, "utf8") !== module) {
		console.error(`workers/storage/${copy.target} is stale: run \`npm run dialect:build\``);
		stale = true;
	}
}
if (stale) process.exit(1);
