/**
 * POST /v1/suppressions/check: up to 1000 addresses at once, `{"emails": [...], "list": "news"}`,
 * answered per address in input order. Invalid addresses get `"error": "invalid_email"` rather
 * than failing the batch. The body limit is raised for this read-only call (1000 long addresses
 * exceed the 16 KiB write limit).
 */
import * as v from "../http/body-schema";
import { readBody } from "../http/request-body";
import { jsonResponse } from "../http/responses";
import {
	ALL_LISTS,
	earliestStatus,
	SuppressionRepository,
	type SuppressionStatus,
} from "../storage/suppression-repository";
import { emailHashes, normalizeEmail } from "./email-address";
import { emailHashKey } from "./email-hash-key";
import { requireSenderKey } from "./keyed-sender";
import { isValidList, LIST_RULE } from "./mailing-list";
import { statusBody } from "./suppression-lookup";

export const MAX_CHECK_ADDRESSES = 1000;
const MAX_CHECK_BODY_BYTES = 320 * 1024;

const CheckBody = v.object({
	emails: v.pipe(
		v.array(v.string("emails must hold strings."), "emails must be an array of addresses."),
		v.minLength(1, "emails must not be empty."),
		v.maxLength(MAX_CHECK_ADDRESSES, `emails may hold at most ${MAX_CHECK_ADDRESSES} addresses.`),
	),
	list: v.optional(v.pipe(v.string("list must be a string."), v.check(isValidList, LIST_RULE)), ALL_LISTS),
});

export async function checkSuppressions(request: Request, env: Env): Promise<Response> {
	await requireSenderKey(request, env);
	const body = await readBody(request, ["json"], MAX_CHECK_BODY_BYTES);
	const { emails, list } = v.parseBody(CheckBody, body.value);
	const key = await emailHashKey(env);
	const hashes = await Promise.all(
		emails.map(async (email) => {
			const normalized = email.length <= 254 ? normalizeEmail(email) : null;
			return normalized ? emailHashes(email, normalized, key) : null;
		}),
	);
	// An address's hashes are its own plus, for a Greek one, those of its older normalisation.
	const valid = hashes.flatMap((h) => h ?? []);
	let statuses: SuppressionStatus[] | null;
	try {
		statuses = await SuppressionRepository.open(env.DB).statuses(valid, list);
	} catch (err) {
		console.error("suppression check failed; answering suppressed", err);
		statuses = null;
	}
	let next = 0;
	const results = emails.map((email, i) => {
		if (hashes[i] === null) return { email, suppressed: false, error: "invalid_email" };
		const start = next;
		next += hashes[i]?.length ?? 0;
		const status = statuses ? earliestStatus(statuses.slice(start, next)) : null;
		return { email, ...statusBody(status) };
	});
	return jsonResponse({ list, results });
}
