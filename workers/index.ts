/**
 * consent-edge: the Worker's entry. Wires each capability's routes, CORS and the one error handler.
 */
import { type IRequest, Router } from "itty-router";
import { settingsFor } from "./config/settings";
import { CONSENT_ROUTES } from "./consent/routes";
import { GPC_ROUTES } from "./gpc/routes";
import { guardRequest } from "./guard/guard-request";
import { corsPreflight, withCors } from "./http/cors";
import { handleError } from "./http/error-handler";
import { HttpError } from "./http/http-error";
import { isOwnedPath } from "./http/owned-paths";
import { rateLimit } from "./http/rate-limit";
import { pathnameOf } from "./http/request-path";
import { errorResponse } from "./http/responses";
import type { RouteHandler, RouteTable } from "./http/route-table";
import { PAGE_ROUTES } from "./pages/routes";
import { consumeDeferredWrites, type DeferredWrite } from "./queue/deferred-writes";
import { SDK_ROUTES } from "./sdk/routes";
import { purgeExpired } from "./storage/retention";
import { allConsentDatabases } from "./storage/shards";

const ROUTES: RouteTable = [...CONSENT_ROUTES, ...GPC_ROUTES, ...SDK_ROUTES, ...PAGE_ROUTES];

const router = Router<IRequest, [Env, ExecutionContext]>({
	before: [(request, env) => corsPreflight(request, env), (request, env) => rateLimit(request, env)],
	catch: (err, request) => handleError(err, request),
	finally: [(response: Response, request, env) => withCors(response, request, env)],
});

// itty's router is a Proxy: `router.GET(path, handler)` registers a route for that method.
const on = router as unknown as Record<string, (path: string, handler: RouteHandler) => void>;

for (const [path, handlers] of ROUTES) {
	const methods = Object.keys(handlers);
	for (const [method, handler] of Object.entries(handlers)) {
		on[method]?.(path, handler);
		if (method === "GET") on.HEAD?.(path, handler);
	}
	const allow = [...methods, ...(handlers.GET ? ["HEAD"] : []), "OPTIONS"].join(", ");
	router.all(path, () => {
		throw new HttpError(405, "method_not_allowed", "This method is not allowed here.", { Allow: allow });
	});
}

// With ORIGIN set, every path the worker does not own goes to the guard.
router.all("*", (request, env, ctx) => {
	if (settingsFor(env).origin && !isOwnedPath(pathnameOf(request.url)))
		return guardRequest(request, env, ctx);
	return errorResponse(new HttpError(404, "not_found", "No such endpoint."));
});

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	queue: (batch, env) => consumeDeferredWrites(batch, env),
	// The daily cron (wrangler.toml [triggers]) runs the retention purge.
	scheduled: async (_controller, env) => {
		for (const db of allConsentDatabases(env)) {
			const result = await purgeExpired(db, Date.now(), settingsFor(env).recordRetentionMs);
			console.log("retention purge", result);
		}
	},
} satisfies ExportedHandler<Env, DeferredWrite>;
