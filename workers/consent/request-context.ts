/** What every consent route needs to know about a request, computed once. */
import { type Settings, settingsFor } from "../config/settings";
import { requestHasGpc } from "../gpc/gpc-signal";
import { requestJurisdiction } from "../gpc/jurisdiction";

export interface RequestContext {
	readonly request: Request;
	readonly url: URL;
	readonly env: Env;
	readonly ctx: ExecutionContext;
	readonly settings: Settings;
	readonly now: number;
	readonly gpc: boolean;
	readonly jurisdiction: string;
	readonly secure: boolean;
}

export function requestContext(request: Request, env: Env, ctx: ExecutionContext): RequestContext {
	const settings = settingsFor(env);
	// Parsed on first use: a visitor's cookie lookup never needs it.
	let url: URL | undefined;
	return {
		request,
		get url() {
			url ??= new URL(request.url);
			return url;
		},
		env,
		ctx,
		settings,
		now: Date.now(),
		gpc: requestHasGpc(request),
		jurisdiction: requestJurisdiction(request, settings.debugGeo ? "true" : undefined),
		secure: request.url.startsWith("https:"),
	};
}
