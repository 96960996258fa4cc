import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { build } from "esbuild";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

// Tests run inside workerd with the real local D1 and KV (storage is isolated per test file).
// Secrets get fixed test values here, so `npm test` needs no .dev.vars.
// CE_TEST_REPORT_DIR (set by .ci/run) adds a JSON report that CI sums into "N passed, N failed".
const reportDir = process.env.CE_TEST_REPORT_DIR;

const TEST_SECRETS = {
	ADMIN_API_KEY: "test-admin-key-0123456789abcdef0123",
	SIGNING_KEY: "test-signing-key-0123456789abcdef",
	EMAIL_HASH_KEY: "test-email-hash-key-0123456789abcdef",
};
// wrangler.toml lists these as required secrets; providing them here keeps its check quiet.
Object.assign(process.env, TEST_SECRETS);

/**
 * wrangler.toml's `[alias]` as wrangler's bundler applies it to the deployed script: an import written
 * exactly as a key, from any module (ours, and drizzle's: the plugin inlines node_modules), becomes
 * the file the value names from the project root; the same file imported by another path stays.
 * Anchored, as a plain string would also take "key/…" in Vite.
 */
function wranglerAliases() {
	const root = fileURLToPath(new URL(".", import.meta.url));
	const alias: Record<string, string> = unstable_readConfig({ config: `${root}wrangler.toml` }).alias ?? {};
	const resolve = createRequire(import.meta.url).resolve;
	return Object.entries(alias).map(([specifier, file]) => ({
		find: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
		replacement: resolve(file, { paths: [root] }),
	}));
}

/**
 * The scripts Worker (workers/scripts/), which the Worker's SCRIPTS service binding names, bundled as
 * wrangler bundles it: an auxiliary worker is not built by the pool.
 */
async function scriptsWorker() {
	const root = fileURLToPath(new URL(".", import.meta.url));
	const { outputFiles } = await build({
		entryPoints: [`${root}workers/scripts/index.ts`],
		bundle: true,
		format: "esm",
		write: false,
		minify: true,
	});
	const config = unstable_readConfig({ config: `${root}workers/scripts/wrangler.toml` });
	return {
		name: config.name,
		modules: [{ type: "ESModule" as const, path: "index.js", contents: outputFiles[0]?.text ?? "" }],
		compatibilityDate: config.compatibility_date,
	};
}

export default defineConfig(async () => ({
	resolve: { alias: wranglerAliases() },
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				// A second database, so tests can exercise sharding by subject (D1_SHARDS); a third that
				// test/apply-migrations.ts leaves empty, so a test can migrate it step by step.
				d1Databases: { DB_SHARD_1: "shard-1", DB_UNMIGRATED: "unmigrated" },
				workers: [await scriptsWorker()],
				bindings: {
					TEST_MIGRATIONS: await readD1Migrations("./migrations"),
					...TEST_SECRETS,
					// Off in wrangler.toml (a deploy without --env ships it); tests choose places by header.
					DEBUG_GEO: "true",
				},
			},
		}),
	],
	test: {
		include: ["test/**/*.test.ts"],
		exclude: ["test/browser/**", "test/node/**"],
		setupFiles: ["./test/apply-migrations.ts"],
		// Fault-injection tests log on purpose; show logs only for failing tests.
		silent: "passed-only",
		// CI machines have two cores shared by several workerd instances: slow is not failing.
		testTimeout: 30_000,
		reporters: reportDir ? ["default", ["json", { outputFile: `${reportDir}/workers.json` }]] : ["default"],
	},
}));
