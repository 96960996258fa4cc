/**
 * The performance peer, c15t's backend, kept in bench/peer with its own package.json so the project's
 * install stays lean. Installed on first use; better-sqlite3 is compiled there against the headers of
 * the Node that runs the bench (Node 22 here), found locally or fetched as the registry's
 * `node-<platform>-<arch>` package, since node-gyp cannot download them offline.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BENCH_DIR, DATA, ROOT, WORK_DIR } from "./config.mjs";
import { startProcess } from "./processes.mjs";

const PEER_DIR = join(BENCH_DIR, "peer");

function peerLoads() {
	const probe =
		"require('better-sqlite3')(':memory:').close(); require.resolve('@c15t/backend'); require.resolve('@hono/node-server')";
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
