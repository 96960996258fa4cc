/**
 * Deferred writes parked in KV after the queue gave up on them (D1 unavailable through every retry):
 * KV, because it does not depend on D1. Each is kept without expiry under
 * `parked-write:<first queued, ISO time>:<message id>` until the cron writes it to D1 and deletes it;
 * keys sort by the time the write was first queued, so the oldest are listed first. One a run could
 * not write moves behind every write not yet tried (`parked-write:~<failed at>:<message id>`, `~`
 * sorting after digits), so a few that always fail cannot fill every run's list.
 *
 * Each carries KV metadata naming whom it is for (the subject, or the address hash of an
 * unsubscribe), its kind and when it was first queued: erasure and export find a subject's parked
 * writes by listing keys alone, without reading every body. Writes parked before the metadata have
 * none; those bodies are read.
 */
import { callConcurrently } from "./concurrent-calls";

const PREFIX = "parked-write:";
const TRIED = `${PREFIX}~`;
/** KV's most keys per list call. */
const LIST_PAGE = 1000;
/**
 * Bodies of writes parked without metadata one search reads at most, within an invocation's 1000 KV
 * operations; the cron replays them within hours, so there are few, and the erasure tombstone drops
 * any a search leaves.
 */
export const UNDESCRIBED_READS = 200;

/** The parts of a queue message a parked write keeps. */
export interface ParkableMessage {
	readonly id: string;
	readonly timestamp: Date;
	readonly body: unknown;
}

/** A parked write's KV metadata. */
export interface ParkedWriteMetadata {
	/** The deferred write's type (`consent-change`, `email-suppression`). */
	readonly kind: string;
	/** When the write was first queued, ISO: a key moved behind the rest names the time it failed instead. */
	readonly queuedAt: string;
	/** The subject a consent change is for. */
	readonly subject?: string;
	/** The address hash an unsubscribe is for. */
	readonly emailHash?: string;
	/** Its hashes from before `ς` was folded (email-address.ts emailHashes): a subject may be linked under one. */
	readonly legacyHashes?: readonly string[];
}

export interface ParkedWrite {
	readonly key: string;
	readonly metadata: ParkedWriteMetadata;
}

/** Whom a parked write is for: a subject, the hashes of the address linked to it, or both. */
export interface ParkedWriteOwner {
	readonly subject?: string;
	readonly emailHashes?: readonly string[];
}

function field(value: unknown, name: string): unknown {
	return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === "string" ? value : undefined;
}

/** The metadata of `body` (a queue message body, maybe malformed), first queued at `queuedAt`. */
export function describeParkedWrite(body: unknown, queuedAt: string): ParkedWriteMetadata {
	const legacy = field(field(body, "claim"), "legacyHashes");
	const legacyHashes = Array.isArray(legacy) ? legacy.filter((h) => typeof h === "string") : [];
	return {
		kind: text(field(body, "type")) ?? "unknown",
		queuedAt,
		subject: text(field(body, "subject")),
		emailHash: text(field(field(body, "claim"), "emailHash")),
		...(legacyHashes.length > 0 ? { legacyHashes } : {}),
	};
}

/** The time in a key: when first queued for one not yet tried. */
function keyTime(key: string): string {
	const rest = key.slice(triedBefore(key) ? TRIED.length : PREFIX.length);
	return rest.slice(0, rest.lastIndexOf(":"));
}

/** Parks a message's body and returns its key; a redelivered message lands on the same key. */
export async function parkWrite(kv: KVNamespace, message: ParkableMessage): Promise<string> {
	const queuedAt = message.timestamp.toISOString();
	const key = `${PREFIX}${queuedAt}:${message.id}`;
	await kv.put(key, JSON.stringify(message.body), { metadata: describeParkedWrite(message.body, queuedAt) });
	return key;
}

/** Up to `limit` parked writes' keys, oldest first. */
export async function listParkedWrites(kv: KVNamespace, limit: number): Promise<string[]> {
	const { keys } = await kv.list({ prefix: PREFIX, limit });
	return keys.map((k) => k.name);
}

/** How many writes are parked, from one list call: past one page, LIST_PAGE and `more`. */
export async function countParkedWrites(kv: KVNamespace): Promise<{ count: number; more: boolean }> {
	const page = await kv.list({ prefix: PREFIX, limit: LIST_PAGE });
	return { count: page.keys.length, more: !page.list_complete };
}

/** A parked write's body, or null once it is gone (written by another run). */
export function readParkedWrite(kv: KVNamespace, key: string): Promise<unknown> {
	return kv.get(key, "json");
}

/** A parked write's body and metadata (described from the body when it was parked without), or null once gone. */
export async function readParkedWriteWithMetadata(
	kv: KVNamespace,
	key: string,
): Promise<{ body: unknown; metadata: ParkedWriteMetadata } | null> {
	const { value, metadata } = await kv.getWithMetadata<unknown, ParkedWriteMetadata>(key, "json");
	if (value === null) return null;
	return { body: value, metadata: metadata ?? describeParkedWrite(value, keyTime(key)) };
}

/**
 * The parked writes for `owner`: its subject's consent changes, and the unsubscribes of the address
 * linked to it. One list call while nothing is parked; pages through a backlog by cursor.
 */
export async function parkedWritesFor(
	kv: KVNamespace,
	owner: ParkedWriteOwner,
	pageSize = LIST_PAGE,
): Promise<ParkedWrite[]> {
	const found: ParkedWrite[] = [];
	let reads = 0;
	let skipped = 0;
	let cursor: string | undefined;
	do {
		const page = await kv.list<ParkedWriteMetadata>({ prefix: PREFIX, limit: pageSize, cursor });
		// The first UNDESCRIBED_READS without metadata, in key order, are read (several at a time).
		const undescribed = page.keys.filter((k) => !k.metadata).map((k) => k.name);
		const toRead = undescribed.slice(0, UNDESCRIBED_READS - reads);
		reads += toRead.length;
		skipped += undescribed.length - toRead.length;
		const read = await callConcurrently(toRead, async (name) => {
			return [name, (await readParkedWriteWithMetadata(kv, name))?.metadata] as const;
		});
		const described = new Map(read);
		for (const { name, metadata } of page.keys) {
			const known = metadata ?? described.get(name);
			if (known && belongsTo(known, owner)) found.push({ key: name, metadata: known });
		}
		cursor = page.list_complete ? undefined : page.cursor;
	} while (cursor);
	if (skipped > 0) console.warn("parked writes without metadata left unread; the cron replays them", skipped);
	return found;
}

function belongsTo(metadata: ParkedWriteMetadata, owner: ParkedWriteOwner): boolean {
	if (owner.subject !== undefined && metadata.subject === owner.subject) return true;
	const hashes = owner.emailHashes ?? [];
	const claimed = [metadata.emailHash, ...(metadata.legacyHashes ?? [])];
	return claimed.some((hash) => hash !== undefined && hashes.includes(hash));
}

/** Whether a run has tried the parked write at `key` and failed (moveParkedWriteBack). */
export function triedBefore(key: string): boolean {
	return key.startsWith(TRIED);
}

export async function dropParkedWrite(kv: KVNamespace, key: string): Promise<void> {
	await kv.delete(key);
}

/**
 * Moves a parked write that a run failed to write behind the rest (see above) and returns its new
 * key; its metadata goes with it. Put before delete: a failure in between leaves two copies, and
 * written twice, a write changes nothing twice.
 */
export async function moveParkedWriteBack(
	kv: KVNamespace,
	key: string,
	body: unknown,
	metadata: ParkedWriteMetadata,
	now: number,
): Promise<string> {
	const id = key.slice(key.lastIndexOf(":") + 1);
	const moved = `${TRIED}${new Date(now).toISOString()}:${id}`;
	await kv.put(moved, JSON.stringify(body), { metadata });
	await kv.delete(key);
	return moved;
}
