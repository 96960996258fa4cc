/**
 * Reading suppression-list exports (Mailchimp, SendGrid, Mailgun, Postmark, Amazon SES, Brevo,
 * Klaviyo and the like): find the address column by its header (`email`, `Email Address`,
 * `address`, ...), optional list and date columns, and turn each row into a normalised address,
 * a list and a time, or a reason to reject it. Pure, shared by the import CLI and its tests.
 */
import { ALL_LISTS } from "../storage/suppression-repository";
import { normalizeEmail } from "./email-address";
import { isValidList } from "./mailing-list";

export interface SuppressionColumns {
	readonly email: number;
	readonly list: number | null;
	readonly date: number | null;
	/** The first row was data, not a header (no known header, but an address in it). */
	readonly headerless: boolean;
}

export type ParsedSuppression =
	| {
			readonly ok: true;
			readonly email: string;
			readonly list: string;
			readonly createdAt: number;
			readonly dateUnderstood: boolean;
	  }
	| { readonly ok: false; readonly reason: string };

// Header names after lower-casing and dropping everything but letters and digits, most specific first.
const EMAIL_HEADERS = [
	"email",
	"emailaddress",
	"mail",
	"address",
	"recipient",
	"recipientemail",
	"subscriberemail",
	"contactemail",
	"useremail",
	"to",
];
const LIST_HEADERS = [
	"list",
	"listname",
	"listid",
	"mailinglist",
	"audience",
	"audiencename",
	"group",
	"topic",
	"tag",
	"messagestream",
	"stream",
	"category",
];
const DATE_HEADERS = [
	"unsubtime",
	"unsubscribedat",
	"unsubscribetime",
	"unsubscribedate",
	"optouttime",
	"optoutdate",
	"suppressedat",
	"createdat",
	"created",
	"date",
	"dateadded",
	"addedat",
	"timestamp",
	"time",
	"lastupdatetime",
	"updatedat",
	"bouncedat",
];

const EARLIEST = Date.UTC(1995, 0, 1);
const DAY_MS = 86_400_000;

function headerKey(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function findHeader(keys: readonly string[], candidates: readonly string[]): number | null {
	for (const candidate of candidates) {
		const i = keys.indexOf(candidate);
		if (i >= 0) return i;
	}
	return null;
}

/** The columns to read, from the first row; null when no column holds addresses. */
export function suppressionColumns(firstRow: readonly string[]): SuppressionColumns | null {
	const keys = firstRow.map(headerKey);
	const email = findHeader(keys, EMAIL_HEADERS) ?? keys.findIndex((k) => k.includes("email"));
	if (email >= 0) {
		return {
			email,
			list: findHeader(keys, LIST_HEADERS),
			date: findHeader(keys, DATE_HEADERS),
			headerless: false,
		};
	}
	const addressAt = firstRow.findIndex((field) => normalizeEmail(field) !== null);
	return addressAt >= 0 ? { email: addressAt, list: null, date: null, headerless: true } : null;
}

/**
 * A date as exports write it: ISO 8601 (a zoneless one taken as UTC), RFC 2822 with a month name,
 * or Unix seconds or milliseconds. Null for anything ambiguous (`1/2/2024`) or implausible.
 */
export function parseExportDate(value: string, now: number): number | null {
	const text = value.trim();
	let ms: number;
	if (/^\d{9,10}$/.test(text)) ms = Number(text) * 1000;
	else if (/^\d{12,13}$/.test(text)) ms = Number(text);
	else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) ms = Date.parse(`${text}T00:00:00Z`);
	else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(text))
		ms = Date.parse(`${text.replace(" ", "T")}Z`);
	else if (
		/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$/i.test(text)
	)
		ms = Date.parse(text.replace(" ", "T").replace(/\s*(UTC|GMT)$/i, "Z"));
	else if (/[A-Za-z]{3}/.test(text) && /\d{4}/.test(text)) ms = Date.parse(text);
	else return null;
	return Number.isFinite(ms) && ms >= EARLIEST && ms <= now + DAY_MS ? ms : null;
}

export function parseSuppressionRow(
	fields: readonly string[],
	columns: SuppressionColumns,
	options: { readonly list?: string; readonly now: number },
): ParsedSuppression {
	const raw = fields[columns.email]?.trim() ?? "";
	if (!raw) return { ok: false, reason: "no email address" };
	const email = normalizeEmail(raw);
	if (!email) return { ok: false, reason: "not a valid email address" };
	const listField = columns.list === null ? "" : (fields[columns.list]?.trim() ?? "");
	const list = options.list ?? (listField || ALL_LISTS);
	if (!isValidList(list))
		return { ok: false, reason: `list name not allowed: ${JSON.stringify(list.slice(0, 64))}` };
	const dateField = columns.date === null ? "" : (fields[columns.date] ?? "");
	const parsed = dateField.trim() ? parseExportDate(dateField, options.now) : null;
	return {
		ok: true,
		email,
		list,
		createdAt: parsed ?? options.now,
		dateUnderstood: parsed !== null || !dateField.trim(),
	};
}
