/**
 * `npx node bench/compare.mjs <git-rev> [scenario ...]`: the working tree against another revision,
 * in one run. Ratios from separate bench runs move by up to ±0.1 on a shared machine, more than most
 * single changes are worth; here both builds serve the same scenarios side by side (two Miniflares,
 * same secrets, same seeded data, same cookies) and are measured interleaved, A B B A, as the bench
 * measures a scenario against its baseline. Prints requests/s of each and the ratio new / old.
 * Default scenarios: the noop group's (cookie-decision, gpc-decision, guard-strip-redirect,
 * beacon-block). Scenarios on the cold-D1 pool are not supported (the pool belongs to one instance).
 * Writes nothing outside bench/.work/.
 */
import { join } from "node:path";
import { buildWorker } from "./lib/build.mjs";
import { LOAD, WORK_DIR } from "./lib/config.mjs";
import { ensureWrk } from "./lib/load.mjs";
import { stopProcesses } from "./lib/processes.mjs";
import { revisionCheckout } from "./lib/revision.mjs";
import { measureGroup } from "./lib/rounds.mjs";
import { seed } from "./lib/seed.mjs";
import { API_WORKER, startWorkers } from "./lib/serve.mjs";
import { stage } from "./lib/stage.mjs";

const [rev, ...names] = process.argv.slice(2);
if (!rev) {
	console.error("usage: npx node bench/compare.mjs <git-rev> [scenario ...]");
	process.exit(2);
}
const wanted = names.length
	? names
	: ["cookie-decision", "gpc-decision", "guard-strip-redirect", "beacon-block"];
const log = (line) => console.log(line);
const revision = revisionCheckout(rev);
const { commit } = revision;
const opened = [];

async function main() {
	ensureWrk(log);
	revision.checkOut();
	const oldBuild = await buildWorker({ root: revision.dir, dir: join(WORK_DIR, "compare", "dist") });
	log(`built ${rev} (${commit.slice(0, 12)}): ${(oldBuild.gzipBytes / 1024).toFixed(1)} KiB gzipped`);

	const { workers, scenarios, originUrl } = await stage({ log });
	opened.push(workers);
	const old = await startWorkers({ build: oldBuild, origin: originUrl, log });
	opened.push(old);
	await seed(old.mf, API_WORKER, old.urls["kv-admin"]);
	log(`serving the working tree and ${rev}, each seeded; same secrets, so the same cookies work on both`);

	const urls = { ...workers.urls };
	for (const [name, url] of Object.entries(old.urls)) urls[`old:${name}`] = url;
	const rows = [];
	for (const name of wanted) {
		const scenario = scenarios[name];
		if (!scenario) throw new Error(`no scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
		if (scenario.coldPool) throw new Error(`${name} walks the cold D1 pool, which compare does not support`);
		const oldName = `${name}@old`;
		const both = {
			[name]: scenario,
			[oldName]: { ...scenario, name: oldName, worker: `old:${scenario.worker}` },
		};
		const m = await measureGroup({ baseline: oldName, scenarios: [name] }, both, urls, null);
		const ratioRounds = m[name].rounds.map((rps, i) => rps / m[oldName].rounds[i]);
		rows.push({ name, old: m[oldName], now: m[name], ratio: m[name].rps / m[oldName].rps, ratioRounds });
		log(`  ${name}: ${rev} ${m[oldName].rps.toFixed(0)} req/s, working tree ${m[name].rps.toFixed(0)} req/s`);
	}

	log(`\n${LOAD.rounds} rounds of ${LOAD.roundSeconds} s each, interleaved; ratio = working tree / ${rev}`);
	log(
		`${"scenario".padEnd(22)} ${rev.slice(0, 12).padStart(12)} ${"working tree".padStart(13)}  ratio  per round`,
	);
	for (const r of rows) {
		log(
			`${r.name.padEnd(22)} ${r.old.rps.toFixed(0).padStart(12)} ${r.now.rps.toFixed(0).padStart(13)}  ${r.ratio.toFixed(2).padStart(5)}  ${r.ratioRounds.map((x) => x.toFixed(2)).join(" ")}`,
		);
	}
}

try {
	await main();
} finally {
	for (const w of opened) await w.dispose().catch(() => undefined);
	stopProcesses();
	revision.remove();
}
