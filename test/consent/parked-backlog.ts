/**
 * A backlog of parked writes (D1 down for hours) for the export and erasure tests, and the local KV
 * passed through, counting its calls: the local KV has no limit of operations per invocation, so the
 * tests count them against Workers' limit themselves.
 */
import { env } from "cloudflare:workers";
import type { DeferredWrite } from "../../workers/queue/deferred-writes";
import { parkWrite } from "../../workers/storage/parked-writes";

export const FIRST_QUEUED = Date.parse("2026-12-01T10:00:00.000Z");
/** Workers' operation limit per invocation for KV (the limits page). */
export const KV_OPERATIONS = 1000;

export function gpcMessage(subject: string, now: number): DeferredWrite {
	return {
		type: "consent-change",
		subject,
		change: { changes: { ads: false, sale: false }, source: "gpc", jurisdiction: "US-CA", gpc: true, now },
	};
}

/** Writes parked at once while building a backlog: one after another, a thousand take seconds. */
const PARKED_AT_ONCE = 50;

/** Parks `count` of the subject's writes a second apart (the n-th queued at FIRST_QUEUED + n s). */
export async function parkMany(subject: string, count: number, from = 0): Promise<string[]> {
	const times = Array.from({ length: count }, (_, i) => new Date(FIRST_QUEUED + (from + i) * 1000));
	for (let i = 0; i < count; i += PARKED_AT_ONCE) {
		await Promise.all(
			times.slice(i, i + PARKED_AT_ONCE).map((timestamp, j) =>
				parkWrite(env.CONSENT_KV, {
					id: `${subject}-${from + i + j}`,
					timestamp,
					body: gpcMessage(subject, timestamp.getTime()),
				}),
			),
		);
	}
	return times.map((t) => t.toISOString());
}

/** The keys of every parked write, in the order KV lists them. */
export async function parkedKeys(): Promise<string[]> {
	const names: string[] = [];
	let cursor: string | undefined;
	do {
		const page = await env.CONSENT_KV.list({ prefix: "parked-write:", cursor });
		names.push(...page.keys.map((k) => k.name));
		cursor = page.list_complete ? undefined : page.cursor;
	} while (cursor);
	return names;
}

export async function clearParkedWrites(): Promise<void> {
	for (const name of await parkedKeys()) await env.CONSENT_KV.delete(name);
}

type Awaited = "get" | "getWithMetadata" | "delete";

/** The local KV, passed through, counting every call and how many reads or deletes wait at once. */
export function observedKV() {
	const kv = env.CONSENT_KV;
	const seen = {
		operations: 0,
		waiting: { get: 0, getWithMetadata: 0, delete: 0 },
		mostAtOnce: { get: 0, getWithMetadata: 0, delete: 0 },
	};
	const awaited =
		(method: Awaited) =>
		async (...args: unknown[]) => {
			seen.operations++;
			seen.waiting[method]++;
			seen.mostAtOnce[method] = Math.max(seen.mostAtOnce[method], seen.waiting[method]);
			try {
				return await (kv[method] as (...a: unknown[]) => Promise<unknown>)(...args);
			} finally {
				seen.waiting[method]--;
			}
		};
	const counted =
		(method: "list" | "put") =>
		(...args: unknown[]) => {
			seen.operations++;
			return (kv[method] as (...a: unknown[]) => unknown)(...args);
		};
	const observed = {
		get: awaited("get"),
		getWithMetadata: awaited("getWithMetadata"),
		list: counted("list"),
		put: counted("put"),
		delete: awaited("delete"),
	} as unknown as KVNamespace;
	return { kv: observed, seen };
}
