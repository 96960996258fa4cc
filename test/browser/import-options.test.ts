/**
 * Where the import CLI takes EMAIL_HASH_KEY from. It must hash with the very key the worker uses:
 * the worker takes the secret exactly as set, so the CLI may not trim it either (a key ending in a
 * newline, as `wrangler secret bulk` or the API can store, would otherwise hash every address apart).
 * Plain Node, no Chromium: the CLI runs under Node.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailHashKey, parseImportArgs, UsageError } from "../../workers/cli/import-options";

describe("import CLI: EMAIL_HASH_KEY", () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), "ce-import-options-"));
		await writeFile(join(dir, ".dev.vars"), 'SIGNING_KEY=s\nEMAIL_HASH_KEY="dev key"\n');
	});
	afterAll(() => rm(dir, { recursive: true, force: true }));

	const local = parseImportArgs(["export.csv"]);
	const remote = parseImportArgs(["export.csv", "--remote"]);

	it("takes the environment's key exactly as set, surrounding whitespace included", () => {
		expect(emailHashKey(remote, { EMAIL_HASH_KEY: "prod-key\n" }, dir)).toBe("prod-key\n");
		expect(emailHashKey(local, { EMAIL_HASH_KEY: " k " }, dir)).toBe(" k ");
	});

	it("counts a blank environment key as unset: .dev.vars locally, an error for --remote", () => {
		expect(emailHashKey(local, { EMAIL_HASH_KEY: "  " }, dir)).toBe("dev key");
		expect(() => emailHashKey(remote, { EMAIL_HASH_KEY: "\n" }, dir)).toThrow(UsageError);
	});
});
