/**
 * GET /v1/suppressions?email=E&list=L: whether a sender may mail an address on a list. A global
 * suppression (`*`) covers every list; `list=*` (the default) asks about any list. If storage
 * cannot be read the answer fails closed: suppressed, flagged `degraded`, never a 5xx.
 */
import { badQuery } from "../http/http-error";
import { requestUrl } from "../http/request-inputs";
import { jsonResponse } from "../http/responses";
import { ALL_LISTS, SuppressionRepository, type SuppressionStatus } from "../storage/suppression-repository";
import { emailHashes, normalizeEmail } from "./email-address";
import { emailHashKey } from "./email-hash-key";
import { requireSenderKey } from "./keyed-sender";
import { isValidList, LIST_RULE } from "./mailing-list";

function singleParam(query: URLSearchParams, name: string): string | null {
	const values = query.getAll(name);
	if (values.length > 1) throw badQuery(`Give ${name} at most once.`);
	return values[0] ?? null;
}

/** The JSON shape of a status: `since` only when suppressed. */
export function statusBody(status: SuppressionStatus | null) {
	if (!status) return { suppressed: true, degraded: true };
	return status.since ? { suppressed: true, since: status.since.toISOString() } : { suppressed: false };
}

export async function lookupSuppression(request: Request, env: Env): Promise<Response> {
	await requireSenderKey(request, env);
	const url = new URL(requestUrl(request));
	// A bare `+` inside the address is its own (`a+tag@x`): no unquoted address holds a space. At
	// either end it is a form encoder's space (`URLSearchParams` of " a@x"), trimmed as before.
	const query = url.search.replace(
		/([?&]email=)([^&]*)/g,
		(_, name: string, value: string) => name + value.replace(/^\++|\++$/g, "").replaceAll("+", "%2B"),
	);
	const email = singleParam(new URLSearchParams(query), "email");
	const normalized = email === null ? null : normalizeEmail(email);
	if (!normalized) throw badQuery("email must be one valid address.");
	const list = singleParam(url.searchParams, "list") ?? ALL_LISTS;
	if (!isValidList(list)) throw badQuery(LIST_RULE);
	const hashes = await emailHashes(email ?? "", normalized, await emailHashKey(env));
	const status = await SuppressionRepository.open(env.DB)
		.status(hashes, list)
		.catch((err) => {
			console.error("suppression lookup failed; answering suppressed", err);
			return null;
		});
	return jsonResponse(statusBody(status));
}
