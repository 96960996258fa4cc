/**
 * POST /v1/suppressions (admin key): the site records an unsubscribe that did not come through a
 * link of ours, `{"email", "list"?, "source"?}`: a `mailto:` List-Unsubscribe, a spam complaint from
 * a feedback loop, a request by phone or in a reply. It is applied as a one-click one is (the
 * suppression, then `email` off for the subjects linked to the address), queued if D1 is down. 201
 * when the address was newly suppressed for the list, 200 when it already was (idempotent), 202 when
 * queued; with an Idempotency-Key, a replay gets the first answer (see idempotent-write). Only
 * adding is offered: a suppression is the proof that someone said no. A sender key may not
 * (CONTRACT.md limits it to links and checks): a sender posts the link's one-click form instead.
 */
import { type RequestContext, requestContext } from "../consent/request-context";
import * as v from "../http/body-schema";
import { badBody } from "../http/http-error";
import { keyedScope } from "../http/idempotency-key";
import { idempotentWrite, requestFingerprint } from "../http/idempotent-write";
import { readBody } from "../http/request-body";
import { jsonResponse } from "../http/responses";
import { ALL_LISTS, SuppressionRepository, type SuppressionSource } from "../storage/suppression-repository";
import { suppressOrQueue } from "./deferred-suppression";
import { emailHashes, normalizeEmail } from "./email-address";
import { emailHashKey } from "./email-hash-key";
import { requireSenderKey } from "./keyed-sender";
import { isValidList, LIST_RULE } from "./mailing-list";
import type { SuppressionRequest } from "./suppress-address";
import { statusBody } from "./suppression-lookup";

/** Where a sender's unsubscribe came from; `api` when it does not say. */
export const SENDER_SOURCES = [
	"api",
	"mailto",
	"complaint",
	"request",
] as const satisfies readonly SuppressionSource[];

const AddBody = v.object({
	email: v.pipe(v.string("email must be a string."), v.maxLength(254, "email is too long.")),
	list: v.optional(v.pipe(v.string("list must be a string."), v.check(isValidList, LIST_RULE)), ALL_LISTS),
	source: v.optional(
		v.picklist(SENDER_SOURCES, `source must be one of ${SENDER_SOURCES.join(", ")}.`),
		"api",
	),
});

export async function addSuppression(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const scope = await requireSenderKey(request, env, ["admin"]);
	const rc = requestContext(request, env, ctx);
	const body = await readBody(request, ["json"]);
	const { email, list, source } = v.parseBody(AddBody, body.value);
	const normalized = normalizeEmail(email);
	if (!normalized) throw badBody("email: not a valid address.");
	const fingerprint = requestFingerprint("POST", "/v1/suppressions", body.raw);
	return idempotentWrite(request, env, { scope: keyedScope(scope), fingerprint }, () =>
		suppress(env, rc, email, normalized, list, source),
	);
}

async function suppress(
	env: Env,
	rc: RequestContext,
	email: string,
	normalized: string,
	list: string,
	source: SuppressionSource,
): Promise<Response> {
	const [emailHash = "", ...legacyHashes] = await emailHashes(email, normalized, await emailHashKey(env));
	const suppression: SuppressionRequest = {
		// No token: the admin key vouches for it. It never expires.
		claim: { emailHash, legacyHashes, list, expiresAt: Number.MAX_SAFE_INTEGER },
		source,
		jurisdiction: rc.jurisdiction,
		gpc: false,
		now: rc.now,
	};
	const outcome = await suppressOrQueue(env, suppression);
	if (outcome === "queued") return jsonResponse({ list, suppressed: true, queued: true }, { status: 202 });
	// Since when this list's mail (every list's, for `*`) has been stopped: for `*`, not since the
	// address's first suppression of some other list, which `status` would give.
	const status = await SuppressionRepository.open(env.DB)
		.coveredStatus([emailHash, ...legacyHashes], list)
		.catch(() => null);
	return jsonResponse(
		{ list, ...statusBody(status), added: outcome.added, subjectsUpdated: outcome.subjectsUpdated },
		{ status: outcome.added ? 201 : 200 },
	);
}
