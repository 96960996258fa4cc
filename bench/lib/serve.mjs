/**
 * One Miniflare (one workerd process) serving the built Worker and the baselines, each on its own
 * loopback port (direct sockets: no entry worker, no `wrangler dev` proxy). The Worker's bindings
 * come from wrangler.toml through wrangler's own converter, so new bindings follow automatically;
 * the bench then swaps in its secrets, production vars and raised rate limits.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { buildWorker } from "./build.mjs";
import { BENCH_DIR, HOST, RAISED_RATE_LIMIT, ROOT, SECRETS, VAR_OVERRIDES, WORK_DIR } from "./config.mjs";

// Miniflare is wrangler's own dependency: the same workerd that `wrangler dev` and deploy checks use.
const requireFromWrangler = createRequire(createRequire(join(ROOT, "package.json")).resolve("wrangler"));
export const { Miniflare, convertV4MiniflareOptions } = requireFromWrangler("miniflare");

/**
 * The workerd binary this Miniflare spawns, for tools that put a wrapper in its place
 * (MINIFLARE_WORKERD_PATH): bench/instructions.mjs, bench/cpu-cost.mjs --gc.
 */
export function miniflareWorkerd() {
	return createRequire(requireFromWrangler.resolve("miniflare"))("workerd").default;
}

export const API_WORKER = "consent-edge";
export const GUARD_WORKER = "consent-edge-guard";
export const BASELINES = [
	"noop",
	"bare-kv",
	"bare-d1",
	"bare-d1-write",
	"passthrough-html",
	"html-rewriter-floor",
	"answer-floor",
	"inputs-floor",
	"d1-lookup-floor",
	"write-floor",
];
export const KV_ADMIN = "kv-admin";
const SHARED_BASELINE_MODULES = ["consent-write.js", "answer-floor.js"].map((file) =>
	join(BENCH_DIR, "baselines", file),
);
/**
 * The scripts Worker (workers/scripts/), which the Worker's SCRIPTS service binding names: /consent.js
 * and /v1/guard/runtime.js read their texts from it once per isolate, as deployed.
 */
export const SCRIPTS_WORKER = "consent-edge-scripts";
const SCRIPTS_CONFIG = join(ROOT, "workers", "scripts", "wrangler.toml");
let scriptsBuild = null;

/**
 * The scripts Worker's options, built (once a process) as deployed: a Miniflare serving the Worker
 * must serve it too, as workerd refuses a service binding to a Worker it does not have.
 */
export async function scriptsWorkerOptions() {
	scriptsBuild ??= buildWorker({ config: SCRIPTS_CONFIG, dir: join(WORK_DIR, "dist-scripts") });
	const build = await scriptsBuild;
	return {
		...unstable_getMiniflareWorkerOptions(SCRIPTS_CONFIG).workerOptions,
		name: SCRIPTS_WORKER,
		modules: true,
		scriptPath: build.main,
		modulesRoot: build.dir,
		modulesRules: undefined,
	};
}
/** c15t's backend in workerd (bench/peer/worker-d1.mjs), served only when the bench asks for it. */
export const PEER_D1_WORKER = "peer-c15t-d1";

export function wranglerWorkerOptions() {
	// Wrangler reads secrets from the environment here; give it the bench's so it does not warn.
	Object.assign(process.env, SECRETS);
	return unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions;
}

/** Raises every binding except those named in `keep`, which stay at wrangler.toml's limits. */
function raiseRateLimits(ratelimits = {}, keep = []) {
	const raised = {};
	for (const [name, binding] of Object.entries(ratelimits)) {
		raised[name] = keep.includes(name) ? binding : { ...binding, simple: { ...RAISED_RATE_LIMIT } };
	}
	return raised;
}

/**
 * @param {{ build: {dir: string, main: string}, origin: string, log: (line: string) => void,
 *   inspectorPort?: number, keepRateLimits?: string[], peerD1?: { main: string, dir: string,
 *   config: string } | null }} options `inspectorPort` opens workerd's inspector (bench/profile.mjs);
 *   `keepRateLimits` names bindings left at their configured limits (bench/loadtest.mjs keeps
 *   UNSUBSCRIBE_LIMITER real to show its 429s); `peerD1` also serves c15t's built worker
 *   (lib/peer.mjs buildPeerD1) with the bindings of its own wrangler config (its own D1 database);
 *   `runtimeLog`, when given, is handed every line workerd writes (bench/deopt-trace.mjs reads V8's)
 */
export async function startWorkers({
	build,
	origin,
	log,
	inspectorPort,
	keepRateLimits = [],
	peerD1,
	runtimeLog,
}) {
	const base = wranglerWorkerOptions();
	const ratelimits = raiseRateLimits(base.ratelimits, keepRateLimits);
	const worker = (name, vars, extra = {}) => ({
		...base,
		name,
		modules: true,
		scriptPath: build.main,
		modulesRoot: build.dir,
		// The build is one bundled module; wrangler's module rules only matter for unbundled sources.
		modulesRules: undefined,
		bindings: { ...base.bindings, ...VAR_OVERRIDES, ...SECRETS, ...vars },
		ratelimits,
		unsafeDirectSockets: [{ host: HOST, port: 0 }],
		...extra,
	});
	const baseline = (name, script = join(BENCH_DIR, "baselines", `${name}.js`)) => ({
		name,
		// The script first (the entry), then the pieces baselines share (`import ... from "./consent-write.js"`).
		modules: [script, ...SHARED_BASELINE_MODULES.filter((path) => path !== script)].map((path) => ({
			type: "ESModule",
			path,
		})),
		modulesRoot: BENCH_DIR,
		compatibilityDate: base.compatibilityDate,
		compatibilityFlags: base.compatibilityFlags,
		bindings: { ORIGIN: origin },
		kvNamespaces: base.kvNamespaces,
		d1Databases: base.d1Databases,
		// Raised like the Worker's: write-floor calls the write limiter as the Worker does.
		ratelimits,
		unsafeDirectSockets: [{ host: HOST, port: 0 }],
	});

	// Here, so every tool serving the Worker serves its scripts Worker too.
	const scripts = await scriptsWorkerOptions();

	const peer = peerD1 && {
		...unstable_getMiniflareWorkerOptions(peerD1.config).workerOptions,
		name: PEER_D1_WORKER,
		modules: true,
		scriptPath: peerD1.main,
		modulesRoot: peerD1.dir,
		modulesRules: undefined,
		unsafeDirectSockets: [{ host: HOST, port: 0 }],
	};

	const logs = new Map();
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			host: HOST,
			telemetry: { enabled: false },
			...(inspectorPort === undefined ? {} : { inspectorPort }),
			// Worker console output under load would flood the terminal: count it, show each distinct line once.
			handleStructuredLogs: ({ level, message }) => {
				runtimeLog?.(level, message);
				const key = `${level}: ${message.split("\n")[0].slice(0, 200)}`;
				const seen = logs.get(key) ?? 0;
				if (seen === 0 && level !== "log" && level !== "info" && level !== "debug") log(`  [worker ${key}]`);
				logs.set(key, seen + 1);
			},
			workers: [
				worker(API_WORKER, { ORIGIN: "" }),
				// Same script, guard mode on; the queue has one consumer, the API instance.
				worker(GUARD_WORKER, { ORIGIN: origin }, { queueConsumers: undefined }),
				...BASELINES.map((name) => baseline(name)),
				baseline(KV_ADMIN, join(BENCH_DIR, "lib", "kv-admin-worker.js")),
				scripts,
				...(peer ? [peer] : []),
			],
		}),
	);
	await mf.ready;
	const urls = {};
	for (const name of [API_WORKER, GUARD_WORKER, ...BASELINES, KV_ADMIN, ...(peer ? [PEER_D1_WORKER] : [])]) {
		urls[name] = (await mf.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
	}
	return {
		mf,
		urls,
		raisedRateLimits: Object.keys(ratelimits).filter((name) => !keepRateLimits.includes(name)),
		keptRateLimits: Object.fromEntries(
			Object.entries(ratelimits)
				.filter(([name]) => keepRateLimits.includes(name))
				.map(([name, binding]) => [name, binding.simple]),
		),
		workerLogs: logs,
		dispose: () => mf.dispose(),
	};
}
