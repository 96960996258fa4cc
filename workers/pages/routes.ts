/** People-facing pages and the email opt-out channel: preference centre, unsubscribe, suppressions. */
import { EMAIL_ROUTES } from "../email/routes";
import type { RouteTable } from "../http/route-table";
import { eraseConfirmPage, eraseOwnData } from "./erase-own-data";
import { exportOwnData } from "./export-own-data";
import { preferencesPage } from "./preferences-page";
import { savePreferences } from "./save-preferences";

export const PAGE_ROUTES: RouteTable = [
	["/preferences", { GET: preferencesPage, POST: savePreferences }],
	["/preferences/export", { GET: exportOwnData }],
	["/preferences/erase", { GET: eraseConfirmPage, POST: eraseOwnData }],
	...EMAIL_ROUTES,
];
