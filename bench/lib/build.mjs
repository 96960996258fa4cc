/**
 * Builds the Worker exactly as `wrangler deploy` would upload it (`--dry-run --outdir`), and measures
 * the gzip size of what would be uploaded.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, WORK_DIR } from "./config.mjs";

const require = createRequire(join(ROOT, "package.json"));
/** The project's wrangler CLI, run with the Node that runs the bench. */
export const WRANGLER_BIN = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");

export const QUIET_WRANGLER_ENV = {
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_HIDE_BANNER: "true",
};

function run(command, args, options) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.on("data", (d) => (out += d));
		child.stderr.on("data", (d) => (out += d));
		child.on("error", reject);
		child.on("close", (code) =>
			code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${out}`)),
		);
	});
}

/**
 * @param {{ minify?: boolean, root?: string, dir?: string, config?: string }} [options] `minify: false`
 *   overrides wrangler.toml (readable profiles); `root` builds another checkout (bench/compare.mjs)
 *   into `dir`; `config` builds another Worker of the project (the scripts Worker's wrangler.toml)
 * @returns {Promise<{dir: string, main: string, gzipBytes: number, rawBytes: number, wranglerSummary: string}>}
 */
export async function buildWorker({ minify, root = ROOT, dir: outDir, config } = {}) {
	const dir = outDir ?? join(WORK_DIR, minify === false ? "dist-unminified" : "dist");
	rmSync(dir, { recursive: true, force: true });
	const args = [
		WRANGLER_BIN,
		"deploy",
		"--dry-run",
		...(config ? ["--config", config] : []),
		"--outdir",
		dir,
		...(minify === false ? ["--no-minify"] : []),
	];
	const out = await run(process.execPath, args, {
		cwd: root,
		env: { ...process.env, ...QUIET_WRANGLER_ENV },
	});
	let rawBytes = 0;
	let gzipBytes = 0;
	// Everything wrangler would upload: the entry and any extra modules, not source maps.
	for (const file of readdirSync(dir)) {
		if (file.endsWith(".map") || file === "README.md") continue;
		const bytes = readFileSync(join(dir, file));
		rawBytes += bytes.length;
		gzipBytes += gzipSync(bytes).length;
	}
	const summary = /Total Upload:[^\n]*/.exec(out)?.[0] ?? "";
	return { dir, main: join(dir, "index.js"), gzipBytes, rawBytes, wranglerSummary: summary.trim() };
}
