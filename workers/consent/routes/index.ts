/** The consent API's routes. */
import type { RouteTable } from "../../http/route-table";
import { checkPurpose } from "./check";
import { getConsent } from "./get-consent";
import { optOut } from "./opt-out";
import { putConsent } from "./put-consent";
import { eraseSubject, exportSubject, listRecords } from "./subject-routes";

export const CONSENT_ROUTES: RouteTable = [
	["/v1/consent", { GET: getConsent, PUT: putConsent }],
	["/v1/opt-out", { POST: optOut }],
	["/v1/check", { GET: checkPurpose }],
	["/v1/subjects/:subject/records", { GET: listRecords }],
	["/v1/subjects/:subject/export", { GET: exportSubject }],
	["/v1/subjects/:subject", { DELETE: eraseSubject }],
];
