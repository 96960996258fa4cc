/**
 * A subject's writes parked in KV (storage/parked-writes.ts) for export and erasure. An export lists
 * them as writes still pending: the subject's consent changes and the unsubscribes of its linked
 * address. An erasure deletes the consent changes at once (up to a cap), after its tombstone (which
 * already makes the cron drop them: this only stops them waiting in KV until then); it keeps the
 * unsubscribes, which hold only an address hash and must still stop the mail, like the suppressions
 * they add.
 */
import type { DeferredWrite } from "../queue/deferred-writes";
import { callConcurrently } from "../storage/concurrent-calls";
import { dropParkedWrite, parkedWritesFor, readParkedWrite } from "../storage/parked-writes";

/** A parked write as an export shows it: what it will change, as the records it makes would. */
export interface PendingWrite {
	readonly kind: string;
	readonly queuedAt: string;
	/** A consent change's purposes, or an unsubscribe's `{"email": false}`. */
	readonly purposes?: Readonly<Record<string, boolean>>;
	/** The mailing list an unsubscribe is for. */
	readonly list?: string;
	readonly source?: string;
	readonly jurisdiction?: string;
	readonly gpc?: boolean;
	readonly policyVersion?: string | null;
}

/**
 * Bodies one export reads at most, to keep it within KV's 1000 operations per invocation: with the
 * listing's reads of writes parked without metadata (UNDESCRIBED_READS, 200) it leaves 300 list calls,
 * 300,000 parked writes. Past it, a write is listed by its metadata alone (kind, queuedAt).
 */
export const PENDING_WRITE_READS = 500;

/** What `body` will change; nothing more for a body of another shape (written by a later version). */
function contents(body: DeferredWrite | null): Omit<PendingWrite, "kind" | "queuedAt"> {
	if (body?.type === "consent-change") {
		const { changes, source, jurisdiction, gpc, policyVersion } = body.change;
		return { purposes: changes, source, jurisdiction, gpc, ...(policyVersion ? { policyVersion } : {}) };
	}
	if (body?.type === "email-suppression") {
		const { claim, source, jurisdiction, gpc } = body;
		return { purposes: { email: false }, list: claim.list, source, jurisdiction, gpc };
	}
	return {};
}

/**
 * The subject's parked writes, first queued first; the bodies read several at a time, up to
 * PENDING_WRITE_READS (a write replayed meanwhile is left out).
 */
export async function pendingWritesForExport(
	kv: KVNamespace,
	subject: string,
	emailHashes: readonly string[],
): Promise<PendingWrite[]> {
	const parked = await parkedWritesFor(kv, { subject, emailHashes });
	const toRead = parked.slice(0, PENDING_WRITE_READS);
	const bodies = await callConcurrently(
		toRead,
		({ key }) => readParkedWrite(kv, key) as Promise<DeferredWrite | null>,
	);
	const unread = parked.length - toRead.length;
	if (unread > 0)
		console.warn("parked writes past the export's read cap listed without their contents", unread);
	const pending: PendingWrite[] = [];
	for (const [i, { metadata }] of parked.entries()) {
		// Past the cap there is no body (undefined); null is a write replayed since it was listed.
		const body = bodies[i];
		if (body === null) continue;
		pending.push({ kind: metadata.kind, queuedAt: metadata.queuedAt, ...described(body) });
	}
	return pending;
}

/** What a body read will change; nothing for one unread or malformed (the cron's replay dead-letters it). */
function described(body: DeferredWrite | undefined): Omit<PendingWrite, "kind" | "queuedAt"> {
	if (body === undefined) return {};
	try {
		return contents(body);
	} catch {
		return {};
	}
}

/**
 * Parked consent changes one erasure deletes at most, to keep it within KV's 1000 operations per
 * invocation: with the listing's reads of writes parked without metadata (UNDESCRIBED_READS, 200) and
 * the erasure's few other calls, it leaves about 295 list calls, 295,000 parked writes. The cron drops
 * the rest on the tombstone's word (queue/deferred-writes.ts), as it would any this left.
 */
export const PARKED_CHANGE_DELETES = 500;

/**
 * Deletes the subject's parked consent changes, first queued first, several at a time and up to
 * PARKED_CHANGE_DELETES; returns how many.
 */
export async function dropParkedChanges(kv: KVNamespace, subject: string): Promise<number> {
	const parked = await parkedWritesFor(kv, { subject });
	const toDrop = parked.slice(0, PARKED_CHANGE_DELETES);
	await callConcurrently(toDrop, ({ key }) => dropParkedWrite(kv, key));
	const left = parked.length - toDrop.length;
	if (left > 0) console.warn("parked writes past the erasure's delete cap left to the cron", left);
	return toDrop.length;
}
