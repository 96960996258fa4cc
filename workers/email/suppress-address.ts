/**
 * Applying an unsubscribe: the suppression row first (that alone stops the mail), then a consent
 * record turning `email` off, source `email`, for every subject a keyed PUT /v1/consent linked to
 * the address, on whichever shard holds it. Every step is idempotent, so a queued retry after a
 * failure completes only what is missing.
 */
import { settingsFor } from "../config/settings";
import { ConsentRepository } from "../storage/consent-repository";
import { allConsentDatabases } from "../storage/shards";
import { writeCachedState } from "../storage/state-cache";
import { SuppressionRepository, type SuppressionSource } from "../storage/suppression-repository";
import type { UnsubscribeClaim } from "./unsubscribe-token";

export const EMAIL_PURPOSE = "email";
/**
 * Linked subjects one run updates, bounding its queries (D1 allows 1000 per invocation, each
 * subject takes two and a KV put); an address with more gets the rest in further runs (`more`).
 */
export const MAX_LINKED_SUBJECTS = 100;

/** Everything needed to apply an unsubscribe, JSON-safe so it can wait on the queue. */
export interface SuppressionRequest {
	readonly claim: UnsubscribeClaim;
	readonly source: SuppressionSource;
	readonly jurisdiction: string;
	readonly gpc: boolean;
	readonly now: number;
}

export interface SuppressionOutcome {
	/** False when the address was already suppressed for the list. */
	readonly added: boolean;
	/** Subjects whose `email` consent this turned off. */
	readonly subjectsUpdated: number;
	/** Linked subjects with `email` still on remain past this run's bound: run it again (the queue does). */
	readonly more: boolean;
}

/** Up to `limit` linked subjects whose `email` is not off yet, and whether there are more. */
async function linkedSubjects(
	env: Env,
	hashes: readonly string[],
	limit: number,
): Promise<{ subjects: string[]; more: boolean }> {
	const perShard = await Promise.all(
		allConsentDatabases(env).flatMap((db) =>
			hashes.map((hash) =>
				ConsentRepository.open(db, "write").subjectsLinkedAllowing(hash, EMAIL_PURPOSE, limit + 1),
			),
		),
	);
	const all = perShard.flat();
	return { subjects: all.slice(0, limit), more: all.length > limit };
}

/**
 * Throws on a storage failure; the caller queues the request or answers 503. At most `maxLinked`
 * linked subjects are updated (`more` says some remain).
 */
export async function suppressAddress(
	env: Env,
	request: SuppressionRequest,
	maxLinked = MAX_LINKED_SUBJECTS,
): Promise<SuppressionOutcome> {
	const { claim } = request;
	const added = await SuppressionRepository.open(env.DB).suppress(
		claim.emailHash,
		claim.list,
		request.source,
		request.now,
		claim.legacyHashes,
	);
	let subjectsUpdated = 0;
	const linked = await linkedSubjects(
		env,
		[claim.emailHash, ...(claim.legacyHashes ?? [])],
		Math.max(0, maxLinked),
	);
	for (const subject of linked.subjects) {
		const result = await ConsentRepository.forSubject(env, subject, "write").append(subject, {
			changes: { [EMAIL_PURPOSE]: false },
			source: "email",
			jurisdiction: request.jurisdiction,
			gpc: request.gpc,
			now: request.now,
			lapseBefore: request.now - settingsFor(env).policy.lifetimeMs,
		});
		if (result.kind === "written" && result.record) {
			subjectsUpdated++;
			// D1 holds the truth; a failed cache write is only logged (the next read refills it).
			await writeCachedState(env.CONSENT_KV, subject, result.state).catch((err) =>
				console.warn("kv write after unsubscribe failed", err),
			);
		}
	}
	return { added, subjectsUpdated, more: linked.more };
}
