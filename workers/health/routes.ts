/** The operators' health probe (HEAD comes from GET, as on every route). */
import type { RouteTable } from "../http/route-table";
import { health } from "./health-route";

export const HEALTH_ROUTES: RouteTable = [["/v1/health", { GET: health }]];
