/**
 * Another revision of this repository, checked out beside the working tree (a detached git worktree
 * under bench/.work/compare/) so compare.mjs and instructions.mjs can build it as deployed.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, WORK_DIR } from "./config.mjs";

const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();

/** Resolves `rev` now (a bad revision fails before anything starts); `checkOut` and `remove` later. */
export function revisionCheckout(rev) {
	const commit = git("rev-parse", "--verify", `${rev}^{commit}`);
	const dir = join(WORK_DIR, "compare", commit.slice(0, 12));
	return {
		commit,
		dir,
		checkOut() {
			rmSync(dir, { recursive: true, force: true });
			git("worktree", "add", "--detach", "--force", dir, commit);
		},
		remove() {
			try {
				git("worktree", "remove", "--force", dir);
			} catch {
				// Nothing was checked out.
			}
		},
	};
}
