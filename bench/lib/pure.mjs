/**
 * The pure-function suite: bundles bench/pure/*.bench.ts (the Worker's TypeScript, as is) with
 * esbuild and runs them in a separate Node process, so nothing else competes for the CPU meanwhile.
 * A case whose module does not exist yet is listed as skipped.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { BENCH_DIR, ROOT, WORK_DIR } from "./config.mjs";

const requireFromWrangler = createRequire(createRequire(join(ROOT, "package.json")).resolve("wrangler"));

const SUITES = [
	{ file: "strip-tracking-params.bench.ts", needs: "workers/guard/strip-tracking-params.ts" },
	{ file: "gpc-signal.bench.ts", needs: "workers/gpc/gpc-signal.ts" },
	{ file: "decide-consent.bench.ts", needs: "workers/consent/decide-consent.ts" },
	{ file: "decision-cookie.bench.ts", needs: "workers/consent/decision-cookie.ts" },
];

export async function runPureSuite() {
	const present = SUITES.filter((s) => existsSync(join(ROOT, s.needs)));
	const skipped = SUITES.filter((s) => !present.includes(s)).map((s) => ({
		name: s.file,
		skipped: `${s.needs} not present`,
	}));
	const esbuild = requireFromWrangler("esbuild");
	const outdir = join(WORK_DIR, "pure");
	await esbuild.build({
		entryPoints: present.map((s) => join(BENCH_DIR, "pure", s.file)),
		bundle: true,
		format: "esm",
		platform: "node",
		target: "node22",
		outdir,
		outExtension: { ".js": ".mjs" },
		logLevel: "error",
	});
	const bundles = present.map((s) => join(outdir, s.file.replace(/\.ts$/, ".mjs")));
	const out = await new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [join(BENCH_DIR, "pure", "runner.mjs"), ...bundles], {
			stdio: ["ignore", "pipe", "inherit"],
		});
		let text = "";
		child.stdout.on("data", (d) => (text += d));
		child.on("error", reject);
		child.on("close", (code) =>
			code === 0 ? resolve(text) : reject(new Error(`pure suite exited ${code}`)),
		);
	});
	return [...JSON.parse(out), ...skipped];
}
