/**
 * What the Worker's script is built from (esbuild's metafile, bundled as wrangler bundles it). The
 * deployed script must stay within 100 KiB gzipped, so modules that only come along with an import
 * are kept out: drizzle's D1 driver brings its session, relational-query and cache layers, which
 * storage/queries.ts does without (drizzle still builds every statement and decodes every row), and
 * its Postgres columns and relational-query helpers, which came along with its SQL builder and its
 * SQLite dialect, the SQLite column types the schema does not use, which came along with
 * sqliteTable, the dialect's relational-query builder and migrator, and the query builders' session
 * calls and set operators (wrangler.toml's `[alias]` replaces the modules that brought them, the
 * dialect and the query builders with storage/sqlite-dialect.js's and sqlite-query-builders/' copies).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import * as schema from "../../workers/storage/drizzle-kit-schema";
import { ForeignKeyBuilder } from "../../workers/storage/no-foreign-keys";

const ROOT = new URL("../..", import.meta.url);

/** wrangler.toml's `[alias]` as `wrangler deploy --env production` reads it. */
const ALIASES = (
	unstable_readConfig({ config: fileURLToPath(new URL("wrangler.toml", ROOT)), env: "production" }) as {
		alias?: Record<string, string>;
	}
).alias;

/** wrangler's alias plugin (bundleWorker): an import written exactly as a key, resolved from the project root. */
function wranglerAliases(aliases: Record<string, string> = {}): Plugin {
	const require = createRequire(new URL("package.json", ROOT));
	return {
		name: "alias",
		setup(b) {
			const keys = Object.keys(aliases);
			if (keys.length === 0) return;
			const filter = new RegExp(keys.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
			b.onResolve({ filter }, (args) => {
				const target = aliases[args.path];
				return target ? { path: require.resolve(target, { paths: [fileURLToPath(ROOT)] }) } : undefined;
			});
		},
	};
}

async function bundle(): Promise<{ inputs: string[]; text: string }> {
	// wrangler's options (bundleWorker in wrangler's dist, for `wrangler deploy`): its conditions, no
	// platform (esbuild's default, browser, with its main fields), NODE_ENV defined as production.
	// Checked against `wrangler deploy --dry-run --metafile`: the same 204 modules with code in both.
	const production = JSON.stringify("production");
	const result = await build({
		entryPoints: [new URL("workers/index.ts", ROOT).pathname],
		bundle: true,
		write: false,
		metafile: true,
		minify: true,
		format: "esm",
		conditions: ["workerd", "worker", "browser"],
		define: {
			"process.env.NODE_ENV": production,
			"global.process.env.NODE_ENV": production,
			"globalThis.process.env.NODE_ENV": production,
		},
		external: ["cloudflare:*", "node:*"],
		outfile: "index.js",
		plugins: [wranglerAliases(ALIASES)],
	});
	const [output] = Object.values(result.metafile.outputs);
	// Only modules with code in the output: a module whose exports all go unused leaves nothing.
	const inputs = Object.entries(output?.inputs ?? {})
		.filter(([, input]) => input.bytesInOutput > 0)
		.map(([path]) => path);
	return { inputs, text: result.outputFiles[0]?.text ?? "" };
}

async function bundledInputs(): Promise<string[]> {
	return (await bundle()).inputs;
}

describe("the Worker's bundle", () => {
	it("has drizzle's query builders and column mappers, not its D1 driver and session layers", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/sqlite-dialect.js"));
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/sqlite-query-builders/select.js"));
		expect(
			inputs.filter((path) => /drizzle-orm\/(d1\/|sqlite-core\/session\.js|sqlite-core\/db\.js)/.test(path)),
		).toEqual([]);
	});

	it("has the schema's table accessors, not drizzle-kit's schema, which builds every table as it loads", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/schema.ts"));
		expect(inputs.filter((path) => path.includes("drizzle-kit-schema"))).toEqual([]);
	});

	it("has itty-router's Router module alone, not its index's response helpers, which it makes as it loads", async () => {
		const inputs = (await bundledInputs()).filter((path) => path.includes("itty-router/"));
		expect(inputs).toEqual([expect.stringMatching(/itty-router\/Router\.mjs$/)]);
	});

	it("has storage/drizzle-tracer.ts for drizzle's tracer, whose OpenTelemetry span drizzle never starts", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/drizzle-tracer.ts"));
		expect(inputs.filter((path) => /drizzle-orm\/(tracing|tracing-utils|version)\.js$/.test(path))).toEqual(
			[],
		);
		// The stand-in does what drizzle's does only while nothing in drizzle sets its `otel`.
		const tracing = readFileSync(new URL("node_modules/drizzle-orm/tracing.js", ROOT), "utf8");
		expect(tracing).toContain("let otel;");
		expect(tracing).not.toMatch(/\botel\s*=[^=]/);
		expect(tracing).toMatch(/if \(!otel\) \{\s*return fn\(\);/);
	});

	it("has storage/drizzle-casing.ts for drizzle's column casing, which storage's dialects are made without", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/drizzle-casing.ts"));
		expect(inputs.filter((path) => path.endsWith("drizzle-orm/casing.js"))).toEqual([]);
	});

	it("has storage/no-foreign-keys.ts for drizzle's foreign-key builder, as the schema's columns declare none", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/no-foreign-keys.ts"));
		expect(inputs.filter((path) => path.endsWith("drizzle-orm/sqlite-core/foreign-keys.js"))).toEqual([]);
		const tables = Object.values(schema).filter((value) => is(value, SQLiteTable));
		expect(tables.length).toBeGreaterThan(5);
		for (const table of tables)
			expect(getTableConfig(table).foreignKeys, getTableConfig(table).name).toEqual([]);
		// A column declaring one would stop the script as it starts, not run without its key.
		expect(() => new ForeignKeyBuilder()).toThrow(/foreign key/);
	});

	it("has none of drizzle's Postgres dialect, which its SQL builder imported to recognise pgEnum()", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("drizzle-orm/sql/sql.js"));
		expect(inputs.filter((path) => path.includes("drizzle-orm/pg-core/"))).toEqual([]);
	});

	it("has none of drizzle's relational-query helpers, which only drizzle's session reaches", async () => {
		const inputs = await bundledInputs();
		expect(inputs.filter((path) => path.includes("drizzle-orm/relations.js"))).toEqual([]);
	});

	it("has the SQLite column types the schema uses, integer and text, and none of the others", async () => {
		const inputs = await bundledInputs();
		const columnModules = inputs
			.map((path) => /drizzle-orm\/sqlite-core\/columns\/([\w-]+)\.js$/.exec(path)?.[1])
			.filter((name) => name !== undefined)
			.sort();
		expect(columnModules).toEqual(["common", "integer", "text"]);
	});

	it("has drizzle's SQLite dialect as storage/sqlite-dialect.js copies it, without relational queries or the migrator", async () => {
		const { inputs, text } = await bundle();
		expect(inputs.filter((path) => path.includes("drizzle-orm/sqlite-core/dialect.js"))).toEqual([]);
		expect(inputs).toContainEqual(expect.stringContaining("workers/storage/sqlite-dialect.js"));
		// Method names and the migrator's table survive minification.
		expect(text).toContain("buildSelectQuery");
		expect(text).not.toContain("buildRelationalQuery");
		expect(text).not.toContain("__drizzle_migrations");
	});

	it("has drizzle's SQLite query builders as storage/sqlite-query-builders/ copies them, without session calls or set operators", async () => {
		const { inputs, text } = await bundle();
		expect(inputs.filter((path) => path.includes("drizzle-orm/sqlite-core/query-builders/"))).toEqual([]);
		// Their error messages survive minification.
		expect(text).toContain("values() must be called with at least one value");
		expect(text).not.toContain("Set operator error");
		expect(text).not.toContain("Cannot execute a query on a query builder");
		expect(text).not.toContain("buildSetOperationQuery");
	});
});
