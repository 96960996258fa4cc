/**
 * Greek final sigma: `ς` is folded into `σ` when an address is normalised, so `ΟΔΥΣΣΕΥΣ.Α@x`,
 * `οδυσσευς.α@x` and `οδυσσευσ.α@x` are one address. Rows written before the fold (under the hash of
 * the `ς` form, as the old normalisation gave it) are still found by lookups, checks, the admin add,
 * one-click unsubscribes, the link page, a linking PUT and erasure.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emailHashes, hashEmail, normalizeEmail } from "../../workers/email/email-address";
import { importStatements } from "../../workers/storage/suppression-repository";
import { call, issueLink, json, keyed, oneClick, pathOf, suppression } from "./email-fixtures";

const CA = { country: "US", regionCode: "CA" };

/** The hash the old normalisation (no fold) gave: the stored rows of these tests. */
const oldHash = (normalised: string) => hashEmail(normalised, env.EMAIL_HASH_KEY);

async function seedOld(normalised: string, list: string, at: number): Promise<void> {
	await env.DB.prepare(
		"INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES (?, ?, ?, 'import')",
	)
		.bind(await oldHash(normalised), list, at)
		.run();
}

/** A subject linked to the address as the old code linked it: under the old hash. */
async function linkOld(subject: string, normalised: string, purposes: Record<string, boolean>) {
	const res = await call(
		"/v1/consent",
		keyed({ method: "PUT", cf: CA, ...json({ subject, email: "placeholder@example.com", purposes }) }),
	);
	expect(res.status).toBe(200);
	await env.DB.prepare("UPDATE consent_subjects SET email_hash = ? WHERE subject = ?")
		.bind(await oldHash(normalised), subject)
		.run();
}

async function emailAllowed(subject: string): Promise<boolean> {
	const res = await call(`/v1/consent?subject=${subject}`, keyed({ cf: CA }));
	return (await res.json<{ purposes: Record<string, boolean> }>()).purposes.email ?? true;
}

describe("Greek final sigma", () => {
	it("folds ς into σ, in the local part and in an IDN domain", () => {
		const folded = normalizeEmail("οδυσσευσ.α@οδυσσευσ.gr");
		expect(folded).toMatch(/^οδυσσευσ\.α@xn--/);
		for (const spelling of ["ΟΔΥΣΣΕΥΣ.Α@ΟΔΥΣΣΕΥΣ.GR", "οδυσσευς.α@οδυσσευς.gr", "Οδυσσευς.α@Οδυσσευς.gr"]) {
			expect(normalizeEmail(spelling), spelling).toBe(folded);
		}
	});

	it("a lookup and a check find a suppression stored under the old normalisation", async () => {
		await seedOld("οδυσσευς@example.gr", "news", Date.UTC(2025, 3, 4));
		const found = { suppressed: true, since: "2025-04-04T00:00:00.000Z" };
		for (const spelling of ["οδυσσευς@example.gr", "ΟΔΥΣΣΕΥΣ@example.gr", "οδυσσευσ@example.gr"]) {
			expect(await suppression(spelling, "news"), spelling).toEqual(found);
		}
		const res = await call(
			"/v1/suppressions/check",
			json({ emails: ["ΟΔΥΣΣΕΥΣ@example.gr", "σ@example.gr"], list: "news" }, keyed({ method: "POST" })),
		);
		expect((await res.json<{ results: unknown[] }>()).results).toEqual([
			{ email: "ΟΔΥΣΣΕΥΣ@example.gr", ...found },
			{ email: "σ@example.gr", suppressed: false },
		]);
	});

	it("an admin add finds the old row (200, not added) and the subjects linked under the old hash", async () => {
		await seedOld("αχιλλευς@example.gr", "*", Date.UTC(2025, 5, 6));
		await linkOld("user:achilles", "αχιλλευς@example.gr", { email: true });
		const res = await call(
			"/v1/suppressions",
			json({ email: "ΑΧΙΛΛΕΥΣ@example.gr" }, keyed({ method: "POST", cf: CA })),
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			suppressed: true,
			since: "2025-06-06T00:00:00.000Z",
			added: false,
			subjectsUpdated: 1,
		});
		expect(await emailAllowed("user:achilles")).toBe(false);
	});

	it("a one-click unsubscribe reaches subjects linked under the old hash; the page sees old rows", async () => {
		await linkOld("user:hector", "εκτορας@example.gr", { email: true });
		const link = await issueLink("ΕΚΤΟΡΑΣ@example.gr", "news");
		expect((await oneClick(pathOf(link.url))).status).toBe(200);
		expect(await emailAllowed("user:hector")).toBe(false);

		await seedOld("πριαμος@example.gr", "news", Date.UTC(2025, 1, 1));
		const page = await call(pathOf((await issueLink("ΠΡΙΑΜΟΣ@example.gr", "news")).url));
		expect(page.status).toBe(200);
		expect(await page.text()).not.toContain("<form");
	});

	it("a PUT linking the address turns email off when the old hash is suppressed", async () => {
		await seedOld("ελενης@example.gr", "*", Date.UTC(2025, 1, 1));
		const res = await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json({ subject: "user:helen", email: "ΕΛΕΝΗΣ@example.gr", purposes: {} }),
			}),
		);
		expect(res.status).toBe(200);
		expect(await emailAllowed("user:helen")).toBe(false);
	});

	it("a row made from a ς inside a word is found as typed; re-importing that spelling makes it found as σ", async () => {
		// Which σ of `aσb` were once typed ς cannot be told; trying every choice is 2^n hashes (README).
		await seedOld("aςb@example.gr", "news", Date.UTC(2025, 1, 1));
		const found = { suppressed: true, since: "2025-02-01T00:00:00.000Z" };
		expect(await suppression("aςb@example.gr", "news")).toEqual(found);
		expect(await suppression("aσb@example.gr", "news")).toEqual({ suppressed: false });
		const typed = "aςb@example.gr";
		const [emailHash = "", ...legacyHashes] = await emailHashes(
			typed,
			normalizeEmail(typed) ?? "",
			env.EMAIL_HASH_KEY,
		);
		const sql = importStatements([
			{ emailHash, legacyHashes, list: "news", createdAt: Date.UTC(2025, 5, 1) },
		]);
		for (const statement of sql.split(/;\n/).filter((s) => s.trim())) await env.DB.prepare(statement).run();
		expect(await suppression("aσb@example.gr", "news")).toEqual({
			suppressed: true,
			since: "2025-06-01T00:00:00.000Z",
		});
		expect(await suppression("aςb@example.gr", "news")).toEqual(found);
	});

	it("erasing a subject linked under the old hash keeps its opt-out findable by the address", async () => {
		await linkOld("user:paris", "παρις@example.gr", { email: false });
		expect((await call("/v1/subjects/user:paris", keyed({ method: "DELETE" }))).status).toBe(204);
		expect((await suppression("ΠΑΡΙΣ@example.gr", "news")).suppressed).toBe(true);
		expect((await suppression("παρισ@example.gr", "news")).suppressed).toBe(true);
	});
});
