/**
 * A subject's writes parked in KV (storage/parked-writes.ts) for export and erasure. An export lists
 * them as writes still pending: the subject's consent changes and the unsubscribes of its linked
 * address. An erasure deletes the consent changes at once, after its tombstone (which already makes
 * the cron drop them: this only stops them waiting in KV until then); it keeps the unsubscribes,
 * which hold only an address hash and must still stop the mail, like the suppressions they add.
 */
import type { DeferredWrite } from "../queue/deferred-writes";
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

/** The subject's parked writes; one read each, an export being rare (a write replayed meanwhile is left out). */
export async function pendingWritesForExport(
	kv: KVNamespace,
	subject: string,
	emailHash: string | null,
): Promise<PendingWrite[]> {
	const parked = await parkedWritesFor(kv, { subject, emailHash });
	const pending: PendingWrite[] = [];
	for (const { key, metadata } of parked) {
		const body = (await readParkedWrite(kv, key)) as DeferredWrite | null;
		if (body === null) continue;
		let described: Omit<PendingWrite, "kind" | "queuedAt"> = {};
		try {
			described = contents(body);
		} catch {
			// A malformed body (the cron's replay drops it to the dead letters): listed by its metadata alone.
		}
		pending.push({ kind: metadata.kind, queuedAt: metadata.queuedAt, ...described });
	}
	return pending;
}

/** Deletes the subject's parked consent changes; returns how many. */
export async function dropParkedChanges(kv: KVNamespace, subject: string): Promise<number> {
	const parked = await parkedWritesFor(kv, { subject });
	for (const { key } of parked) await dropParkedWrite(kv, key);
	return parked.length;
}
