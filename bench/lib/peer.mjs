/**
 * The performance peer, c15t's backend, kept in bench/peer with its own package.json so the project's
 * install stays lean. Installed on first use; better-sqlite3 is compiled there against the headers of
 * the Node that runs the bench (Node 22 here), found locally or fetched as the registry's
 * `node-<platform>-<arch>` package, since node-gyp cannot download them offline. It runs in two
 * setups: Node with SQLite (its own process, `startPeer`) and workerd with a local D1 (a worker in
 * the bench's Miniflare: `buildPeerD1`, `seedPeerD1`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { QUIET_WRANGLER_ENV, WRANGLER_BIN } from "./build.mjs";
import { BENCH_DIR, DATA, ROOT, WORK_DIR } from "./config.mjs";
import { startProcess } from "./processes.mjs";

const PEER_DIR = join(BENCH_DIR, "peer");
const PEER_D1_DIR = join(WORK_DIR, "peer-d1");

function peerLoads() {
	const probe =
		"require('better-sqlite3')(':memory:').close(); for (const m of ['@c15t/backend', '@hono/node-server', 'kysely-d1']) require.resolve(m)";
	const r = spawnSync(process.execPath, ["-e", probe], { cwd: PEER_DIR, encoding: "utf8" });
	return r.status === 0 ? null : (r.stderr || r.stdout).trim().split("\n").slice(0, 6).join("\n");
}

function headersMatch(dir) {
	const file = join(dir, "include", "node", "node_version.h");
	if (!existsSync(file)) return false;
	const text = readFileSync(file, "utf8");
	const part = (name) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
	return `${part("MAJOR")}.${part("MINOR")}.${part("PATCH")}` === process.versions.node;
}

function run(command, args, options, log) {
	log(`  $ ${command} ${args.join(" ")}`);
	const r = spawnSync(command, args, { ...options, encoding: "utf8" });
	if (r.status !== 0)
		throw new Error(
			`${command} ${args.join(" ")} failed:\n${(r.stderr || r.stdout || String(r.error)).slice(-2000)}`,
		);
}

function nodeHeaders(log) {
	const pkg = `node-${process.platform}-${process.arch}`;
	const candidates = [
		join(ROOT, "node_modules", "node", "node_modules", pkg),
		resolve(dirname(process.execPath), ".."),
		join(WORK_DIR, "node-headers", "node_modules", pkg),
	];
	const found = candidates.find(headersMatch);
	if (found) return found;
	log(`  Node ${process.versions.node} headers not found locally; fetching the registry package ${pkg}`);
	run(
		"npm",
		["install", "--prefix", join(WORK_DIR, "node-headers"), "--no-save", `${pkg}@${process.versions.node}`],
		{},
		log,
	);
	const fetched = candidates.at(-1);
	if (!headersMatch(fetched)) throw new Error(`${pkg}@${process.versions.node} has no matching headers`);
	return fetched;
}

/** Installs bench/peer when needed. @returns {{ ok: true } | { ok: false, error: string }} */
export function ensurePeer(log) {
	if (!peerLoads()) return { ok: true };
	try {
		log(
			"Installing the peer (c15t) into bench/peer, first use only: compiling better-sqlite3 takes a few minutes",
		);
		const nodedir = nodeHeaders(log);
		run(
			"npm",
			["ci", "--prefix", PEER_DIR, "--no-audit", "--no-fund"],
			{ env: { ...process.env, npm_config_nodedir: nodedir } },
			log,
		);
		const error = peerLoads();
		return error ? { ok: false, error } : { ok: true };
	} catch (err) {
		return { ok: false, error: String(err.message ?? err) };
	}
}

/** Starts the peer server (seeding its own SQLite); resolves with its base URL. */
export async function startPeer() {
	const info = await startProcess(process.execPath, [join(PEER_DIR, "server.mjs")], {
		cwd: PEER_DIR,
		env: { ...process.env, PORT: "0", SUBJECTS: String(DATA.subjects) },
		timeoutMs: 120_000,
	});
	return `http://127.0.0.1:${info.port}`;
}

/**
 * Builds the workerd peer (bench/peer/worker-d1.mjs) as `wrangler deploy` would upload it, and writes
 * the SQL that fills its D1 (bench/peer/d1-seed.mjs: c15t's schema and DATA.subjects subjects, seeded
 * under Node because c15t's own writes fail on D1).
 * @returns {{ main: string, dir: string, config: string, seedFile: string }}
 */
export function buildPeerD1() {
	const dir = join(PEER_D1_DIR, "dist");
	rmSync(dir, { recursive: true, force: true });
	const config = join(PEER_DIR, "wrangler.jsonc");
	const seedFile = join(PEER_D1_DIR, "seed.json");
	const steps = [
		[WRANGLER_BIN, "deploy", "--dry-run", "--config", config, "--outdir", dir],
		[join(PEER_DIR, "d1-seed.mjs"), seedFile],
	];
	for (const args of steps) {
		const r = spawnSync(process.execPath, args, {
			cwd: PEER_DIR,
			env: { ...process.env, ...QUIET_WRANGLER_ENV, SUBJECTS: String(DATA.subjects) },
			encoding: "utf8",
		});
		if (r.status !== 0)
			throw new Error(`${args[0]} failed:\n${(r.stderr || r.stdout || String(r.error)).slice(-2000)}`);
	}
	return { main: join(dir, "worker-d1.js"), dir, config, seedFile };
}

/** Fills the workerd peer's D1 with buildPeerD1's statements, in one batch. @returns the subjects */
export async function seedPeerD1(mf, workerName, seedFile) {
	const db = await mf.getD1Database("DB", workerName);
	const statements = JSON.parse(readFileSync(seedFile, "utf8"));
	await db.batch(statements.map((sql) => db.prepare(sql)));
	return (await db.prepare('SELECT COUNT(*) AS n FROM "subject"').first()).n;
}

/** How many D1 statements the workerd peer prepares to answer `path` (worker-d1.mjs counts them). */
export async function peerD1Queries(baseUrl, path) {
	const counted = async () => (await (await fetch(`${baseUrl}/__bench/d1-queries`)).json()).d1Queries;
	const before = await counted();
	const res = await fetch(`${baseUrl}${path}`);
	await res.arrayBuffer();
	if (!res.ok) throw new Error(`${path}: ${res.status}`);
	return (await counted()) - before;
}
