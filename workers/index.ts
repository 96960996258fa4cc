/**
 * consent-edge: the Worker's entry. Wires each capability's routes, CORS and the one error handler.
 */
import { env as deployedEnv } from "cloudflare:workers";
import type { IRequest } from "itty-router";
import { Router } from "itty-router/Router";
import { judgeFirstRequest, settingsAtStartUp, settingsFor } from "./config/settings";
import { CONSENT_ROUTES } from "./consent/routes";
import { refuseUnknownDebugState } from "./gpc/jurisdiction";
import { GPC_ROUTES } from "./gpc/routes";
import { guardRequest } from "./guard/guard-request";
import { GUARD_ROUTES } from "./guard/routes";
import { HEALTH_ROUTES } from "./health/routes";
import { corsPreflight, withCors } from "./http/cors";
import { handleError } from "./http/error-handler";
import { HttpError } from "./http/http-error";
import { isOwnedPath } from "./http/owned-paths";
import { rateLimit } from "./http/rate-limit";
import { requestMethod, requestUrl } from "./http/request-inputs";
import { pathnameOf } from "./http/request-path";
import { errorResponse } from "./http/responses";
import type { RouteHandler, RouteTable } from "./http/route-table";
import { PAGE_ROUTES } from "./pages/routes";
import { consumeDeadLetters, DEAD_LETTER_QUEUE } from "./queue/dead-letters";
import { consumeDeferredWrites, type DeferredWrite } from "./queue/deferred-writes";
import { runCronJob } from "./scheduled/cron-jobs";
import { SDK_ROUTES } from "./sdk/routes";

// Parsed as the script loads, so a missing secret or an unusable var is logged at start-up, once.
settingsAtStartUp(deployedEnv);

const ROUTES: RouteTable = [
	...CONSENT_ROUTES,
	...GPC_ROUTES,
	...SDK_ROUTES,
	...PAGE_ROUTES,
	...GUARD_ROUTES,
	...HEALTH_ROUTES,
];

// A Map, not an object: no method name can reach an inherited property (`constructor`, `toString`).
type MethodHandlers = ReadonlyMap<string, RouteHandler>;

/**
 * Routes without parameters are found by one Map lookup on the exact path: the hot lookups
 * (/v1/consent, /v1/check) should not pay for a regex per route. Routes with `:params` go to itty.
 */
const EXACT_ROUTES = new Map<string, { handlers: MethodHandlers; allow: string }>();
const patternRouter = Router<IRequest, [Env, ExecutionContext]>();
// itty's router is a Proxy: `router.GET(path, handler)` registers a route for that method.
const on = patternRouter as unknown as Record<string, (path: string, handler: RouteHandler) => void>;

for (const [path, handlers] of ROUTES) {
	const methods: Record<string, RouteHandler | undefined> = { ...handlers };
	if (handlers.GET) methods.HEAD = handlers.GET;
	const allow = [...Object.keys(methods), "OPTIONS"].join(", ");
	// A plain OPTIONS (a CORS preflight is answered before routing) learns what the route takes (RFC 9110 9.3.7).
	methods.OPTIONS = () => new Response(null, { status: 204, headers: { Allow: allow } });
	if (!path.includes(":")) {
		const handlersByMethod = new Map<string, RouteHandler>();
		for (const [method, handler] of Object.entries(methods))
			if (handler) handlersByMethod.set(method, handler);
		EXACT_ROUTES.set(path, { handlers: handlersByMethod, allow });
		continue;
	}
	for (const [method, handler] of Object.entries(methods)) if (handler) on[method]?.(path, handler);
	patternRouter.all(path, () => {
		throw methodNotAllowed(allow);
	});
}
patternRouter.all("*", () => {
	throw new HttpError(404, "not_found", "No such endpoint.");
});

function methodNotAllowed(allow: string): HttpError {
	return new HttpError(405, "method_not_allowed", "This method is not allowed here.", { Allow: allow });
}

/**
 * A request for one of the worker's own paths (the only ones CORS and the limits apply to): preflight,
 * limits, then its route. Synchronous as far as it can be: an answer made without I/O (a repeat
 * visitor's steady lookup) is returned as it is, with no promise and no await on its way.
 */
function ownRequest(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
	path: string,
): Response | Promise<Response> {
	const preflight = corsPreflight(request, env, path);
	if (preflight) return preflight;
	const limiting = rateLimit(request, env, path);
	if (limiting) return limiting.then(() => route(request, env, ctx, path));
	return route(request, env, ctx, path);
}

function route(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
	path: string,
): Response | Promise<Response> {
	// itty's patterns accept trailing slashes (`/v1/consent/`); so do exact routes.
	const exact = EXACT_ROUTES.get(path) ?? EXACT_ROUTES.get(path.replace(/\/+$/, ""));
	if (!exact) return patternRouter.fetch(request, env, ctx);
	const handler = exact.handlers.get(requestMethod(request));
	if (!handler) throw methodNotAllowed(exact.allow);
	return handler(request as IRequest, env, ctx);
}

function handleFetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
	const url = requestUrl(request);
	judgeFirstRequest(env, url);
	const path = pathnameOf(url);
	if (settingsFor(env).debugGeo) {
		// Checked up front: the jurisdiction is read lazily, in places (the guard) that cannot refuse.
		try {
			refuseUnknownDebugState(request);
		} catch (err) {
			return handleError(err, request);
		}
	}
	if (!isOwnedPath(path)) {
		// With ORIGIN set, every path the worker does not own goes to the guard, untouched by the
		// API's CORS and limits.
		if (!settingsFor(env).origin) return errorResponse(new HttpError(404, "not_found", "No such endpoint."));
		return answered(request, () => guardRequest(request, env, ctx));
	}
	const response = answered(request, () => ownRequest(request, env, ctx, path));
	if (response instanceof Response) return withCors(response, request, env, path);
	return response.then((answer) => withCors(answer, request, env, path));
}

/**
 * `answer()`'s Response, or handleError's for whatever it throws or rejects with. Synchronous when
 * `answer()` is: an answer made without I/O reaches the runtime with no promise on its way.
 */
function answered(
	request: Request,
	answer: () => Response | Promise<Response>,
): Response | Promise<Response> {
	let response: Response | Promise<Response>;
	try {
		response = answer();
	} catch (err) {
		return handleError(err, request);
	}
	if (response instanceof Response) return response;
	return response.catch((err: unknown) => handleError(err, request));
}

export default {
	fetch: handleFetch,
	// Both queues are consumed here (wrangler.toml [[queues.consumers]]); the batch names its queue.
	queue: (batch, env) =>
		batch.queue === DEAD_LETTER_QUEUE ? consumeDeadLetters(batch, env) : consumeDeferredWrites(batch, env),
	scheduled: (controller, env) => runCronJob(controller.cron, env),
} satisfies ExportedHandler<Env, DeferredWrite>;
