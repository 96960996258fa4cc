/**
 * Erases a subject (GDPR Art. 17): D1's state, records and kept answers go behind a tombstone, the KV
 * entry and the subject's parked consent changes too. What the keyed DELETE /v1/subjects/{subject}
 * and a visitor's own erasure from the preference centre (POST /preferences/erase) both do.
 */
import { keepEmailOptOut } from "../email/erasure-suppression";
import { ConsentRepository } from "../storage/consent-repository";
import { dropCachedState, dropLateCachedState } from "../storage/state-cache";
import { retryCacheDrop } from "./erased-cache-drop";
import { subjectDigest } from "./subject-digest";
import { guardedStorage } from "./subject-export";
import { dropParkedChanges } from "./subject-parked-writes";

/** Erases `subject`; the repository it wrote with, for its bookmark. A D1 failure is a 503. */
export async function eraseStoredSubject(
	env: Env,
	ctx: ExecutionContext,
	subject: string,
): Promise<ConsentRepository> {
	const digest = await subjectDigest(env, subject);
	const repo = ConsentRepository.forSubject(env, subject, "write");
	const now = Date.now();
	await guardedStorage(async () => {
		// Before the link to the address goes with the rest: an email opt-out must outlive the erasure.
		await keepEmailOptOut(env, repo, subject, now);
		await repo.erase(subject, digest, now);
	});
	// The cache must not keep serving erased choices: drop it before answering, and once more when a
	// write committed just before the erasure can no longer put its entry. A delete KV refuses is
	// retried until it takes it (the entry would outlive the erasure by up to 7 days); D1 holds the
	// erasure, so the erasure still succeeds.
	const retryLater = (err: unknown) => {
		console.warn("kv delete failed; retrying it later", err);
		return retryCacheDrop(env, subject, now);
	};
	await dropCachedState(env.CONSENT_KV, subject).catch(retryLater);
	ctx.waitUntil(dropLateCachedState(env.CONSENT_KV, subject).catch(retryLater));
	// Only once the tombstone is in: should the erasure fail, they are still to be written. The
	// tombstone alone makes the cron drop them, so a failure here is logged and left to it.
	await dropParkedChanges(env.CONSENT_KV, subject).catch((err) =>
		console.error("deleting the subject's parked writes failed; the cron drops them", err),
	);
	return repo;
}
