/**
 * Runs a SQL file against the D1 binding with `wrangler d1 execute DB --file` (local or remote),
 * through the project's own wrangler, and reports how many of the file's rows were already stored.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ImportOptions } from "./import-options";

const require = createRequire(import.meta.url);

/** wrangler's CLI script; its package exports only `package.json`, not `bin/`. */
function wranglerScript(): string {
	return join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
}

/**
 * The sum of the `present` counts the file's SELECTs returned (see importStatements), or null when
 * wrangler's JSON does not carry them.
 */
function presentRows(output: string): number | null {
	try {
		const results = JSON.parse(output) as { results?: { present?: unknown }[] }[];
		if (!Array.isArray(results)) return null;
		let present = 0;
		let seen = false;
		for (const r of results) {
			const value = r.results?.[0]?.present;
			if (typeof value === "number") {
				present += value;
				seen = true;
			}
		}
		return seen ? present : null;
	} catch {
		return null;
	}
}

export function executeSqlFile(path: string, options: ImportOptions): Promise<number | null> {
	const args = [wranglerScript(), "d1", "execute", "DB", "--file", path, "--yes", "--json"];
	args.push(options.remote ? "--remote" : "--local");
	if (options.env) args.push("--env", options.env);
	if (options.persistTo) args.push("--persist-to", options.persistTo);
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			stdio: ["ignore", "pipe", "pipe"],
			env: {
				...process.env,
				WRANGLER_SEND_METRICS: "false",
				WRANGLER_HIDE_BANNER: "true",
				CLOUDFLARE_CF_FETCH_ENABLED: "false",
			},
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d: Buffer) => {
			stdout += d.toString();
		});
		child.stderr.on("data", (d: Buffer) => {
			stderr += d.toString();
		});
		child.on("error", reject);
		child.on("close", (code) => {
			if (code === 0) resolve(presentRows(stdout));
			else reject(new Error(`wrangler d1 execute failed (exit ${code}):\n${stderr || stdout}`));
		});
	});
}
