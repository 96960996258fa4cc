// Sums vitest JSON reports into the one plain line CI shows: "N passed, N failed[, N skipped]".
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
	const report = JSON.parse(readFileSync(join(dir, name), "utf8"));
	reports++;
	passed += report.numPassedTests ?? 0;
	failed += report.numFailedTests ?? 0;
	// A file that failed with no failed test (an error outside any test) counts once; a failed test's
	// file and describe blocks are counted as failed suites too, and are not counted again.
	failed += (report.testResults ?? []).filter(
		(file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
	).length;
	skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (reports === 0) {
	console.log("0 passed, 1 failed");
	console.error("no test report was written: the test command failed before running tests");
	process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
