/** The browser SDK's routes. */
import type { RouteTable } from "../http/route-table";
import { serveSdk } from "./serve-sdk";

export const SDK_ROUTES: RouteTable = [["/consent.js", { GET: serveSdk }]];
