/**
 * Sets the stage shared by the bench and the profiler: the built Worker and the baselines served by
 * Miniflare, the local origin, seeded D1/KV, and the cookies real visitors would carry (signed by the
 * Worker itself), then the scenarios, each probed once.
 */
import { request } from "node:http";
import { join } from "node:path";
import { buildWorker } from "./build.mjs";
import { BENCH_DIR, CF_HEADER } from "./config.mjs";
import { seedPeerD1 } from "./peer.mjs";
import { startProcess } from "./processes.mjs";
import { defineScenarios, visitorPools } from "./scenarios.mjs";
import { dropKvEntries, seed } from "./seed.mjs";
import { API_WORKER, PEER_D1_WORKER, startWorkers } from "./serve.mjs";
import { seededVid } from "./visitors.mjs";

/**
 * One request with exactly these headers. Not fetch(): undici sets Sec-Fetch-Mode itself, which would
 * turn the guard's navigations into something else.
 */
export function send(url, headers, { method = "GET", body } = {}) {
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers: { ...CF_HEADER, ...headers } }, (res) => {
			let text = "";
			res.setEncoding("utf8");
			res.on("data", (d) => {
				text += d;
			});
			res.on("end", () => {
				const h = new Headers();
				for (const [k, v] of Object.entries(res.headers)) {
					for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
				}
				resolve({ res: { status: res.statusCode, headers: h }, body: text });
			});
		});
		req.on("error", reject);
		req.end(body);
	});
}

/** `ce_vid=...; ce_consent=...` as a browser would send them back after this answer. */
function cookiesAfter(vid, res) {
	const consent = res.headers.getSetCookie().find((c) => c.startsWith("ce_consent="));
	if (!consent) throw new Error(`no ce_consent cookie for ${vid} (status ${res.status})`);
	return `ce_vid=${vid}; ${consent.split(";")[0]}`;
}

/**
 * Decision cookies for the cookie visitors (minted by GET /v1/consent), and an opted-out visitor's
 * cookies for the guard (minted by POST /v1/opt-out).
 */
async function mintCookies(apiUrl, kvAdminUrl, subjectIds) {
	const pools = visitorPools();
	const decisionCookies = [];
	for (const i of pools.cookie) {
		const vid = seededVid(i);
		const { res } = await send(`${apiUrl}/v1/consent`, { Cookie: `ce_vid=${vid}` });
		decisionCookies.push(cookiesAfter(vid, res));
	}
	// Minting read D1 and filled KV (in the background) for these visitors: empty KV again, so
	// nothing but the cookie can answer them cheaply.
	await new Promise((r) => setTimeout(r, 300));
	await dropKvEntries(kvAdminUrl, subjectIds, pools.cookie[0], pools.cookie.at(-1) + 1);
	const guarded = "benchguardvisitor00001";
	const optOut = await send(
		`${apiUrl}/v1/opt-out`,
		{ Cookie: `ce_vid=${guarded}`, "Content-Type": "application/json" },
		{ method: "POST", body: "{}" },
	);
	return { decisionCookies, optedOutCookie: cookiesAfter(guarded, optOut.res) };
}

/** Each probed answer, for a reference that replays one (`replays`). */
const probedAnswers = new Map();
/** Headers the runtime sets on every answer by itself. */
const RUNTIME_HEADERS = new Set(["date", "content-length", "connection", "keep-alive", "transfer-encoding"]);

/**
 * Sends the scenario's first request; `skipped` says why it cannot be measured. A scenario that
 * `replays` another is first given that scenario's probed answer (status, headers, body) to serve.
 */
export async function probe(scenario, url) {
	const spec = scenario.spec;
	if (scenario.replays) {
		const answer = probedAnswers.get(scenario.replays);
		if (!answer) return { skipped: `${scenario.replays} was not probed` };
		const put = { method: "PUT", body: JSON.stringify(answer) };
		await send(`${url}${spec.path}`, { "Content-Type": "application/json" }, put);
	}
	let path = spec.path;
	const headers = { ...spec.headers };
	const first = spec.vary?.items?.[0];
	if (spec.vary?.path) path = spec.vary.format.replace("%s", first ?? `${spec.vary.unique}probe`);
	else if (spec.vary?.header && first !== undefined)
		headers[spec.vary.header] = spec.vary.format.replace("%s", first);
	Object.assign(headers, scenario.probe);
	const { res, body } = await send(`${url}${path}`, headers, { method: spec.method, body: spec.body });
	if (scenario.guardSkipped(res, body)) return { skipped: "guard mode not available (404 JSON)" };
	const problem = scenario.check(res, body);
	if (problem) return { skipped: `probe failed: ${problem}` };
	const headerPairs = [...res.headers].filter(([name]) => !RUNTIME_HEADERS.has(name));
	probedAnswers.set(scenario.name, { status: res.status, headers: headerPairs, body });
	return {};
}

/**
 * Probes scenario `name` on the Worker serving it (`urls` by worker), after the scenario whose answer
 * it replays, if any, so that a floor has that answer to serve.
 */
export async function probeByName(scenarios, name, urls) {
	const scenario = scenarios[name];
	if (scenario.replays) await probe(scenarios[scenario.replays], urls[scenarios[scenario.replays].worker]);
	return probe(scenario, urls[scenario.worker]);
}

/**
 * @param {{ log: (line: string) => void, minify?: boolean, inspectorPort?: number,
 *   peerD1?: ReturnType<typeof import("./peer.mjs").buildPeerD1> | null }} options `peerD1` also
 *   serves c15t in workerd, with its D1 seeded
 */
export async function stage({ log, minify, inspectorPort, peerD1, runtimeLog }) {
	const build = await buildWorker({ minify });
	log(`built: ${(build.gzipBytes / 1024).toFixed(1)} KiB gzipped (${build.wranglerSummary})`);
	const origin = await startProcess(process.execPath, [join(BENCH_DIR, "origin", "server.mjs")]);
	const originUrl = `http://127.0.0.1:${origin.port}`;
	const workers = await startWorkers({ build, origin: originUrl, log, inspectorPort, peerD1, runtimeLog });
	log(`serving the Worker, guard mode (origin ${originUrl}) and the baselines on loopback`);
	log(`rate limits raised for the bench: ${workers.raisedRateLimits.join(", ") || "none configured"}`);
	const seeded = await seed(workers.mf, API_WORKER, workers.urls["kv-admin"]);
	log(`seeded ${seeded.subjects} subjects, ${seeded.records} records, ${seeded.kvWarm} KV entries`);
	if (peerD1) {
		const n = await seedPeerD1(workers.mf, PEER_D1_WORKER, peerD1.seedFile);
		log(`serving c15t in workerd (${PEER_D1_WORKER}), its own D1 seeded with ${n} subjects`);
	}
	const cookies = await mintCookies(workers.urls[API_WORKER], workers.urls["kv-admin"], seeded.subjectIds);
	const scenarios = defineScenarios({ subjectIds: seeded.subjectIds, ...cookies });
	return { build, workers, seeded, scenarios, originUrl };
}
