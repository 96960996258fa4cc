/** The browser SDK's routes. */
import type { RouteTable } from "../http/route-table";

export const SDK_ROUTES: RouteTable = [];
