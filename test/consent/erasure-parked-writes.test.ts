/**
 * Writes parked in KV (D1 refused them through every retry) are the subject's data until the cron
 * makes them: the export lists them as pending, and an erasure deletes the subject's at once, after
 * its tombstone, instead of leaving them in KV until the next hourly run. Found by their KV metadata;
 * those parked before it had any are found by their bodies.
 */
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import worker from "../../workers/index";
import { DEAD_LETTER_QUEUE } from "../../workers/queue/dead-letters";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { replayParkedWrites } from "../../workers/queue/parked-write-replay";
import { parkedWritesFor } from "../../workers/storage/parked-writes";
import {
	brokenD1,
	brokenKV,
	callWithEnv,
	countRecords,
	d1FailingBatches,
	envWith,
	json,
	keyed,
} from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const QUEUED_AT = new Date("2026-12-01T10:00:00.000Z");

interface Exported {
	state: unknown;
	pendingWrites: { kind: string; queuedAt: string; purposes?: Record<string, boolean> }[];
}

function gpcMessage(subject: string, now = QUEUED_AT.getTime()): DeferredWrite {
	return {
		type: "consent-change",
		subject,
		change: { changes: { ads: false, sale: false }, source: "gpc", jurisdiction: "US-CA", gpc: true, now },
	};
}

function unsubscribeMessage(emailHash: string): DeferredWrite {
	return {
		type: "email-suppression",
		claim: { emailHash, list: "news", expiresAt: Date.now() + 86_400_000 },
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

async function parkedIds(): Promise<string[]> {
	const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:" });
	return keys.map((k) => k.name.slice(k.name.lastIndexOf(":") + 1)).sort();
}

const exportOf = async (subject: string) =>
	(await callWithEnv(env, `/v1/subjects/${subject}/export`, keyed())).json<Exported>();
const erase = (subject: string, testEnv: Env = env) =>
	callWithEnv(testEnv, `/v1/subjects/${subject}`, keyed({ method: "DELETE" }));

beforeEach(async () => {
	const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:" });
	for (const { name } of keys) await env.CONSENT_KV.delete(name);
});

describe("a subject's parked writes", () => {
	it("are listed by the export: its consent changes and its linked address's unsubscribes", async () => {
		const subject = "user:parked-export";
		const put = json({ subject, email: "parked-export@example.com", purposes: { email: true } });
		expect((await callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...put }))).status).toBe(
			200,
		);
		const emailHash = await hashEmail("parked-export@example.com", env.EMAIL_HASH_KEY);
		await park(gpcMessage(subject), "mine");
		await park(unsubscribeMessage(emailHash), "my-address");
		await park(gpcMessage("user:parked-someone-else"), "theirs");

		const exported = await exportOf(subject);
		// What each will change, as the records it makes will say it.
		const queuedAt = QUEUED_AT.toISOString();
		expect(exported.pendingWrites).toEqual([
			{
				kind: "consent-change",
				queuedAt,
				purposes: { ads: false, sale: false },
				source: "gpc",
				jurisdiction: "US-CA",
				gpc: true,
			},
			{
				kind: "email-suppression",
				queuedAt,
				purposes: { email: false },
				list: "news",
				source: "one-click",
				jurisdiction: "US-CA",
				gpc: false,
			},
		]);
		expect((await exportOf("user:parked-nobody")).pendingWrites).toEqual([]);
	});

	it("go with the erasure at once, not at the next cron run; others' and the address's unsubscribes stay", async () => {
		const subject = "user:parked-erased";
		const put = json({ subject, email: "parked-erased@example.com", purposes: { analytics: true } });
		expect((await callWithEnv(env, "/v1/consent", keyed({ method: "PUT", cf: CA, ...put }))).status).toBe(
			200,
		);
		const emailHash = await hashEmail("parked-erased@example.com", env.EMAIL_HASH_KEY);
		await park(gpcMessage(subject), "mine");
		await park(unsubscribeMessage(emailHash), "my-address");
		await park(gpcMessage("user:parked-kept"), "theirs");

		expect((await erase(subject)).status).toBe(204);
		expect(await parkedIds()).toEqual(["my-address", "theirs"]);
		expect(await exportOf(subject)).toMatchObject({ state: null, pendingWrites: [] });
		// The unsubscribe still stops the mail; the other subject's write is still made.
		await replayParkedWrites(env);
		expect(await parkedIds()).toEqual([]);
		const suppressed = await env.DB.prepare("SELECT source FROM email_suppressions WHERE email_hash = ?")
			.bind(emailHash)
			.first<{ source: string }>();
		expect(suppressed?.source).toBe("one-click");
		expect(await countRecords("user:parked-kept")).toBe(1);
		expect(await countRecords(subject)).toBe(0);
	});

	it("are found by listing keys alone: no other subject's body is read", async () => {
		const subject = "user:parked-listed";
		for (const id of ["a", "b", "c"]) await park(gpcMessage(`user:parked-listed-${id}`), id);
		await park(gpcMessage(subject), "mine");
		const read: string[] = [];
		const kv = env.CONSENT_KV;
		const recording = {
			get: (key: string, ...rest: unknown[]) => {
				read.push(key);
				return (kv.get as (...args: unknown[]) => unknown)(key, ...rest);
			},
			getWithMetadata: (key: string, ...rest: unknown[]) => {
				read.push(key);
				return (kv.getWithMetadata as (...args: unknown[]) => unknown)(key, ...rest);
			},
			list: (options: KVNamespaceListOptions) => kv.list(options),
			put: (...args: Parameters<KVNamespace["put"]>) => kv.put(...args),
			delete: (key: string) => kv.delete(key),
		} as unknown as KVNamespace;
		const withRecording = envWith({ CONSENT_KV: recording });
		expect((await callWithEnv(withRecording, `/v1/subjects/${subject}/export`, keyed())).status).toBe(200);
		// The export reads its own subject's write, to show what it will change.
		const parkedReads = () => read.filter((key) => key.startsWith("parked-write:"));
		expect(parkedReads().map((key) => key.split(":").at(-1))).toEqual(["mine"]);
		read.length = 0;
		expect((await erase(subject, withRecording)).status).toBe(204);
		expect(parkedReads()).toEqual([]);
		expect(await parkedIds()).toEqual(["a", "b", "c"]);
	});

	it("are found on every page of a backlog, by cursor", async () => {
		for (const id of ["a", "b", "c", "d", "e"]) await park(gpcMessage(`user:parked-page-${id}`), id);
		await park(gpcMessage("user:parked-page-c"), "c-again");
		const found = await parkedWritesFor(env.CONSENT_KV, { subject: "user:parked-page-c" }, 2);
		expect(found.map((w) => w.key.split(":").at(-1))).toEqual(["c", "c-again"]);
		expect(await parkedWritesFor(env.CONSENT_KV, { subject: "user:parked-page-e" }, 2)).toHaveLength(1);
	});

	it("parked before they carried metadata, are found by their bodies", async () => {
		const subject = "user:parked-legacy";
		const key = `parked-write:${QUEUED_AT.toISOString()}:legacy`;
		await env.CONSENT_KV.put(key, JSON.stringify(gpcMessage(subject)));
		await env.CONSENT_KV.put(
			"parked-write:~2026-12-01T12:00:00.000Z:legacy-tried",
			JSON.stringify(gpcMessage(subject)),
		);
		await env.CONSENT_KV.put(`${key}-other`, JSON.stringify(gpcMessage("user:parked-legacy-other")));

		const exported = await exportOf(subject);
		expect(exported.pendingWrites.map((w) => w.kind)).toEqual(["consent-change", "consent-change"]);
		expect(exported.pendingWrites[0]?.queuedAt).toBe(QUEUED_AT.toISOString());
		expect((await erase(subject)).status).toBe(204);
		expect(await parkedIds()).toEqual(["legacy-other"]);
	});

	it("moved behind the rest after a failed run, keep their metadata and first-queued time", async () => {
		const subject = "user:parked-moved";
		await park(gpcMessage(subject), "moved");
		expect(await replayParkedWrites(envWith({ DB: brokenD1() }), 1, 0)).toMatchObject({ failed: 1 });
		const { keys } = await env.CONSENT_KV.list({ prefix: "parked-write:~" });
		expect(keys.map((k) => k.metadata)).toEqual([
			{ kind: "consent-change", queuedAt: QUEUED_AT.toISOString(), subject },
		]);
		expect((await exportOf(subject)).pendingWrites).toMatchObject([
			{ kind: "consent-change", queuedAt: QUEUED_AT.toISOString(), purposes: { ads: false, sale: false } },
		]);
		expect((await erase(subject)).status).toBe(204);
		expect(await parkedIds()).toEqual([]);
	});

	it("an export KV cannot list for is a 503, never one that leaves them out unsaid", async () => {
		const res = await callWithEnv(
			envWith({ CONSENT_KV: brokenKV() }),
			"/v1/subjects/user:parked-kv-down/export",
			keyed(),
		);
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({ error: { code: "storage_unavailable" } });
	});

	it("stay parked when the erasure fails before its tombstone: they are still to be written", async () => {
		const subject = "user:parked-erasure-failed";
		await park(gpcMessage(subject), "kept");
		expect((await erase(subject, envWith({ DB: d1FailingBatches() }))).status).toBe(503);
		expect(await parkedIds()).toEqual(["kept"]);
	});
});
