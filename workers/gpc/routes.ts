/** Global Privacy Control's public routes. */
import type { RouteTable } from "../http/route-table";
import { gpcJson } from "./gpc-json";

export const GPC_ROUTES: RouteTable = [["/.well-known/gpc.json", { GET: gpcJson }]];
