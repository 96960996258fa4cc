/** The callers of the email API: an admin or sender key. Visitors and missing keys are 401. */
import { identifyCaller, requireScope } from "../consent/caller";
import { unauthorized } from "../http/http-error";

export async function requireSenderKey(request: Request, env: Env): Promise<void> {
	if (!request.headers.has("Authorization")) throw unauthorized();
	const caller = await identifyCaller(request, env);
	requireScope(caller, ["admin", "sender"]);
}
