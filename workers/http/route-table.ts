/** A capability's routes: path pattern (itty syntax) → handler per method. Wired in workers/index.ts. */
import type { IRequest } from "itty-router";

export type RouteHandler = (
	request: IRequest,
	env: Env,
	ctx: ExecutionContext,
) => Response | Promise<Response>;
export type RouteMethod = "GET" | "PUT" | "POST" | "DELETE";
export type RouteTable = readonly (readonly [
	path: string,
	handlers: Partial<Record<RouteMethod, RouteHandler>>,
])[];
