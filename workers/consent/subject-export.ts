/**
 * Every stored datum about a subject, as one JSON document: what the keyed export
 * (GET /v1/subjects/{subject}/export) answers and a visitor's own download from the preference centre
 * (GET /preferences/export) hands over.
 */
import { linkedAddressHashes, suppressionsForExport } from "../email/subject-suppressions";
import { HttpError, storageUnavailable } from "../http/http-error";
import { ConsentRepository } from "../storage/consent-repository";
import { subjectDigest } from "./subject-digest";
import { pendingWritesForExport } from "./subject-parked-writes";

/** A storage failure is a 503, never a 5xx naming SQL; typed errors pass as they are. */
export async function guardedStorage<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (err) {
		if (err instanceof HttpError) throw err;
		console.error("subject endpoint storage failure", err);
		throw storageUnavailable();
	}
}

/** A file a person can be handed and save: the name holds only characters every file system takes. */
export function exportFilename(subject: string): string {
	return `consent-export-${subject.replace(/[^A-Za-z0-9._-]/g, "_")}.json`;
}

type StoredData = Awaited<ReturnType<ConsentRepository["exportSubject"]>>;
type Suppressions = Awaited<ReturnType<typeof suppressionsForExport>>;
type PendingWrites = Awaited<ReturnType<typeof pendingWritesForExport>>;

/** What a subject nothing is stored for has: its export reads nothing (see emptyExport). */
const NOTHING_STORED: StoredData = { state: null, records: [], answers: [], erasures: [] };

/** The export document, read with `repo` (a session at the primary: see the keyed route). */
export async function subjectExport(env: Env, repo: ConsentRepository, subject: string) {
	const digest = await subjectDigest(env, subject);
	const data = await guardedStorage(() => repo.exportSubject(subject, digest));
	const hashes = await guardedStorage(() => linkedAddressHashes(env.DB, data.state?.emailHash ?? null));
	const suppressions = await guardedStorage(() => suppressionsForExport(env.DB, hashes));
	const pendingWrites = await guardedStorage(() => pendingWritesForExport(env.CONSENT_KV, subject, hashes));
	return exportDocument(subject, data, suppressions, pendingWrites);
}

/** The export of a subject nothing is stored for (a visitor id never issued): nothing to read. */
export function emptyExport(subject: string) {
	return exportDocument(subject, NOTHING_STORED, [], []);
}

function exportDocument(
	subject: string,
	data: StoredData,
	suppressions: Suppressions,
	pendingWrites: PendingWrites,
) {
	const state = data.state;
	return {
		subject,
		exportedAt: new Date().toISOString(),
		state: state
			? {
					version: state.version,
					purposes: state.purposes,
					sources: state.sources,
					policyVersion: state.policyVersion,
					emailLinked: state.emailHash !== null,
					createdAt: state.createdAt.toISOString(),
					updatedAt: state.updatedAt.toISOString(),
				}
			: null,
		records: data.records,
		// Answers kept for Idempotency-Key replays (24 h): each is the response body sent then.
		idempotentAnswers: data.answers.map((a) => ({
			createdAt: a.createdAt.toISOString(),
			status: a.status,
			body: a.body,
		})),
		// Suppressions of the linked address; erasure keeps them (they are the proof of the opt-out).
		suppressions,
		// Tombstones of earlier erasures, kept under a keyed digest of the subject: data about it too.
		erasures: data.erasures.map((e) => ({
			erasedAt: e.erasedAt.toISOString(),
			optedOut: e.optedOut,
			recordCount: e.recordCount,
		})),
		// Writes D1 refused through every retry, parked in KV until the hourly cron makes them.
		pendingWrites,
	};
}

/** The export read at the primary: a person's copy holds every write made before they asked, whoever made it. */
export function primaryRepository(env: Env, subject: string): ConsentRepository {
	return ConsentRepository.forSubject(env, subject, "write");
}
