/**
 * Child processes of the bench (the origin, the peer): started, awaited until they print their JSON
 * "ready" line, and always stopped when the bench exits, however it exits.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const children = new Set();

function stopAll() {
	for (const child of children) child.kill("SIGTERM");
	children.clear();
}
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
	process.on(signal, () => {
		stopAll();
		process.exit(130);
	});
}

/**
 * Process ids whose command line matches `pattern` (pgrep -f) and that descend from this process
 * (the bench's own workerd and origin, not another run's on the same machine); none, an empty list.
 */
export function pidsOf(pattern) {
	let pids;
	try {
		pids = execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).trim().split("\n").map(Number);
	} catch {
		return [];
	}
	return pids.filter((pid) => descendsFromUs(pid));
}

function parentOf(pid) {
	try {
		// The command name, in parentheses, may hold spaces: the fields after its closing one.
		return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
	} catch {
		return 0;
	}
}

function descendsFromUs(pid) {
	for (let p = parentOf(pid); p > 1; p = parentOf(p)) if (p === process.pid) return true;
	return false;
}

/** Spawns `command` and resolves with the first line it prints, parsed as JSON. */
export function startProcess(command, args, { cwd, env, timeoutMs = 30_000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
		children.add(child);
		let out = "";
		let err = "";
		const timer = setTimeout(
			() => fail(new Error(`${args.at(-1)} did not start within ${timeoutMs} ms`)),
			timeoutMs,
		);
		function fail(error) {
			clearTimeout(timer);
			child.kill("SIGTERM");
			reject(new Error(`${error.message}\n${err.slice(-2000)}`));
		}
		child.stderr.on("data", (d) => (err += d));
		child.stdout.on("data", (d) => {
			out += d;
			const nl = out.indexOf("\n");
			if (nl < 0) return;
			clearTimeout(timer);
			try {
				resolve(JSON.parse(out.slice(0, nl)));
			} catch (e) {
				fail(e);
			}
		});
		child.on("exit", (code) => {
			children.delete(child);
			if (!out.includes("\n")) fail(new Error(`${args.at(-1)} exited ${code}`));
		});
	});
}

export function stopProcesses() {
	stopAll();
}
