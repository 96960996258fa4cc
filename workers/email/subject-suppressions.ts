/**
 * Suppressions for a data subject's export (GET /v1/subjects/{subject}/export): those of the
 * address a keyed PUT /v1/consent linked to the subject. Erasure keeps them on purpose: a
 * suppression holds only a keyed hash of the address and is the proof, and the guarantee, that the
 * person opted out; deleting it would let the address be mailed again.
 */
import { SuppressionRepository } from "../storage/suppression-repository";

export interface ExportedSuppression {
	readonly list: string;
	readonly since: string;
	readonly source: string;
}

/**
 * The linked address's hashes: the one the subject holds, and those recorded with it from before `ς`
 * was folded (the subject may hold either), as the address's own lookups use them.
 */
export async function linkedAddressHashes(db: D1Database, emailHash: string | null): Promise<string[]> {
	return emailHash ? SuppressionRepository.open(db).addressHashes(emailHash) : [];
}

export async function suppressionsForExport(
	db: D1Database,
	hashes: readonly string[],
): Promise<ExportedSuppression[]> {
	if (hashes.length === 0) return [];
	const rows = await SuppressionRepository.open(db).listForAddress(hashes);
	return rows.map((row) => ({ list: row.list, since: row.since.toISOString(), source: row.source }));
}
