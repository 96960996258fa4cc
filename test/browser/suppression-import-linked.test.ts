/**
 * The suppression import and the subjects a keyed PUT linked to an address: an imported unsubscribe
 * turns their `email` off as a one-click unsubscribe does (a record with source `import`), unless
 * they chose `email` after the row's date. Runs `npm run import` on the state `wrangler dev` serves,
 * then reads the subjects' exports (D1, not the KV cache). Plain Node, with the browser tests
 * because they already run the Worker under wrangler dev.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, serveWorker, TEST_SECRETS, type WorkerServer } from "./serve-worker";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const cliEnv = {
	...process.env,
	EMAIL_HASH_KEY: TEST_SECRETS.EMAIL_HASH_KEY,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	CI: "true",
};
const KEYED = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}`, "Content-Type": "application/json" };

interface Export {
	state: {
		version: number;
		purposes: Record<string, boolean>;
		sources: Record<string, string>;
		updatedAt: string;
	} | null;
	records: {
		recordId: string;
		timestamp: string;
		version: number;
		source: string;
		purposes: Record<string, boolean>;
		previousRecordId: string | null;
	}[];
}

describe("npm run import and the subjects linked to imported addresses", () => {
	let persistDir: string;
	let server: WorkerServer | undefined;
	let file: string;

	async function link(subject: string, email: string, purposes: Record<string, boolean>): Promise<void> {
		const res = await fetch(`${server?.origin}/v1/consent`, {
			method: "PUT",
			headers: KEYED,
			body: JSON.stringify({ subject, email, purposes }),
		});
		expect(res.status).toBe(200);
	}

	async function exported(subject: string): Promise<Export> {
		const res = await fetch(`${server?.origin}/v1/subjects/${subject}/export`, { headers: KEYED });
		expect(res.status).toBe(200);
		return (await res.json()) as Export;
	}

	async function importFile(): Promise<void> {
		await run("npm", ["run", "import", "--", file, "--list", "news", "--persist-to", persistDir], {
			cwd: ROOT,
			env: cliEnv,
		});
	}

	beforeAll(async () => {
		persistDir = await mkdtemp(join(tmpdir(), "consent-edge-import-linked-"));
		await applyMigrations(persistDir);
		server = await serveWorker({ persistTo: persistDir });
		await link("user:unsubscribed", "Unsubscribed@Example.com", { email: true, ads: false });
		await link("user:second", "unsubscribed@example.com", { email: true });
		await link("user:chose-later", "chose-later@example.com", { email: true });
		await link("user:not-listed", "not-listed@example.com", { email: true });
		file = join(persistDir, "unsubscribes.csv");
		// No date: unsubscribed at import time, after the links. 2024: before user:chose-later's choice.
		await writeFile(file, "email,date\nunsubscribed@example.com,\nchose-later@example.com,2024-01-01\n");
		await importFile();
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
		if (persistDir) await rm(persistDir, { recursive: true, force: true });
	});

	it("turns email off for every subject linked to an address unsubscribed after its choice, in a record of its chain", async () => {
		for (const subject of ["user:unsubscribed", "user:second"]) {
			const { state, records } = await exported(subject);
			expect(state?.purposes.email, subject).toBe(false);
			expect(state?.sources.email).toBe("import");
			expect(state?.version).toBe(2);
			const [first, second] = records;
			expect(second?.source).toBe("import");
			expect(second?.version).toBe(2);
			expect(second?.previousRecordId).toBe(first?.recordId);
			expect(second?.recordId).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
			);
			expect(second?.purposes.email).toBe(false);
			// An imported unsubscribe answers no question: the lifetime still runs from the person's choice.
			expect(second?.timestamp).not.toBe(first?.timestamp);
			expect(state?.updatedAt).toBe(first?.timestamp);
		}
		expect((await exported("user:unsubscribed")).state?.purposes.ads).toBe(false);
	});

	it("keeps a choice made after the row's date, and leaves subjects of other addresses alone", async () => {
		for (const subject of ["user:chose-later", "user:not-listed"]) {
			const { state, records } = await exported(subject);
			expect(state?.purposes.email, subject).toBe(true);
			expect(records).toHaveLength(1);
		}
	});

	it("adds nothing when the same file is imported again", async () => {
		await importFile();
		expect((await exported("user:unsubscribed")).records).toHaveLength(2);
	}, 120_000);
});
