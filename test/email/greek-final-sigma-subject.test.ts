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
});
