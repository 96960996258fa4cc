/**
 * consent-edge: the Worker's entry. Wires routes, CORS and the one error handler; every route lives
 * in its capability's folder.
 */
import { type IRequest, Router } from "itty-router";
import { checkPurpose } from "./consent/routes/check";
import { getConsent } from "./consent/routes/get-consent";
import { optOut } from "./consent/routes/opt-out";
import { putConsent } from "./consent/routes/put-consent";
import { eraseSubject, exportSubject, listRecords } from "./consent/routes/subject-routes";
import { gpcJson } from "./gpc/gpc-json";
import { corsPreflight, withCors } from "./http/cors";
import { handleError } from "./http/error-handler";
import { HttpError } from "./http/http-error";
import { errorResponse } from "./http/responses";

type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
type Method = "GET" | "PUT" | "POST" | "DELETE";

const ROUTES: [path: string, handlers: Partial<Record<Method, Handler>>][] = [
	["/v1/consent", { GET: getConsent, PUT: putConsent }],
	["/v1/opt-out", { POST: optOut }],
	["/v1/check", { GET: checkPurpose }],
	["/v1/subjects/:subject/records", { GET: listRecords }],
	["/v1/subjects/:subject/export", { GET: exportSubject }],
	["/v1/subjects/:subject", { DELETE: eraseSubject }],
	["/.well-known/gpc.json", { GET: gpcJson }],
];

const router = Router<IRequest, [Env, ExecutionContext]>({
	before: [(request, env) => corsPreflight(request, env)],
	catch: (err, request) => handleError(err, request),
	finally: [(response: Response, request, env) => withCors(response, request, env)],
});

// itty's router is a Proxy: `router.GET(path, handler)` registers a route for that method.
const on = router as unknown as Record<string, (path: string, handler: Handler) => void>;

for (const [path, handlers] of ROUTES) {
	const allow = Object.keys(handlers);
	if (handlers.GET) allow.push("HEAD");
	for (const [method, handler] of Object.entries(handlers)) {
		on[method]?.(path, handler);
		if (method === "GET") on.HEAD?.(path, handler);
	}
	const allowHeader = [...allow, "OPTIONS"].join(", ");
	router.all(path, () => {
		throw new HttpError(405, "method_not_allowed", "This method is not allowed here.", {
			Allow: allowHeader,
		});
	});
}

router.all("*", () => errorResponse(new HttpError(404, "not_found", "No such endpoint.")));

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
