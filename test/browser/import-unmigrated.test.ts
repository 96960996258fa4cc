/**
 * `npm run import` into a local D1 that has no tables yet (a fresh clone before its first `npm start`)
 * says which command applies the migrations; it said only SQLite's "no such table: email_suppressions".
 * Plain Node against a fresh local state dir, as import-key-check.test.ts does.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_SECRETS } from "./serve-worker";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const env = {
	...process.env,
	EMAIL_HASH_KEY: TEST_SECRETS.EMAIL_HASH_KEY,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	CI: "true",
};

interface Outcome {
	readonly code: number;
	readonly stderr: string;
}

async function outcome(command: string, args: readonly string[]): Promise<Outcome> {
	try {
		const { stderr } = await run(command, args, { cwd: ROOT, env });
		return { code: 0, stderr };
	} catch (err) {
		const failed = err as { code?: number; stderr?: string };
		return { code: failed.code ?? -1, stderr: failed.stderr ?? "" };
	}
}

describe("npm run import into a local D1 without its migrations", () => {
	let dir = "";
	afterAll(() => rm(dir, { recursive: true, force: true }));

	it("names the command that applies them, and imports once it has run", async () => {
		dir = await mkdtemp(join(tmpdir(), "consent-edge-unmigrated-"));
		const file = join(dir, "export.csv");
		await writeFile(file, "email,created_at\nfresh@example.com,2024-01-05\n");
		const importArgs = ["run", "import", "--", file, "--persist-to", dir];

		const refused = await outcome("npm", importArgs);
		expect(refused.code).toBe(1);
		const hint = /run (npx wrangler d1 migrations apply DB [^(]*?) \(/.exec(refused.stderr);
		expect(hint?.[1], refused.stderr).toBe(`npx wrangler d1 migrations apply DB --local --persist-to ${dir}`);

		// The command as printed, word for word.
		const [npx, ...words] = (hint?.[1] ?? "").split(" ");
		expect((await outcome(npx ?? "", words)).code).toBe(0);
		const imported = await outcome("npm", importArgs);
		expect(imported.code, imported.stderr).toBe(0);
		expect(imported.stderr).toContain("1 new suppression written");
	});
});
