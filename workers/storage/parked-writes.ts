/**
 * Deferred writes parked in KV after the queue gave up on them (D1 unavailable through every retry):
 * KV, because it does not depend on D1. Each is kept without expiry under
 * `parked-write:<first queued, ISO time>:<message id>` until the cron writes it to D1 and deletes it;
 * keys sort by the time the write was first queued, so the oldest are listed first. One a run could
 * not write moves behind every write not yet tried (`parked-write:~<failed at>:<message id>`, `~`
 * sorting after digits), so a few that always fail cannot fill every run's list.
 */
const PREFIX = "parked-write:";
const TRIED = `${PREFIX}~`;

/** The parts of a queue message a parked write keeps. */
export interface ParkableMessage {
	readonly id: string;
	readonly timestamp: Date;
	readonly body: unknown;
}

/** Parks a message's body and returns its key; a redelivered message lands on the same key. */
export async function parkWrite(kv: KVNamespace, message: ParkableMessage): Promise<string> {
	const key = `${PREFIX}${message.timestamp.toISOString()}:${message.id}`;
	await kv.put(key, JSON.stringify(message.body));
	return key;
}

/** Up to `limit` parked writes' keys, oldest first. */
export async function listParkedWrites(kv: KVNamespace, limit: number): Promise<string[]> {
	const { keys } = await kv.list({ prefix: PREFIX, limit });
	return keys.map((k) => k.name);
}

/** A parked write's body, or null once it is gone (written by another run). */
export function readParkedWrite(kv: KVNamespace, key: string): Promise<unknown> {
	return kv.get(key, "json");
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
 * key. Put before delete: a failure in between leaves two copies, and written twice, a write changes
 * nothing twice.
 */
export async function moveParkedWriteBack(
	kv: KVNamespace,
	key: string,
	body: unknown,
	now: number,
): Promise<string> {
	const id = key.slice(key.lastIndexOf(":") + 1);
	const moved = `${TRIED}${new Date(now).toISOString()}:${id}`;
	await kv.put(moved, JSON.stringify(body));
	await kv.delete(key);
	return moved;
}
