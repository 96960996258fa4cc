/** What every consent route needs to know about a request, computed once. */
import { type Settings, settingsFor } from "../config/settings";
import { requestHasGpc } from "../gpc/gpc-signal";
import { requestJurisdiction, statedJurisdiction } from "../gpc/jurisdiction";
import { pageGpcQueryAlone, pageReportsGpc } from "../gpc/page-gpc";
import { assertWriteOrigin } from "../http/origin-check";
import { requestUrl } from "../http/request-inputs";
import { hasQuery } from "../http/request-path";

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
	/** The request's Sec-GPC; a visitor's page may add its own signal (takePageGpc), never remove one. */
	gpc: boolean;
	readonly secure: boolean;
	#url: URL | undefined;
	#jurisdiction: string | undefined;

	constructor(
		readonly request: Request,
		readonly env: Env,
		readonly ctx: ExecutionContext,
	) {
		this.settings = settingsFor(env);
		this.gpc = requestHasGpc(request);
		this.secure = requestUrl(request).startsWith("https:");
	}

	/** Parsed on first use: a visitor's cookie lookup never needs it. */
	get url(): URL {
		this.#url ??= new URL(requestUrl(this.request));
		return this.#url;
	}

	/**
	 * Read on first use: `request.cf` costs the runtime a JSON parse and a deep freeze, and many
	 * answers (a GPC check, a guarded visitor's beacon) do not depend on where the visitor is.
	 */
	get jurisdiction(): string {
		this.#jurisdiction ??= requestJurisdiction(
			this.request,
			this.settings.debugGeo ? "true" : undefined,
			this.now,
		);
		return this.#jurisdiction;
	}

	locate(jurisdiction: string): void {
		this.#jurisdiction = jurisdiction;
	}
}

/**
 * The last context made, kept (one slot) so that a context's shape always has an instance alive:
 * optimized code holds the maps of the objects it handled weakly, and a full collection that found no
 * context alive dropped those maps and with them the code of the lookup's functions that had inlined
 * its making (V8's --trace-deopt: "embedded weak objects cleared", then compiled again).
 */
let lastContext: Context | null = null;

export function requestContext(request: Request, env: Env, ctx: ExecutionContext): RequestContext {
	lastContext = new Context(request, env, ctx);
	return lastContext;
}

/**
 * A keyed call (its key checked) is decided where its `?jurisdiction=` says the person is, when
 * given: otherwise a backend's lookup would get its data centre's defaults and GPP, not the person's.
 */
export function locateKeyedCall(rc: RequestContext): void {
	const stated = statedJurisdiction(rc.url);
	if (stated !== null && rc instanceof Context) rc.locate(stated);
}

/**
 * A visitor request whose page reports GPC (`?gpc=1`, gpc/page-gpc.ts) carries the signal as if it
 * had sent `Sec-GPC: 1`: the same decision, cookie and persisted opt-out. It can only add the signal,
 * and only for the visitor's own cookie: keyed calls never call this (a backend forwards the person's
 * header). The signal writes (an opt-out record), so it is taken only from an origin allowed to write
 * with the visitor's cookie (403 otherwise): a cross-site page cannot opt a visitor out.
 */
export function takePageGpc(rc: RequestContext): void {
	if (!(rc instanceof Context)) return;
	const url = requestUrl(rc.request);
	if (!hasQuery(url) || !(pageGpcQueryAlone(url) || pageReportsGpc(rc.url))) return;
	// A lookup carrying it is refused too: a message about writes would not say why.
	assertWriteOrigin(
		rc.request,
		rc.settings,
		"A page's GPC signal (?gpc=1) is only accepted from allowed origins.",
	);
	rc.gpc = true;
}
