/**
 * Greek final sigma, a subject's side: rows stored before `ς` was folded carry the hash of the `ς`
 * form, rows and links made since the folded one. A subject's export and its parked unsubscribes
 * reach the address under either, as the lookups and one-click unsubscribes do.
 */
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { emailHashes, hashEmail, normalizeEmail } from "../../workers/email/email-address";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { replayParkedWrites } from "../../workers/queue/parked-write-replay";
import { importStatements } from "../../workers/storage/suppression-repository";
import { brokenD1, envWith } from "../helpers";
import { call, json, keyed } from "./email-fixtures";

const CA = { country: "US", regionCode: "CA" };
const QUEUED_AT = new Date("2026-12-01T10:00:00.000Z");

interface Exported {
	state: { purposes: Record<string, boolean> } | null;
	suppressions: { list: string; since: string; source: string }[];
	pendingWrites: { kind: string; list?: string }[];
}

const oldHash = (normalised: string) => hashEmail(normalised, env.EMAIL_HASH_KEY);

async function seedOld(normalised: string, list: string, at: number): Promise<void> {
	await env.DB.prepare(
		"INSERT INTO email_suppressions (email_hash, list, created_at, source) VALUES (?, ?, ?, 'import')",
	)
		.bind(await oldHash(normalised), list, at)
		.run();
}

async function link(subject: string, email: string, purposes: Record<string, boolean> = {}) {
	const put = json({ subject, email, purposes });
	expect((await call("/v1/consent", keyed({ method: "PUT", cf: CA, ...put }))).status).toBe(200);
}

/** A subject linked as the old code linked it: under the hash of the unfolded form. */
async function linkOld(subject: string, normalised: string, purposes: Record<string, boolean>) {
	await link(subject, "placeholder@example.com", purposes);
	await env.DB.prepare("UPDATE consent_subjects SET email_hash = ? WHERE subject = ?")
		.bind(await oldHash(normalised), subject)
		.run();
}

const exportOf = async (subject: string) =>
	(await call(`/v1/subjects/${subject}/export`, keyed())).json<Exported>();

/** An unsubscribe as a link minted now carries it: the folded hash and the older ones. */
async function unsubscribe(typed: string, list: string): Promise<DeferredWrite> {
	const [emailHash = "", ...legacyHashes] = await emailHashes(
		typed,
		normalizeEmail(typed) ?? "",
		env.EMAIL_HASH_KEY,
	);
	return {
		type: "email-suppression",
		claim: { emailHash, legacyHashes, list, expiresAt: Date.now() + 86_400_000 },
		source: "one-click",
		jurisdiction: "US-CA",
		gpc: false,
		now: QUEUED_AT.getTime(),
	};
}

/** Parks `body` the way it happens: dead-lettered, then refused by D1 once more. */
async function park(body: DeferredWrite, id: string) {
	const batch = createMessageBatch<DeferredWrite>(DEAD_LETTER_QUEUE, [
		{ id, timestamp: QUEUED_AT, attempts: 1, body },
	]);
	await worker.queue(batch, envWith({ DB: brokenD1() }));
}

beforeEach(async () => {
	const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:" });
	for (const { name } of keys) await env.CONSENT_KV.delete(name);
});

describe("Greek final sigma, a subject's export and parked writes", () => {
	it("a subject linked under the old hash: its export lists a parked unsubscribe, whose replay reaches it", async () => {
		await linkOld("user:patroclus", "πατροκλος@example.gr", { email: true });
		await park(await unsubscribe("ΠΑΤΡΟΚΛΟΣ@example.gr", "news"), "patroclus");
		expect((await exportOf("user:patroclus")).pendingWrites).toMatchObject([
			{ kind: "email-suppression", list: "news" },
		]);
		await replayParkedWrites(env);
		const exported = await exportOf("user:patroclus");
		expect(exported.state?.purposes.email).toBe(false);
		expect(exported.pendingWrites).toEqual([]);
	});

	it("a subject linked since the fold: its export lists the address's rows stored under the old hash", async () => {
		await seedOld("μενελαος@example.gr", "news", Date.UTC(2025, 2, 3));
		await link("user:menelaus", "ΜΕΝΕΛΑΟΣ@example.gr");
		expect((await exportOf("user:menelaus")).suppressions).toEqual([
			{ list: "news", since: "2025-03-03T00:00:00.000Z", source: "import" },
		]);
	});

	it("a subject linked under the old hash: its export lists suppressions added since the fold", async () => {
		await linkOld("user:odysseus", "οδυσσευς@example.gr", { email: true });
		const add = json({ email: "ΟΔΥΣΣΕΥΣ@example.gr", list: "offers" }, keyed({ method: "POST", cf: CA }));
		expect((await call("/v1/suppressions", add)).status).toBe(201);
		expect((await exportOf("user:odysseus")).suppressions).toMatchObject([{ list: "offers", source: "api" }]);
	});

	it("a subject linked under the old hash: its export lists the address's imported rows", async () => {
		await linkOld("user:ajax", "αιας@example.gr", { email: false });
		const parked = await unsubscribe("ΑΙΑΣ@example.gr", "news");
		if (parked.type !== "email-suppression") throw new Error("not an unsubscribe");
		const { emailHash, legacyHashes } = parked.claim;
		const sql = importStatements([
			{ emailHash, legacyHashes, list: "news", createdAt: Date.UTC(2024, 6, 1) },
		]);
		for (const statement of sql.split(/;\n/).filter((s) => s.trim())) await env.DB.prepare(statement).run();
		expect((await exportOf("user:ajax")).suppressions).toEqual([
			{ list: "news", since: "2024-07-01T00:00:00.000Z", source: "import" },
		]);
	});

	it("a subject linked since the fold: its export lists an unsubscribe parked from a link minted before it", async () => {
		await link("user:nestor", "ΝΕΣΤΟΡΑΣ@example.gr");
		// An old link's token carries the hash of the unfolded form alone.
		const parked = await unsubscribe("ΝΕΣΤΟΡΑΣ@example.gr", "news");
		if (parked.type !== "email-suppression") throw new Error("not an unsubscribe");
		const claim = {
			emailHash: await oldHash("νεστορας@example.gr"),
			list: "news",
			expiresAt: parked.claim.expiresAt,
		};
		await park({ ...parked, claim }, "nestor");
		expect((await exportOf("user:nestor")).pendingWrites).toMatchObject([
			{ kind: "email-suppression", list: "news" },
		]);
	});
});
