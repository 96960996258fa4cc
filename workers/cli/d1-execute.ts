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

/** Where the import writes, as wrangler's options: local or remote, environment, state dir. */
export function wranglerTarget(options: ImportOptions): string[] {
	const args = [options.remote ? "--remote" : "--local"];
	if (options.env) args.push("--env", options.env);
	if (options.persistTo) args.push("--persist-to", options.persistTo);
	return args;
}

export interface WranglerResult {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs the project's wrangler with `args`, collecting its output. */
export function runWrangler(args: readonly string[]): Promise<WranglerResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [wranglerScript(), ...args], {
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
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

export async function executeSqlFile(path: string, options: ImportOptions): Promise<number | null> {
	const { code, stdout, stderr } = await runWrangler([
		"d1",
		"execute",
		"DB",
		"--file",
		path,
		"--yes",
		"--json",
		...wranglerTarget(options),
	]);
	if (code !== 0) {
		const said = stderr || stdout;
		// A fresh clone's local D1 before the first `npm start`: say what to run, not only SQLite's words.
		const hint = /no such table/i.test(said)
			? `\nThe database's migrations are not applied yet: run npx wrangler d1 migrations apply DB ${wranglerTarget(options).join(" ")} (npm start does it for the local D1), then import again.`
			: "";
		throw new Error(`wrangler d1 execute failed (exit ${code}):\n${said}${hint}`);
	}
	return presentRows(stdout);
}
