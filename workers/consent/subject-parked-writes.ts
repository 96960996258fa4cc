/**
 * A subject's writes parked in KV (storage/parked-writes.ts) for export and erasure. An export lists
 * them as writes still pending: the subject's consent changes and the unsubscribes of its linked
 * address. An erasure deletes the consent changes at once, after its tombstone (which already makes
 * the cron drop them: this only stops them waiting in KV until then); it keeps the unsubscribes,
 * which hold only an address hash and must still stop the mail, like the suppressions they add.
 */
import { dropParkedWrite, parkedWritesFor } from "../storage/parked-writes";

export interface PendingWrite {
	readonly kind: string;
	readonly queuedAt: string;
}

export async function pendingWritesForExport(
	kv: KVNamespace,
	subject: string,
	emailHash: string | null,
): Promise<PendingWrite[]> {
	const parked = await parkedWritesFor(kv, { subject, emailHash });
	return parked.map(({ metadata }) => ({ kind: metadata.kind, queuedAt: metadata.queuedAt }));
}

/** Deletes the subject's parked consent changes; returns how many. */
export async function dropParkedChanges(kv: KVNamespace, subject: string): Promise<number> {
	const parked = await parkedWritesFor(kv, { subject });
	for (const { key } of parked) await dropParkedWrite(kv, key);
	return parked.length;
}
