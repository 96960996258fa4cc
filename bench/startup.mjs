/**
 * `npx node bench/startup.mjs [--samples=N] [--direct] [--instructions] [--against=<git-rev>] [--kinds=a,b]`: what a new isolate
 * costs before its first answer.
 * `npx node bench/startup.mjs --profile [--samples=N]`: where the script's start-up goes, by module.
 *
 * Cloudflare evaluates the script's global scope when it starts an isolate; the first request of every
 * new isolate waits for it, and for whatever work is left to first use. Each sample is a new Miniflare
 * (one workerd) with one new isolate per kind of first request. Each isolate's entry is a small
 * wrapper that imports the deployed build on its first request (as `wrangler check startup` does), so
 * the compile and evaluation of the script fall inside that request, which workerd would otherwise do
 * while loading its configuration. A sample is the first request's latency less the median of the
 * next five of the same kind (each guarded page a rendering never sent before): start-up plus what the
 * first request of that kind builds. `noop` (bench/baselines/noop.js, through the same wrapper) is
 * the floor. With two builds, the paired differences' quartiles and how many samples are below 0
 * (a sign count) are printed too. `--direct` also serves the build as its own entry, loaded with the configuration: what
 * is left for the first request once the global scope has run. `--profile` samples the import alone
 * in an unminified build through workerd's inspector, every 50 us, and prints the time by module.
 * Not part of `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildWorker } from "./lib/build.mjs";
import { BENCH_DIR, HOST, SECRETS, VAR_OVERRIDES, WORK_DIR } from "./lib/config.mjs";
import { moduleIndex, session } from "./lib/inspector.mjs";
import { startProcess, stopProcesses } from "./lib/processes.mjs";
import { revisionCheckout } from "./lib/revision.mjs";
import { applyMigrations } from "./lib/seed.mjs";
import {
	convertV4MiniflareOptions,
	Miniflare,
	miniflareWorkerd,
	scriptsWorkerOptions,
	wranglerWorkerOptions,
} from "./lib/serve.mjs";
import { send } from "./lib/stage.mjs";

const args = process.argv.slice(2);
const profiling = args.includes("--profile");
const direct = args.includes("--direct");
/**
 * `--instructions`: each first request counted in instructions (millions, the whole workerd process,
 * under callgrind with V8's --predictable) instead of timed; one warm request only, for its check.
 * Not exact either (a null run: a first write 42.3M and 51.0M), but steadier than time at a high load.
 */
const instructions = args.includes("--instructions");
const COUNT_DIR = join(WORK_DIR, "startup-instructions");
const samples = Number(args.find((a) => a.startsWith("--samples="))?.split("=")[1] ?? (profiling ? 20 : 10));
const WARM_REQUESTS = instructions ? 1 : 5;
const SAMPLING_US = 50;
const IMPORT_PATH = "/__startup/import";
const NAVIGATE = {
	Accept: "text/html,application/xhtml+xml",
	"Sec-Fetch-Mode": "navigate",
	"Sec-Fetch-Dest": "document",
	"Sec-Fetch-Site": "none",
};

/** The entry that imports `main` on its first request; `IMPORT_PATH` answers once the import is done. */
function wrapper(main) {
	return `let entry;
export default {
	async fetch(request, env, ctx) {
		entry ??= (await import(${JSON.stringify(main)})).default;
		if (new URL(request.url).pathname === ${JSON.stringify(IMPORT_PATH)}) return new Response(null, { status: 204 });
		return entry.fetch(request, env, ctx);
	},
};
`;
}

/** A new well-formed `ce_vid` (22 base64url characters, as workers/consent/caller.ts requires). */
const newVisitorId = () => randomBytes(16).toString("base64url");
/** The subject the Worker derives from a `ce_vid` (caller.ts, visitorSubject). */
const subjectOf = (vid) =>
	`v:${createHash("sha256").update(`ce_vid:${vid}`).digest("base64url").slice(0, 32)}`;
const OPTED_OUT_VID = "startupvisitor00000001";

let unique = 0;
const problem = (ok, what) => (ok ? null : what);
const hasBookmark = (res) => res.headers.has("X-D1-Bookmark");
/** A decision document for `subject` with `ads` decided as `ads` for `reason`. */
const decision = (res, body, subject, reason) =>
	problem(
		res.status === 200 &&
			body.includes(`"subject":"${subject}"`) &&
			body.includes('"ads":false') &&
			body.includes(`"ads":"${reason}"`),
		`not ${subject}'s decision (ads ${reason})`,
	);

/**
 * Kinds of first request: the worker serving it (guard mode or not), the request, and a check that
 * the answer is the one meant (a malformed `ce_vid` is answered 200 as a new visitor, the wrong path).
 * A guarded page is a rendering never sent before each time (bench/origin/server.mjs), so no request
 * reuses another's.
 */
function kinds(cookie) {
	const optedOut = subjectOf(OPTED_OUT_VID);
	return {
		noop: {
			script: "noop",
			request: () => ["/", {}],
			check: (res, body) => problem(res.status === 200 && body === '{"ok":true}', "not noop"),
		},
		import: { request: () => [IMPORT_PATH, {}], check: (res) => problem(res.status === 204, "not 204") },
		// The minting Miniflare's D1 is not this one's: only the cookie can say the visitor opted out.
		"cookie-lookup": {
			request: () => ["/v1/consent", { Cookie: cookie }],
			check: (res, body) =>
				decision(res, body, optedOut, "explicit") ?? problem(!hasBookmark(res), "read D1"),
		},
		"gpc-check": {
			request: () => ["/v1/check?purpose=ads", { "Sec-GPC": "1" }],
			check: (res, body) =>
				problem(
					res.status === 200 && body === '{"purpose":"ads","allowed":false,"reason":"gpc"}',
					"not GPC's answer",
				),
		},
		// A visitor without a decision cookie or a KV entry: a D1 read, each time a visitor never seen.
		"d1-lookup": {
			request: () => {
				const vid = newVisitorId();
				return ["/v1/consent", { Cookie: `ce_vid=${vid}` }, undefined, subjectOf(vid)];
			},
			check: (res, body, subject) =>
				problem(
					res.status === 200 && body.includes(`"subject":"${subject}"`),
					"not the visitor's decision",
				) ?? problem(hasBookmark(res), "did not read D1"),
		},
		// A new visitor's opt-out: D1's write path (a record and the subject's row), each time a new visitor.
		write: {
			request: () => {
				const vid = newVisitorId();
				return [
					"/v1/opt-out",
					{ Cookie: `ce_vid=${vid}`, "Content-Type": "application/json" },
					{ method: "POST", body: "{}" },
					subjectOf(vid),
				];
			},
			check: (res, body, subject) =>
				decision(res, body, subject, "explicit") ??
				problem(
					res.headers.getSetCookie().some((c) => c.startsWith("ce_consent=")),
					"no ce_consent for the write",
				),
		},
		"guarded-page": {
			guard: true,
			request: () => [`/article.html?render=s${++unique}`, { ...NAVIGATE, Cookie: cookie }],
			// The opted-out visitor's page: the article, its ads tag held back, no tracker loaded.
			check: (res, body) =>
				problem(
					res.status === 200 &&
						body.includes("Cycle lanes to open before summer") &&
						body.includes('data-consent="ads"') &&
						!/\ssrc="https:\/\/(www\.googletagmanager\.com\/gtag|connect\.facebook\.net)/.test(body),
					"not the guarded page",
				),
		},
		preferences: {
			request: () => ["/preferences", { ...NAVIGATE, Cookie: cookie }],
			// The form with the visitor's ads choice (from the cookie) unchecked.
			check: (res, body) =>
				problem(
					res.status === 200 &&
						/<input[^>]*name="ads"/.test(body) &&
						!/<input[^>]*name="ads"[^>]*checked/.test(body),
					"not the opted-out visitor's preference page",
				),
		},
	};
}

function workerOptions(base, build, name, { entry, origin, script }) {
	const modules = script
		? [{ type: "ESModule", path: join(BENCH_DIR, "baselines", `${script}.js`) }]
		: [{ type: "ESModule", path: build.main }];
	const root = script ? join(BENCH_DIR, "baselines") : build.dir;
	if (entry === "wrapper")
		modules.unshift({
			type: "ESModule",
			path: join(root, "__startup-entry.js"),
			contents: wrapper(`./${modules[0].path.split("/").at(-1)}`),
		});
	return {
		...base,
		name,
		modules,
		modulesRoot: root,
		modulesRules: undefined,
		scriptPath: undefined,
		queueConsumers: undefined,
		bindings: { ...base.bindings, ...VAR_OVERRIDES, ...SECRETS, ORIGIN: origin },
		unsafeDirectSockets: [{ host: HOST, port: 0 }],
	};
}

/** One request, timed; its answer must pass `check` (the intended answer), else the run stops. */
async function timed(url, [path, headers, options, expected], check) {
	const started = performance.now();
	const { res, body } = await send(`${url}${path}`, headers, options);
	const ms = performance.now() - started;
	const wrong = check?.(res, body, expected);
	if (wrong || res.status >= 500)
		throw new Error(`${path}: ${res.status}, ${wrong ?? "a 5xx"}: ${body.slice(0, 300)}`);
	return { ms, status: res.status };
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quartiles = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const at = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
	return [s[0], at(0.25), median(s), at(0.75), s.at(-1)];
};

/** One Miniflare serving `workers`, its D1 migrated and KV touched, so storage simulators are warm. */
async function serve(workers, inspectorPort) {
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			host: HOST,
			telemetry: { enabled: false },
			...(inspectorPort === undefined ? {} : { inspectorPort }),
			handleStructuredLogs: () => {},
			// With the scripts Worker the SCRIPTS binding names (never called by a first request here).
			workers: [...workers, await scriptsWorkerOptions()],
		}),
	);
	await mf.ready;
	const storageOwner = workers.find((w) => w.d1Databases)?.name;
	if (storageOwner) {
		await applyMigrations(await mf.getD1Database("DB", storageOwner));
		await (await mf.getKVNamespace("CONSENT_KV", storageOwner)).get("startup-warm-up");
	}
	const urls = {};
	for (const w of workers) urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).href.replace(/\/$/, "");
	return { mf, urls };
}

/** An opted-out visitor's cookies (`ce_vid`, `ce_consent`), minted by a Miniflare of its own. */
async function mintCookie(base, build) {
	const { mf, urls } = await serve([workerOptions(base, build, "minter", { entry: "direct", origin: "" })]);
	const { res } = await send(
		`${urls.minter}/v1/opt-out`,
		{ Cookie: `ce_vid=${OPTED_OUT_VID}`, "Content-Type": "application/json" },
		{ method: "POST", body: "{}" },
	);
	await mf.dispose();
	const consent = res.headers.getSetCookie().find((c) => c.startsWith("ce_consent="));
	if (!consent) throw new Error(`no ce_consent from the opt-out (${res.status})`);
	return `ce_vid=${OPTED_OUT_VID}; ${consent.split(";")[0]}`;
}

function shuffle(xs) {
	for (let i = xs.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[xs[i], xs[j]] = [xs[j], xs[i]];
	}
	return xs;
}

/**
 * Each sample: one Miniflare, one new isolate per kind and build, first requests in random order.
 * `builds` are [label, build] pairs; with two, each kind's paired difference (second less first,
 * sample by sample) is printed too.
 */
async function measure(base, builds, originUrl, cookie) {
	const only = args
		.find((a) => a.startsWith("--kinds="))
		?.split("=")[1]
		.split(",");
	const all = Object.fromEntries(
		Object.entries(kinds(cookie)).filter(([kind, spec]) => !only || spec.script || only.includes(kind)),
	);
	const entries = direct ? ["wrapper", "direct"] : ["wrapper"];
	const plan = [];
	for (const [label, build] of builds)
		for (const [kind, spec] of Object.entries(all))
			for (const entry of entries) {
				if (entry === "direct" && (spec.script || kind === "import")) continue;
				if (spec.script && label !== builds[0][0]) continue;
				const name = `${kind}${entry === "direct" ? " (direct)" : ""}${spec.script || builds.length === 1 ? "" : ` ${label}`}`;
				plan.push({ name, kind, spec, entry, build });
			}
	const results = new Map(plan.map((p) => [p.name, { first: [], warm: [], diff: [], statuses: new Set() }]));
	for (let i = 0; i < samples; i++) {
		const workers = [
			workerOptions(base, builds[0][1], "warm-up", { entry: "direct", script: "noop", origin: "" }),
			...plan.map((p, n) =>
				workerOptions(base, p.build, `w${n}`, {
					entry: p.entry,
					script: p.spec.script,
					origin: p.spec.guard ? originUrl : "",
				}),
			),
		];
		const { mf, urls } = await serve(workers);
		await timed(urls["warm-up"], ["/", {}]);
		for (const n of shuffle([...plan.keys()])) {
			const p = plan[n];
			const url = urls[`w${n}`];
			if (instructions) callgrind("--zero");
			const first = await timed(url, p.spec.request(), p.spec.check);
			if (instructions) first.ms = countedSinceZero() / 1e6;
			const warm = [];
			for (let k = 0; k < WARM_REQUESTS; k++)
				warm.push((await timed(url, p.spec.request(), p.spec.check)).ms);
			const r = results.get(p.name);
			r.statuses.add(first.status);
			r.first.push(first.ms);
			r.warm.push(median(warm));
			r.diff.push(instructions ? first.ms : first.ms - median(warm));
		}
		await mf.dispose();
		process.stdout.write(`sample ${i + 1}/${samples}\r`);
	}
	const row = (name, xs, extra = "") =>
		console.log(
			`  ${name.padEnd(34)} ${quartiles(xs)
				.map((x) => x.toFixed(1).padStart(6))
				.join(" ")}${extra}`,
		);
	console.log(
		instructions
			? `\nfirst request of a new isolate, millions of instructions over ${samples} samples (min / p25 / median / p75 / max); first and warm (ms under callgrind) medians`
			: `\nfirst request of a new isolate less a warm one, ms over ${samples} samples (min / p25 / median / p75 / max); first and warm medians`,
	);
	for (const [name, r] of results)
		row(
			name,
			r.diff,
			`   first ${median(r.first).toFixed(1).padStart(6)}  warm ${median(r.warm).toFixed(2).padStart(5)}  (${[...r.statuses].join(", ")})`,
		);
	if (builds.length < 2) return;
	console.log(
		`\npaired, ${builds[1][0]} less ${builds[0][0]}, sample by sample (min / p25 / median / p75 / max); samples below 0`,
	);
	for (const p of plan.filter((x) => x.build === builds[0][1] && !x.spec.script)) {
		const other = plan.find((x) => x.build === builds[1][1] && x.kind === p.kind && x.entry === p.entry);
		const a = results.get(p.name).diff;
		const b = results.get(other.name).diff;
		const paired = b.map((x, k) => x - a[k]);
		// A sign count: with the tails this machine has, how many samples gained says more than a mean.
		row(
			p.name.replace(` ${builds[0][0]}`, ""),
			paired,
			`   ${paired.filter((x) => x < 0).length}/${paired.length}`,
		);
	}
}

/** A stand-in for workerd (MINIFLARE_WORKERD_PATH) that notes its pid, then runs workerd under callgrind. */
function callgrindWrapper() {
	rmSync(COUNT_DIR, { recursive: true, force: true });
	mkdirSync(COUNT_DIR, { recursive: true });
	const wrapper = join(COUNT_DIR, "workerd-under-callgrind.sh");
	const out = (name) => JSON.stringify(join(COUNT_DIR, name));
	writeFileSync(
		wrapper,
		`#!/bin/sh\necho $$ > ${out("pid")}\nexec valgrind --tool=callgrind --smc-check=all --log-file=${out("log")} --callgrind-out-file=${out("cg.out")} ${JSON.stringify(miniflareWorkerd())} "$@"\n`,
	);
	chmodSync(wrapper, 0o755);
	return wrapper;
}

function callgrind(option) {
	const pid = readFileSync(join(COUNT_DIR, "pid"), "utf8").trim();
	execFileSync("callgrind_control", [option, pid], { stdio: "ignore" });
}

/** Instructions since the last zero, from a dump (see instructions.mjs, dumpCount). */
function countedSinceZero() {
	const before = new Set(readdirSync(COUNT_DIR));
	callgrind("--dump");
	const fresh = readdirSync(COUNT_DIR).filter((f) => f.startsWith("cg.out") && !before.has(f));
	if (fresh.length !== 1) throw new Error(`expected one new callgrind dump, found ${fresh.length}`);
	const text = readFileSync(join(COUNT_DIR, fresh[0]), "utf8");
	rmSync(join(COUNT_DIR, fresh[0]));
	const total = /^(?:summary|totals):\s*(\d+)/m.exec(text)?.[1];
	if (!total) throw new Error(`no instruction total in ${fresh[0]}`);
	return Number(total);
}

async function profile(base) {
	const build = await buildWorker({ minify: false });
	const moduleOf = moduleIndex(readFileSync(build.main, "utf8"));
	const perSample = { module: [], function: [] };
	const totals = [];
	for (let i = 0; i < samples; i++) {
		const { mf, urls } = await serve(
			[workerOptions(base, build, "startup", { entry: "wrapper", origin: "" })],
			0,
		);
		const inspector = (await mf.getInspectorURL()).href.replace(/^ws:/, "http:");
		const targets = await (await fetch(new URL("/json/list", inspector))).json();
		const cdp = await session(targets.find((t) => t.id === "core:user:startup").webSocketDebuggerUrl);
		await cdp.send("Profiler.enable");
		await cdp.send("Profiler.setSamplingInterval", { interval: SAMPLING_US });
		await cdp.send("Profiler.start");
		await timed(urls.startup, [IMPORT_PATH, {}]);
		const { profile: p } = await cdp.send("Profiler.stop");
		cdp.close();
		await mf.dispose();
		const byNode = new Map(p.nodes.map((n) => [n.id, n]));
		const byModule = new Map();
		const byFunction = new Map();
		perSample.module.push(byModule);
		perSample.function.push(byFunction);
		if (process.env.STARTUP_DUMP)
			(await import("node:fs")).writeFileSync(
				`${process.env.STARTUP_DUMP}-${i}.cpuprofile`,
				JSON.stringify(p),
			);
		const selfUs = new Map();
		for (const [k, id] of p.samples.entries())
			selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[k + 1] ?? 0));
		let busy = 0;
		for (const [id, us] of selfUs) {
			const node = byNode.get(id);
			const f = node.callFrame;
			if (f.functionName === "(idle)") continue;
			busy += us;
			const ours = f.url.endsWith("index.js");
			// The bundle's top level is one function: its lines (V8's position ticks) tell the modules apart.
			const lines =
				ours && node.positionTicks?.length ? node.positionTicks : [{ line: f.lineNumber + 1, ticks: 1 }];
			const ticks = lines.reduce((n, t) => n + t.ticks, 0);
			for (const { line, ticks: t } of lines) {
				const share = (us * t) / ticks;
				const where = ours ? moduleOf(line - 1) : f.url || `(${f.functionName || "native"})`;
				const key = `${f.functionName || "(top level)"}  ${where}${ours ? `:${f.functionName ? f.lineNumber + 1 : line}` : ""}`;
				byModule.set(where, (byModule.get(where) ?? 0) + share);
				byFunction.set(key, (byFunction.get(key) ?? 0) + share);
			}
		}
		totals.push(busy / 1000);
		process.stdout.write(`sample ${i + 1}/${samples}\r`);
	}
	const [min, , mid, , max] = quartiles(totals);
	console.log(
		`\nthe import's busy time in the isolate (unminified build, profiler attached): median ${mid.toFixed(1)} ms (${min.toFixed(1)}-${max.toFixed(1)}) over ${samples} samples; median self time by module:`,
	);
	// Medians over the samples, not means: on a shared machine one slow sample would weigh as much as all.
	const medians = (maps) => {
		const keys = new Set(maps.flatMap((m) => [...m.keys()]));
		return [...keys].map((k) => [k, median(maps.map((m) => m.get(k) ?? 0))]).sort((a, b) => b[1] - a[1]);
	};
	const ms = (us) => `${(us / 1000).toFixed(2).padStart(6)} ms`;
	for (const [k, us] of medians(perSample.module).slice(0, 20)) console.log(`  ${ms(us)}  ${k}`);
	console.log("by function (medians):");
	for (const [k, us] of medians(perSample.function).slice(0, 25)) console.log(`  ${ms(us)}  ${k}`);
}

async function main() {
	Object.assign(process.env, SECRETS);
	if (instructions) process.env.MINIFLARE_WORKERD_V8_FLAGS ??= "--predictable";
	const base = wranglerWorkerOptions();
	if (profiling) return profile(base);
	const build = await buildWorker();
	const builds = [["(this tree)", build]];
	const against = args.find((a) => a.startsWith("--against="))?.split("=")[1];
	let revision;
	if (against) {
		revision = revisionCheckout(against);
		revision.checkOut();
		const old = await buildWorker({ root: revision.dir, dir: join(WORK_DIR, "compare", "dist") });
		builds.unshift([`(${against})`, old]);
	}
	for (const [label, b] of builds)
		console.log(
			`build ${label}: ${(b.gzipBytes / 1024).toFixed(2)} KiB gzipped, ${(b.rawBytes / 1024).toFixed(1)} KiB`,
		);
	const origin = await startProcess(process.execPath, [join(BENCH_DIR, "origin", "server.mjs")]);
	const cookie = await mintCookie(base, build);
	// The minter ran as usual; the measuring Miniflares' workerd runs under callgrind.
	if (instructions) process.env.MINIFLARE_WORKERD_PATH = callgrindWrapper();
	try {
		await measure(base, builds, `http://127.0.0.1:${origin.port}`, cookie);
	} finally {
		revision?.remove();
	}
}

main()
	.then(() => stopProcesses())
	.catch((err) => {
		console.error(err);
		stopProcesses();
		process.exit(1);
	});
