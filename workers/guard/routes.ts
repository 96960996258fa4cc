/** Guard mode's own routes under /v1/ (the worker owns that prefix in front of a site too). */
import type { RouteTable } from "../http/route-table";
import { RUNTIME_PATH } from "./guard-runtime";
import { serveGuardRuntime } from "./serve-runtime";

export const GUARD_ROUTES: RouteTable = [[RUNTIME_PATH, { GET: serveGuardRuntime }]];
