/**
 * An erasure of a subject with a backlog of parked writes (D1 down for hours): it deletes them
 * several at a time, not one after another, and the whole erasure stays within KV's 1000 operations
 * per invocation: past a cap, the rest are left, with a warning, to the hourly cron, which drops them
 * on the erasure tombstone's word instead of writing them.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PARKED_CHANGE_DELETES } from "../../workers/consent/subject-parked-writes";
import worker from "../../workers/index";
import { PARKED_WRITES_CRON } from "../../workers/scheduled/cron-jobs";
import { callWithEnv, countRecords, envWith, keyed } from "../helpers";
import {
	clearParkedWrites,
	FIRST_QUEUED,
	gpcMessage,
	KV_OPERATIONS,
	observedKV,
	parkedKeys,
	parkMany,
} from "./parked-backlog";

const LEFT_WARNING = "parked writes past the erasure's delete cap left to the cron";

async function eraseWith(kv: KVNamespace, subject: string): Promise<void> {
	const res = await callWithEnv(
		envWith({ CONSENT_KV: kv }),
		`/v1/subjects/${subject}`,
		keyed({ method: "DELETE" }),
	);
	expect(res.status).toBe(204);
}

/** What follows the last colon of each key: a message id, past the colon of a subject in it. */
const idsOf = (keys: string[]) => keys.map((key) => key.slice(key.lastIndexOf(":") + 1));

beforeEach(clearParkedWrites);

afterEach(() => {
	vi.restoreAllMocks();
});

describe("an erasure of a subject with a backlog of parked writes", () => {
	it("deletes them several at a time, a bounded few, and only the subject's", async () => {
		const subject = "user:erase-backlog-concurrent";
		await parkMany(subject, 40);
		// Others' writes between, and some parked before writes carried metadata (their bodies are read).
		await parkMany("user:erase-backlog-someone-else", 10, 100);
		for (let n = 0; n < 12; n++) {
			const queuedAt = new Date(FIRST_QUEUED + (200 + n) * 1000).toISOString();
			await env.CONSENT_KV.put(
				`parked-write:${queuedAt}:legacy-${n}`,
				JSON.stringify(gpcMessage(n % 2 ? subject : "user:erase-backlog-legacy-other", 0)),
			);
		}
		const warn = vi.spyOn(console, "warn");

		const { kv, seen } = observedKV();
		await eraseWith(kv, subject);

		expect(idsOf(await parkedKeys()).sort()).toEqual(
			[
				...Array.from({ length: 10 }, (_, i) => `erase-backlog-someone-else-${100 + i}`),
				...[0, 2, 4, 6, 8, 10].map((n) => `legacy-${n}`),
			].sort(),
		);
		expect(seen.mostAtOnce.delete).toBeGreaterThan(1);
		expect(seen.mostAtOnce.delete).toBeLessThanOrEqual(10);
		expect(warn).not.toHaveBeenCalledWith(LEFT_WARNING, expect.anything());
	});

	it("stays within KV's operations per invocation: past the cap, the newest are left, with a warning", {
		timeout: 90_000,
	}, async () => {
		const subject = "user:erase-backlog-capped";
		const count = KV_OPERATIONS + 50;
		await parkMany(subject, count);
		const ids = idsOf(await parkedKeys());
		const warn = vi.spyOn(console, "warn");
		const error = vi.spyOn(console, "error");

		const { kv, seen } = observedKV();
		await eraseWith(kv, subject);

		expect(seen.operations).toBeLessThanOrEqual(KV_OPERATIONS);
		// The first queued go first: the cron reaches the rest in the same order.
		expect(idsOf(await parkedKeys())).toEqual(ids.slice(PARKED_CHANGE_DELETES));
		expect(warn).toHaveBeenCalledWith(LEFT_WARNING, count - PARKED_CHANGE_DELETES);
		expect(error).not.toHaveBeenCalled();
	});

	it("those left are never written: the hourly cron drops them and deletes them", {
		timeout: 90_000,
	}, async () => {
		const subject = "user:erase-backlog-cron";
		// Enough past the cap that a run both replays some (dropping them) and requeues the rest.
		const left = 60;
		await parkMany(subject, PARKED_CHANGE_DELETES + left);
		// Others' writes queued after them, which the cron does write: they show when it has run.
		const others = Array.from({ length: 5 }, (_, i) => `user:erase-backlog-cron-other-${i}`);
		for (const [i, other] of others.entries()) await parkMany(other, 1, 2000 + i);

		await eraseWith(env.CONSENT_KV, subject);
		expect((await parkedKeys()).length).toBe(left + others.length);
		for (let run = 0; run < 5 && (await parkedKeys()).length > 0; run++)
			await worker.scheduled(createScheduledController({ cron: PARKED_WRITES_CRON }), env);

		expect(await parkedKeys()).toEqual([]);
		// Past the run's first 50 they went back on the queue: wait for its consumer to write the others.
		const writtenOthers = async () => {
			let written = 0;
			for (const other of others) written += await countRecords(other);
			return written;
		};
		for (let i = 0; i < 50 && (await writtenOthers()) < others.length; i++)
			await new Promise((r) => setTimeout(r, 200));
		expect(await writtenOthers()).toBe(others.length);
		expect(await countRecords(subject)).toBe(0);
		const exported = await (await callWithEnv(env, `/v1/subjects/${subject}/export`, keyed())).json<{
			state: unknown;
			records: unknown[];
			pendingWrites: unknown[];
		}>();
		expect(exported).toMatchObject({ state: null, records: [], pendingWrites: [] });
	});
});
