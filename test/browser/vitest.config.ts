/**
 * Browser tests: plain Node (not the workers pool), driving Chromium against `wrangler dev`.
 * Run with `npx vitest run --config test/browser/vitest.config.ts`.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// CE_TEST_REPORT_DIR (set by .ci/run) adds a JSON report that CI sums into "N passed, N failed".
const reportDir = process.env.CE_TEST_REPORT_DIR;

export default defineConfig({
	root: fileURLToPath(new URL("../..", import.meta.url)),
	test: {
		include: ["test/browser/**/*.test.ts"],
		environment: "node",
		// Each file starts its own wrangler dev; running them one at a time keeps the machine calm.
		fileParallelism: false,
		testTimeout: 60_000,
		// expect.poll waits for the page or the worker to get somewhere, never times it: a loaded machine
		// takes seconds where a quiet one takes milliseconds (the default, 1 s, failed such waits).
		expect: { poll: { timeout: 30_000 } },
		hookTimeout: 180_000,
		reporters: reportDir ? ["default", ["json", { outputFile: `${reportDir}/browser.json` }]] : ["default"],
	},
});
