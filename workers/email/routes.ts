/** The email opt-out channel's routes: one-click unsubscribe and the sender API. */
import type { RouteTable } from "../http/route-table";
import { oneClickUnsubscribe } from "./one-click-unsubscribe";
import { addSuppression } from "./suppression-add";
import { checkSuppressions } from "./suppression-check";
import { lookupSuppression } from "./suppression-lookup";
import { createUnsubscribeLink } from "./unsubscribe-links";
import { unsubscribePage } from "./unsubscribe-page";

export const EMAIL_ROUTES: RouteTable = [
	["/v1/unsubscribe-links", { POST: createUnsubscribeLink }],
	["/v1/suppressions", { GET: lookupSuppression, POST: addSuppression }],
	["/v1/suppressions/check", { POST: checkSuppressions }],
	["/unsubscribe", { GET: unsubscribePage, POST: oneClickUnsubscribe }],
];
