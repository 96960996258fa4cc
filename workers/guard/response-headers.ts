/**
 * Header changes for a guarded visitor's page: no Topics or Attribution Reporting, a private cache
 * entry that varies by the inputs of the decision, no strong validator for bytes that changed, and no
 * stale length or digest. Plus the `X-Consent-Guard` label on every response the guard changed.
 */
import { mergeVary } from "../http/vary";

const PERMISSIONS = ["browsing-topics=()", "attribution-reporting=()"];
const OUR_FEATURES = new Set(["browsing-topics", "attribution-reporting"]);

export function isHtml(contentType: string | null): boolean {
	if (contentType === null) return false;
	const mime = mimeType(contentType);
	return mime === "text/html" || mime === XHTML;
}

/** An XHTML page, which browsers parse as XML, with no HTML tree builder. */
export function isXhtml(contentType: string): boolean {
	return mimeType(contentType) === XHTML;
}

const XHTML = "application/xhtml+xml";

/** A Content-Type's type and subtype, lower case, without its parameters. */
function mimeType(contentType: string): string {
	const semicolon = contentType.indexOf(";");
	return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** The members of a comma-separated field, trimmed, empty ones dropped. */
export function members(value: string | null): string[] {
	if (value === null) return [];
	return value
		.split(",")
		.map((member) => member.trim())
		.filter(Boolean);
}

/** A list member's name, lower case, without its `=value`. */
export function directiveName(member: string): string {
	const eq = member.indexOf("=");
	return (eq === -1 ? member : member.slice(0, eq)).trim().toLowerCase();
}

/** The site's policy with our two features set to `()` (theirs replaced, everything else kept). */
export function mergePermissionsPolicy(existing: string | null): string {
	const kept = members(existing).filter((member) => !OUR_FEATURES.has(directiveName(member)));
	return [...kept, ...PERMISSIONS].join(", ");
}

/** `private` instead of any shared-cache permission (`public`, `s-maxage`); other directives kept. */
export function privateCacheControl(existing: string | null): string {
	const kept = members(existing).filter((member) => {
		const name = directiveName(member);
		return name !== "public" && name !== "private" && name !== "s-maxage";
	});
	return ["private", ...kept].join(", ");
}

export { mergeVary };

/**
 * Cache-Control for a CDN alone (RFC 9213 targeted fields, and the older Surrogate-Control): a CDN
 * honouring one obeys it instead of Cache-Control, so the page made private for this visitor would
 * be stored and served to others. Without them it reads the `private` Cache-Control.
 */
const TARGETED_CACHE_FIELDS = ["CDN-Cache-Control", "Cloudflare-CDN-Cache-Control", "Surrogate-Control"];

/** Headers of a guarded page (GET, HEAD, 204 or 304 alike, so they agree with one another). */
export function guardHtmlHeaders(headers: Headers): void {
	headers.set("Permissions-Policy", mergePermissionsPolicy(headers.get("Permissions-Policy")));
	headers.set("Cache-Control", privateCacheControl(headers.get("Cache-Control")));
	for (const name of TARGETED_CACHE_FIELDS) headers.delete(name);
	headers.set("Vary", mergeVary(headers.get("Vary"), ["Cookie", "Sec-GPC"]));
	const etag = headers.get("ETag");
	if (etag !== null && !etag.trimStart().startsWith("W/")) headers.delete("ETag");
	// The rewritten body's length and digest are not the origin's.
	headers.delete("Content-Length");
	headers.delete("Content-Digest");
	headers.delete("Repr-Digest");
	headers.delete("Digest");
	headers.delete("Content-MD5");
}

export interface GuardLabels {
	stripped: boolean;
	blocked: boolean;
	/** A page's body was rewritten (its headers changed with it). */
	rewritten: boolean;
	/** A page's headers were made a guarded page's, with no body rewritten (HEAD, 204, 206, 304, POST). */
	private: boolean;
}

export function noLabels(): GuardLabels {
	return { stripped: false, blocked: false, rewritten: false, private: false };
}

export function hasLabels(labels: GuardLabels): boolean {
	return labels.stripped || labels.blocked || labels.rewritten || labels.private;
}

/** Which labels apply, as a number below LABEL_SETS (stripped 1, blocked 2, rewritten 4, private 8). */
export function labelBits(labels: GuardLabels): number {
	const page = (labels.rewritten ? 4 : 0) | (labels.private ? 8 : 0);
	return (labels.stripped ? 1 : 0) | (labels.blocked ? 2 : 0) | page;
}

export const LABEL_SETS = 16;

/** Every label value, by labelBits: each answer's is one of sixteen, made once. */
const LABEL_VALUES = Array.from({ length: LABEL_SETS }, (_, bits) =>
	["stripped", "blocked", "rewritten", "private"].filter((_, i) => bits & (1 << i)).join(", "),
);

/** The `X-Consent-Guard` value of a set of labels given as labelBits. */
export function labelText(bits: number): string {
	return LABEL_VALUES[bits] as string;
}

/** `X-Consent-Guard: stripped, blocked, rewritten, private` (those that apply, in that order). */
export function labelValue(labels: GuardLabels): string {
	return labelText(labelBits(labels));
}
