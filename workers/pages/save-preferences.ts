/**
 * POST /preferences: the no-JavaScript form post. A purpose's name present means allowed, absent
 * means denied; unknown and hidden fields are ignored. Under GPC the GPC-governed purposes are not
 * written (their boxes are disabled, so absent says nothing). Saves through writeChoices, which
 * answers 303 to /preferences?saved=1; the Origin check is the CSRF defence.
 */
import { NON_ESSENTIAL_PURPOSES, purposeDefinition } from "../config/purposes";
import { requestContext } from "../consent/request-context";
import { SAVED_LOCATION } from "../consent/routes/opt-out";
import { writeChoices } from "../consent/write-choices";
import { assertWriteOrigin } from "../http/origin-check";
import { readBody } from "../http/request-body";
import { pageVisitor } from "./page-visitor";

export async function savePreferences(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	assertWriteOrigin(request, rc.settings);
	const body = await readBody(request, ["form"]);
	const fields = body.value as Record<string, string>;
	const changes: Record<string, boolean> = {};
	for (const name of NON_ESSENTIAL_PURPOSES) {
		if (rc.gpc && purposeDefinition(name)?.gpc) continue;
		changes[name] = Object.hasOwn(fields, name);
	}
	const visitor = await pageVisitor(request);
	return writeChoices(rc, visitor, visitor.subject, {
		changes,
		source: "ui",
		// The visitor chose on the page that shows the current policy.
		policyVersion: rc.settings.policy.policyVersion,
		redirectTo: SAVED_LOCATION,
		rawBody: body.raw,
	});
}
