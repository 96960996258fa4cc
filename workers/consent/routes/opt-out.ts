/**
 * POST /v1/opt-out: every non-essential purpose off. JSON answers the document; a form post 303s.
 * A keyed call's `subject` and `policyVersion` come from the JSON body or the form's fields.
 */
import { NON_ESSENTIAL_PURPOSES } from "../../config/purposes";
import { bodyKind, type ParsedBody, readBody } from "../../http/request-body";
import { keyedWriteSubject, refuseUnkeyedSubject } from "../caller";
import { parseOptOutBody } from "../consent-body";
import { requestContext } from "../request-context";
import { writeChoices, writingCaller } from "../write-choices";

export const SAVED_LOCATION = "/preferences?saved=1";

export async function optOut(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const caller = await writingCaller(rc);
	// A visitor may post nothing at all: there is nothing to choose. An empty form (a lone button with
	// no name) is still a form post, answered 303.
	const kind = bodyKind(request);
	// An empty body of another type (`text/plain`) is refused as any body of that type is (415).
	const untyped = kind !== null || !request.headers.has("Content-Type");
	const empty =
		untyped && (request.headers.get("Content-Length") === "0" || (!request.body && kind === null));
	const body: ParsedBody = empty
		? { kind: kind === "form" ? "form" : "json", raw: "", value: {} }
		: await readBody(request, ["json", "form"]);
	// A keyed call names its subject (and policy) in JSON or in form fields alike; a visitor's form
	// names nothing (the page's own form carries only its checkboxes and hidden fields).
	const input = body.kind === "json" || caller.kind === "keyed" ? parseOptOutBody(body.value) : {};
	if ("subject" in input) refuseUnkeyedSubject(caller, input.subject);
	const subject = caller.kind === "keyed" ? keyedWriteSubject(rc.url, input.subject) : caller.subject;
	const changes = Object.fromEntries(NON_ESSENTIAL_PURPOSES.map((p) => [p, false]));
	return writeChoices(rc, caller, subject, {
		changes,
		source: caller.kind === "keyed" ? "api" : "ui",
		policyVersion: "policyVersion" in input ? input.policyVersion : undefined,
		redirectTo: body.kind === "form" ? SAVED_LOCATION : undefined,
		rawBody: body.raw,
	});
}
