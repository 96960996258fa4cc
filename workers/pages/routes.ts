/** People-facing pages and the email opt-out channel: preference centre, unsubscribe, suppressions. */
import type { RouteTable } from "../http/route-table";

export const PAGE_ROUTES: RouteTable = [];
