/** The callers of the email API: an admin or sender key (writes: admin). Visitors and missing keys are 401. */
import { identifyCaller, type KeyScope, requireScope } from "../consent/caller";
import { unauthorized } from "../http/http-error";
import { authorizationHeader } from "../http/request-inputs";

/**
 * A key of one of `scopes`, whose scope is returned. Writing a suppression takes the admin key
 * alone: CONTRACT.md limits SENDER_API_KEY to unsubscribe links and suppression checks (a sender
 * records an unsubscribe by posting the link's one-click form).
 */
export async function requireSenderKey(
	request: Request,
	env: Env,
	scopes: readonly KeyScope[] = ["admin", "sender"],
): Promise<KeyScope> {
	if (authorizationHeader(request) === null) throw unauthorized();
	const caller = await identifyCaller(request, env);
	requireScope(caller, scopes);
	// A call with an Authorization header is keyed (or already refused above).
	if (caller.kind !== "keyed") throw unauthorized();
	return caller.scope;
}
