/**
 * Runs the real Worker under `wrangler dev` for browser tests: applies the D1 migrations to a fresh
 * temporary persist dir (or serves one the caller prepared), starts wrangler on free local ports with
 * test secrets, waits until it answers, and stops it (its whole process group) and removes the dir
 * it made afterwards.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const START_TIMEOUT_MS = 90_000;

/** Fixed values so tests can sign or key requests; never used outside tests. */
export const TEST_SECRETS = {
	ADMIN_API_KEY: "browser-test-admin-key-0123456789abcdef",
	SIGNING_KEY: "browser-test-signing-key-0123456789abcdef",
	EMAIL_HASH_KEY: "browser-test-email-hash-key-0123456789",
} as const;

export interface WorkerServer {
	/** e.g. `http://127.0.0.1:8123` */
	readonly origin: string;
	/** Everything wrangler printed so far, for failure messages. */
	output(): string;
	stop(): Promise<void>;
}

export interface ServeOptions {
	/** `--var NAME:value` overrides on top of wrangler.toml, the test secrets and DEBUG_GEO "true". */
	readonly vars?: Readonly<Record<string, string>>;
	/** A state dir the caller migrated and owns (kept after stop); by default a fresh one is made. */
	readonly persistTo?: string;
}

const wranglerEnv = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	// Non-interactive: migrations apply without a confirmation prompt.
	CI: "true",
};

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

async function waitUntilAnswering(origin: string, child: ChildProcess, output: () => string): Promise<void> {
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(`wrangler dev exited with ${child.exitCode} before answering:\n${output()}`);
		}
		try {
			const res = await fetch(`${origin}/.well-known/gpc.json`, { signal: AbortSignal.timeout(2_000) });
			await res.body?.cancel();
			if (res.ok) return;
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`wrangler dev did not answer within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

function stopProcessGroup(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
	const pid = child.pid;
	return new Promise((resolve) => {
		const kill = setTimeout(() => {
			try {
				process.kill(-pid, "SIGKILL");
			} catch {
				// Already gone.
			}
		}, 5_000);
		child.once("exit", () => {
			clearTimeout(kill);
			resolve();
		});
		try {
			// Negative pid: the group we created with `detached`, i.e. npx, wrangler and workerd.
			process.kill(-pid, "SIGTERM");
		} catch {
			clearTimeout(kill);
			resolve();
		}
	});
}

/** Applies the D1 migrations to a local state dir, as `npm run db:migrate:local` does to the default one. */
export async function applyMigrations(persistDir: string): Promise<void> {
	await promisify(execFile)(
		"npx",
		["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir],
		{ cwd: ROOT, env: wranglerEnv },
	);
}

/** Starts made before giving up when the ports found free are taken before wrangler binds them. */
const START_ATTEMPTS = 3;

export async function serveWorker(options: ServeOptions = {}): Promise<WorkerServer> {
	const persistDir = options.persistTo ?? (await mkdtemp(join(tmpdir(), "consent-edge-browser-")));
	if (!options.persistTo) await applyMigrations(persistDir);
	for (let attempt = 1; ; attempt++) {
		try {
			return await startWrangler(options, persistDir);
		} catch (err) {
			// A port found free is closed again before wrangler binds it, seconds later: another process
			// (a CI run's other workers, an outgoing connection) may take it meanwhile. Seen once in CI.
			const taken = err instanceof Error && err.message.includes("Address already in use");
			if (!taken || attempt === START_ATTEMPTS) {
				if (!options.persistTo) await rm(persistDir, { recursive: true, force: true });
				throw err;
			}
		}
	}
}

async function startWrangler(options: ServeOptions, persistDir: string): Promise<WorkerServer> {
	const [port, inspectorPort] = [await freePort(), await freePort()];
	// X-Debug-Geo picks the visitor's place, as under `npm start` (wrangler.toml leaves it off).
	const vars = { ...TEST_SECRETS, DEBUG_GEO: "true", ...options.vars };
	const args = [
		"wrangler",
		"dev",
		// With the scripts Worker its SCRIPTS binding names (/consent.js and the runtime read their text there).
		"--config",
		"wrangler.toml",
		"--config",
		"workers/scripts/wrangler.toml",
		"--port",
		String(port),
		"--ip",
		"127.0.0.1",
		"--inspector-port",
		String(inspectorPort),
		"--persist-to",
		persistDir,
		"--show-interactive-dev-session=false",
		...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
	];
	const child = spawn("npx", args, { cwd: ROOT, env: wranglerEnv, detached: true, stdio: "pipe" });
	let log = "";
	child.stdout?.on("data", (chunk) => {
		log += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		log += chunk;
	});
	const origin = `http://127.0.0.1:${port}`;
	const server: WorkerServer = {
		origin,
		output: () => log,
		async stop() {
			await stopProcessGroup(child);
			if (!options.persistTo) await rm(persistDir, { recursive: true, force: true });
		},
	};
	try {
		await waitUntilAnswering(origin, child, server.output);
	} catch (err) {
		// The persist dir stays for the next attempt; serveWorker removes it when it gives up.
		await stopProcessGroup(child);
		throw err;
	}
	return server;
}
