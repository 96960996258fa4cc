/**
 * Node entry of the suppression import (`npm run import -- file.csv [--list news] [--remote]`).
 * The worker's modules import each other without file extensions (bundler style), which Node's
 * resolver refuses, so a resolve hook retries such relative imports with `.ts` before anything
 * else loads. Never imported by the Worker, so none of this is bundled.
 */
import { registerHooks } from "node:module";

registerHooks({
	resolve(specifier, context, nextResolve) {
		try {
			return nextResolve(specifier, context);
		} catch (err) {
			if (!/^\.\.?\//.test(specifier) || /\.[cm]?[jt]s$/.test(specifier)) throw err;
			return nextResolve(`${specifier}.ts`, context);
		}
	},
});

const { runImport } = await import("./suppression-import");
process.exitCode = await runImport(process.argv.slice(2), {
	stderr: process.stderr,
	stdout: process.stdout,
	env: process.env,
	cwd: process.cwd(),
});
