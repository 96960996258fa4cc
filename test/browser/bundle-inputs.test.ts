/**
 * What the Worker's script is built from (esbuild's metafile, bundled as wrangler bundles it). The
 * deployed script must stay within 100 KiB gzipped, so modules that only come along with an import
 * are kept out: drizzle's D1 driver brings its session, relational-query and cache layers, which
 * storage/queries.ts does without (drizzle still builds every statement and decodes every row).
 */
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url);

async function bundledInputs(): Promise<string[]> {
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
	});
	const [output] = Object.values(result.metafile.outputs);
	// Only modules with code in the output: a module whose exports all go unused leaves nothing.
	return Object.entries(output?.inputs ?? {})
		.filter(([, input]) => input.bytesInOutput > 0)
		.map(([path]) => path);
}

describe("the Worker's bundle", () => {
	it("has drizzle's query builders and column mappers, not its D1 driver and session layers", async () => {
		const inputs = await bundledInputs();
		expect(inputs).toContainEqual(expect.stringContaining("drizzle-orm/sqlite-core/dialect.js"));
		expect(inputs).toContainEqual(
			expect.stringContaining("drizzle-orm/sqlite-core/query-builders/select.js"),
		);
		expect(
			inputs.filter((path) => /drizzle-orm\/(d1\/|sqlite-core\/session\.js|sqlite-core\/db\.js)/.test(path)),
		).toEqual([]);
	});
});
