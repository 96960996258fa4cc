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

class Context implements RequestContext {
	readonly settings: Settings;
	readonly now = Date.now();
	readonly gpc: boolean;
	readonly jurisdiction: string;
	readonly secure: boolean;
	#url: URL | undefined;

	constructor(
		readonly request: Request,
		readonly env: Env,
		readonly ctx: ExecutionContext,
	) {
		this.settings = settingsFor(env);
		this.gpc = requestHasGpc(request);
		this.jurisdiction = requestJurisdiction(request, this.settings.debugGeo ? "true" : undefined);
		this.secure = request.url.startsWith("https:");
	}

	/** Parsed on first use: a visitor's cookie lookup never needs it. */
	get url(): URL {
		this.#url ??= new URL(this.request.url);
		return this.#url;
	}
}

export function requestContext(request: Request, env: Env, ctx: ExecutionContext): RequestContext {
	return new Context(request, env, ctx);
}
