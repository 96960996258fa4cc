/** The callers of the email API: an admin or sender key. Visitors and missing keys are 401. */
import { identifyCaller, requireScope } from "../consent/caller";
import { unauthorized } from "../http/http-error";
import { authorizationHeader } from "../http/request-inputs";

export async function requireSenderKey(request: Request, env: Env): Promise<void> {
	if (authorizationHeader(request) === null) throw unauthorized();
	const caller = await identifyCaller(request, env);
	requireScope(caller, ["admin", "sender"]);
}
