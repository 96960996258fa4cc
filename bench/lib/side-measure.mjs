/**
 * The harness of the side measurements (callback-cost.mjs, link-cost.mjs): workers given as scripts,
 * served from one Miniflare on loopback ports, warmed, then driven by wrk in interleaved rounds
 * (A B ... B A), as the bench measures a scenario against its baseline.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { HOST, LOAD, ROOT } from "./config.mjs";
import { ensureWrk, Measurement, runRound, writeScript } from "./load.mjs";

const requireFromWrangler = createRequire(createRequire(join(ROOT, "package.json")).resolve("wrangler"));
const { Miniflare, convertV4MiniflareOptions } = requireFromWrangler("miniflare");

/**
 * @param {Record<string, string>} scripts worker name → module source
 * @param {{ label: string, rounds?: number }} options `label` names wrk's generated script
 * @returns {Promise<Record<string, Measurement>>} each worker's requests of `GET /` over the rounds
 */
export async function measureScripts(scripts, { label, rounds = LOAD.rounds }) {
	ensureWrk(console.log);
	const names = Object.keys(scripts);
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			host: HOST,
			telemetry: { enabled: false },
			workers: names.map((name) => ({
				name,
				modules: true,
				script: scripts[name],
				compatibilityDate: "2026-11-09",
				unsafeDirectSockets: [{ host: HOST, port: 0 }],
			})),
		}),
	);
	try {
		await mf.ready;
		const urls = {};
		for (const name of names) urls[name] = (await mf.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
		const script = writeScript(label, { method: "GET", path: "/" });
		const results = Object.fromEntries(names.map((name) => [name, new Measurement()]));
		for (const name of names) await runRound({ url: urls[name], script, seconds: LOAD.warmupSeconds });
		for (let r = 0; r < rounds; r++) {
			for (const name of r % 2 === 0 ? names : [...names].reverse()) {
				results[name].add(await runRound({ url: urls[name], script, seconds: LOAD.roundSeconds }));
			}
		}
		return results;
	} finally {
		await mf.dispose();
	}
}
