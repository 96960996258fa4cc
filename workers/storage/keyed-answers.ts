/**
 * D1 store of the first answers to keyed writes made with an Idempotency-Key outside the consent
 * path (suppressions, unsubscribe links, erasure), in the table the consent writes keep theirs in
 * (`idempotency_keys`), so a key names one request whichever write it was first used for. A key is
 * claimed before the work (a row with no answer yet; of racing retries, D1 lets one insert it), its
 * answer filled in once made, and the claim dropped when the work fails, so the key stays retryable.
 * A row names no subject: an erasure's answer is a bodiless 204 and the others are about addresses,
 * held as hashes. The daily purge deletes rows after 24 h as it does the consent writes'.
 */
import { and, eq } from "drizzle-orm";
import { IDEMPOTENCY_TTL_MS } from "./consent-repository";
import { deleteQuery, insertQuery, selectFirst, selectQuery, statement, updateQuery } from "./queries";
import { idempotencyKeysTable } from "./schema";

/** The status of a claimed key whose answer is not made yet. */
const PENDING = 0;
/**
 * A claim left unanswered this long was given up (its Worker stopped mid-work): the same request may
 * take it over. Far longer than any keyed write takes, which makes a few D1 and KV calls.
 */
export const CLAIM_LEASE_MS = 60_000;

export interface KeyedAnswer {
	/** Hash of the scoped key + method, path and body: the same key with another request is a 409. */
	readonly requestHash: string;
	readonly status: number;
	readonly body: string;
}

export type KeyClaim =
	/** This request holds the key; `claimedAt` tells its claim from a later one's. */
	| { readonly kind: "claimed"; readonly claimedAt: number }
	| { readonly kind: "answered"; readonly answer: KeyedAnswer }
	/** Another request holds the key and is still making its answer. */
	| { readonly kind: "in-progress"; readonly requestHash: string };

/** Claims `key` for this request, or says who holds it. */
export async function claimKey(
	db: D1Database,
	key: string,
	requestHash: string,
	now: number,
): Promise<KeyClaim> {
	const idempotencyKeys = idempotencyKeysTable();
	const claim = { key, subject: null, requestHash, status: PENDING, body: "", createdAt: new Date(now) };
	// A row expired or given up is taken over in place (the purge may not have reached it yet); a race
	// for it is decided by its created_at, which a takeover moves. Three rounds: each lost one means
	// another request has claimed or answered the key, which the next round reads.
	for (let round = 0; round < 3; round++) {
		const inserted = await statement(
			db,
			insertQuery(idempotencyKeys).values(claim).onConflictDoNothing(),
		).run();
		if (inserted.meta.changes === 1) return { kind: "claimed", claimedAt: now };
		const row = await selectFirst(
			db,
			selectQuery.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)),
		);
		if (!row) continue;
		const age = now - row.createdAt.getTime();
		const givenUp = row.status === PENDING && age > CLAIM_LEASE_MS && row.requestHash === requestHash;
		if (age <= IDEMPOTENCY_TTL_MS && !givenUp) {
			return row.status === PENDING
				? { kind: "in-progress", requestHash: row.requestHash }
				: { kind: "answered", answer: { requestHash: row.requestHash, status: row.status, body: row.body } };
		}
		const taken = await statement(
			db,
			updateQuery(idempotencyKeys)
				.set(claim)
				.where(and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.createdAt, row.createdAt))),
		).run();
		if (taken.meta.changes === 1) return { kind: "claimed", claimedAt: now };
	}
	throw new Error("idempotency key claim kept changing hands");
}

/** Fills in the answer of the claim made at `claimedAt`. */
export async function saveKeyedAnswer(
	db: D1Database,
	key: string,
	claimedAt: number,
	answer: { status: number; body: string },
): Promise<void> {
	await statement(
		db,
		updateQuery(idempotencyKeysTable())
			.set({ status: answer.status, body: answer.body })
			.where(ownClaim(key, claimedAt)),
	).run();
}

/** Drops the claim made at `claimedAt` unanswered: the key is free for a retry. */
export async function releaseKey(db: D1Database, key: string, claimedAt: number): Promise<void> {
	await statement(db, deleteQuery(idempotencyKeysTable()).where(ownClaim(key, claimedAt))).run();
}

function ownClaim(key: string, claimedAt: number) {
	const idempotencyKeys = idempotencyKeysTable();
	return and(
		eq(idempotencyKeys.key, key),
		eq(idempotencyKeys.status, PENDING),
		eq(idempotencyKeys.createdAt, new Date(claimedAt)),
	);
}
