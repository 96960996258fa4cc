/** PUT /v1/consent: merge the named purposes into the stored choices (visitor or keyed). */

import { hashEmail, normalizeEmail } from "../../email/email-address";
import { HttpError } from "../../http/http-error";
import { assertWriteOrigin } from "../../http/origin-check";
import { readBody } from "../../http/request-body";
import { identifyCaller, keyedSubject, requireScope } from "../caller";
import { parsePutBody } from "../consent-body";
import { requestContext } from "../request-context";
import { writeChoices } from "../write-choices";

export async function putConsent(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const caller = await identifyCaller(request, env);
	if (caller.kind === "keyed") requireScope(caller, ["admin"]);
	else assertWriteOrigin(request, rc.settings);
	const body = await readBody(request, ["json"]);
	const input = parsePutBody(body.value);
	const subject = caller.kind === "keyed" ? keyedSubject(input.subject, "body") : caller.subject;
	let emailHash: string | undefined;
	if (input.email !== undefined) {
		if (caller.kind !== "keyed")
			throw new HttpError(400, "invalid_body", "email: only keyed calls may link an address.");
		const normalized = normalizeEmail(input.email);
		if (!normalized) throw new HttpError(400, "invalid_body", "email: not a valid address.");
		emailHash = await hashEmail(normalized, env.EMAIL_HASH_KEY);
	}
	return writeChoices(rc, caller, subject, {
		changes: input.purposes,
		source: caller.kind === "keyed" ? "api" : "ui",
		policyVersion: input.policyVersion,
		emailHash,
		rawBody: body.raw,
	});
}
