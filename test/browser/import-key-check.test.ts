/**
 * The suppression import refuses an EMAIL_HASH_KEY other than the worker's: rows hashed under another
 * key match no suppression check, and nothing said so (the worker's own fingerprint check never saw
 * them). Plain Node against local D1 and KV state dirs, with `wrangler dev` on one of them, as
 * suppression-import-cli.test.ts does.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, serveWorker, TEST_SECRETS, type WorkerServer } from "./serve-worker";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const OTHER_KEY = "another-email-hash-key-0123456789";
const ADDRESS = "left@example.com";

interface ImportRun {
	readonly code: number;
	readonly stderr: string;
}

/** `npm run import` of a one-address export into `persistDir`, hashing with `key`. */
async function importWith(key: string, persistDir: string): Promise<ImportRun> {
	const file = join(persistDir, "export.csv");
	await writeFile(file, `email,created_at\n${ADDRESS},2024-01-05\n`);
	const env = { ...process.env, EMAIL_HASH_KEY: key, WRANGLER_SEND_METRICS: "false", CI: "true" };
	try {
		const { stderr } = await run("npm", ["run", "import", "--", file, "--persist-to", persistDir], {
			cwd: ROOT,
			env,
		});
		return { code: 0, stderr };
	} catch (err) {
		const failed = err as { code?: number; stderr?: string };
		return { code: failed.code ?? -1, stderr: failed.stderr ?? "" };
	}
}

/** Suppression rows stored in the state dir's D1. */
async function storedRows(persistDir: string): Promise<number> {
	const { stdout } = await run(
		"npx",
		[
			"wrangler",
			"d1",
			"execute",
			"DB",
			"--local",
			"--persist-to",
			persistDir,
			"--json",
			"--command",
			"SELECT count(*) AS n FROM email_suppressions",
		],
		{ cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
	);
	return (JSON.parse(stdout) as { results: { n: number }[] }[])[0]?.results[0]?.n ?? -1;
}

describe("npm run import checks EMAIL_HASH_KEY against the worker's", () => {
	const dirs: string[] = [];
	let server: WorkerServer | undefined;

	async function stateDir(): Promise<string> {
		const dir = await mkdtemp(join(tmpdir(), "consent-edge-key-check-"));
		dirs.push(dir);
		await applyMigrations(dir);
		return dir;
	}

	afterAll(async () => {
		await server?.stop();
		for (const dir of dirs) await rm(dir, { recursive: true, force: true });
	});

	async function suppressed(): Promise<Response> {
		return fetch(`${server?.origin}/v1/suppressions?email=${ADDRESS}&list=news`, {
			headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}` },
		});
	}

	it("after the worker has hashed with its key, an import under another key writes nothing and says why", async () => {
		const dir = await stateDir();
		server = await serveWorker({ persistTo: dir });
		const before = await suppressed();
		expect(before.status).toBe(200);
		expect(await before.json()).toEqual({ suppressed: false });

		const refused = await importWith(OTHER_KEY, dir);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain("EMAIL_HASH_KEY differs");
		expect(await storedRows(dir)).toBe(0);

		const imported = await importWith(TEST_SECRETS.EMAIL_HASH_KEY, dir);
		expect(imported.code).toBe(0);
		expect(imported.stderr).toContain("1 new suppression written");
		expect(await (await suppressed()).json()).toMatchObject({ suppressed: true });
	});

	it("the first import records its key, so a later one under another key is refused too", async () => {
		const dir = await stateDir();
		expect((await importWith(OTHER_KEY, dir)).code).toBe(0);
		const refused = await importWith(TEST_SECRETS.EMAIL_HASH_KEY, dir);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain("EMAIL_HASH_KEY differs");
		expect(await storedRows(dir)).toBe(1);
	});
});
