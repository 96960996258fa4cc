/**
 * An export of a subject with a backlog of parked writes (D1 down for hours): their bodies are read
 * several at a time, not one after another, the answer keeps the order the keys sort in (first
 * queued first), and the whole export stays within KV's 1000 operations per invocation: past a cap,
 * the rest are listed by their metadata alone, with a warning, instead of failing the invocation.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PENDING_WRITE_READS } from "../../workers/consent/subject-parked-writes";
import { callWithEnv, envWith, keyed } from "../helpers";
import {
	clearParkedWrites,
	FIRST_QUEUED,
	gpcMessage,
	KV_OPERATIONS,
	observedKV,
	parkMany,
} from "./parked-backlog";

interface Exported {
	pendingWrites: { kind: string; queuedAt: string; purposes?: Record<string, boolean> }[];
}

async function exportWith(kv: KVNamespace, subject: string): Promise<Exported> {
	const res = await callWithEnv(envWith({ CONSENT_KV: kv }), `/v1/subjects/${subject}/export`, keyed());
	expect(res.status).toBe(200);
	return res.json<Exported>();
}

beforeEach(clearParkedWrites);

afterEach(() => {
	vi.restoreAllMocks();
});

describe("an export of a subject with a backlog of parked writes", () => {
	it("reads their bodies several at a time, a bounded few, and lists them all first queued first", async () => {
		const subject = "user:backlog-concurrent";
		const times = await parkMany(subject, 40);
		// Others' writes between, and some parked before writes carried metadata (their bodies are read).
		await parkMany("user:backlog-someone-else", 10, 100);
		for (let n = 0; n < 12; n++) {
			const queuedAt = new Date(FIRST_QUEUED + (200 + n) * 1000).toISOString();
			await env.CONSENT_KV.put(
				`parked-write:${queuedAt}:legacy-${n}`,
				JSON.stringify(gpcMessage(n % 2 ? subject : "user:backlog-legacy-other", 0)),
			);
			if (n % 2) times.push(queuedAt);
		}

		const { kv, seen } = observedKV();
		const exported = await exportWith(kv, subject);

		expect(exported.pendingWrites.map((w) => w.queuedAt)).toEqual(times);
		for (const write of exported.pendingWrites)
			expect(write).toMatchObject({ kind: "consent-change", purposes: { ads: false, sale: false } });
		// Bodies for the answer (get), and those parked without metadata, to find whose they are.
		for (const method of ["get", "getWithMetadata"] as const) {
			expect(seen.mostAtOnce[method], method).toBeGreaterThan(1);
			expect(seen.mostAtOnce[method], method).toBeLessThanOrEqual(10);
		}
	});

	it("stays within KV's operations per invocation: past the cap, the rest by kind and time alone, with a warning", {
		timeout: 90_000,
	}, async () => {
		const subject = "user:backlog-capped";
		const count = KV_OPERATIONS + 50;
		const times = await parkMany(subject, count);
		const warn = vi.spyOn(console, "warn");

		const { kv, seen } = observedKV();
		const exported = await exportWith(kv, subject);

		expect(seen.operations).toBeLessThanOrEqual(KV_OPERATIONS);
		// Every write is listed, in order; those past the cap without what they will change.
		expect(exported.pendingWrites.map((w) => w.queuedAt)).toEqual(times);
		const read = exported.pendingWrites.slice(0, PENDING_WRITE_READS);
		const unread = exported.pendingWrites.slice(PENDING_WRITE_READS);
		for (const write of read) expect(write.purposes).toEqual({ ads: false, sale: false });
		for (const write of unread) expect(Object.keys(write).sort()).toEqual(["kind", "queuedAt"]);
		expect(warn).toHaveBeenCalledWith(
			"parked writes past the export's read cap listed without their contents",
			count - PENDING_WRITE_READS,
		);
	});
});
