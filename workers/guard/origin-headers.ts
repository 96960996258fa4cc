/**
 * ORIGIN's own address in the answer's header fields, made the visitor's, as a reverse proxy does
 * (nginx's proxy_redirect and proxy_cookie_domain, Apache's ProxyPassReverse): the URL of a
 * `Location`, `Content-Location`, `Refresh` or `Link` naming ORIGIN (origin-location.ts), the
 * reporting endpoints a page names (a CSP's `report-uri`, `Reporting-Endpoints`, `Report-To`), and
 * the `Set-Cookie` lines scoped to it (origin-cookies.ts). Relayed as written, a redirect or a refresh
 * sent the browser past the guard to an address visitors cannot or must not use, reports went there
 * too (telling every visitor where the origin is), and a cookie scoped to ORIGIN's host was refused.
 * This is the proxy's plumbing, not the origin's content: every visitor gets it, guarded or not, and
 * any other URL or byte is relayed as it is.
 */
import { publicSetCookie } from "./origin-cookies";
import { publicLocation } from "./origin-location";
import { refreshUrlSpan } from "./refresh-url";

/** The visitor's side of the proxy: the request's own origin and host name. */
export interface VisitorSite {
	readonly origin: string;
	readonly hostname: string;
}

/** A field's new lines (`Set-Cookie` keeps one line per cookie). */
export type ReplacedField = readonly [name: string, lines: readonly string[]];

/** `value` with the URL at [start, end) made the visitor's, or null when it does not name ORIGIN. */
function withPublicUrl(
	value: string,
	start: number,
	end: number,
	origin: string,
	site: VisitorSite,
): string | null {
	const url = publicLocation(value.slice(start, end), origin, site.origin);
	return url === null ? null : `${value.slice(0, start)}${url}${value.slice(end)}`;
}

function publicRefresh(value: string, origin: string, site: VisitorSite): string | null {
	const span = refreshUrlSpan(value);
	return span === null ? null : withPublicUrl(value, span.start, span.end, origin, site);
}

/** Each `<URI>` of a Link field (RFC 8288), read as linkMembers reads it (link-hints.ts). */
function publicLinks(value: string, origin: string, site: VisitorSite): string | null {
	const uris: [number, number][] = [];
	let inQuote = false;
	let uriStart = -1;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (inQuote) {
			if (c === "\\") i++;
			else if (c === '"') inQuote = false;
		} else if (uriStart !== -1) {
			if (c === ">") {
				uris.push([uriStart, i]);
				uriStart = -1;
			}
		} else if (c === "<") uriStart = i + 1;
		else if (c === '"') inQuote = true;
	}
	let out = value;
	// From the last, so a replacement moves none of the spans still to replace.
	for (const [start, end] of uris.reverse()) out = withPublicUrl(out, start, end, origin, site) ?? out;
	return out === value ? null : out;
}

/** Each `report-uri` URL of a `Content-Security-Policy` field (policies split by `,`, directives by `;`). */
function publicReportUris(value: string, origin: string, site: VisitorSite): string | null {
	const out = value.replace(
		/(^|[;,])(\s*report-uri)(?=\s|$)([^;,]*)/gi,
		(_, before: string, name: string, uris: string) => {
			const made = uris.replace(/[^\s]+/g, (uri) => publicLocation(uri, origin, site.origin) ?? uri);
			return before + name + made;
		},
	);
	return out === value ? null : out;
}

/** Each quoted URL of a `Reporting-Endpoints` dictionary. */
function publicQuotedUrls(value: string, origin: string, site: VisitorSite): string | null {
	const out = value.replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) => {
		const url = publicLocation(inner, origin, site.origin);
		return url === null ? quoted : `"${url}"`;
	});
	return out === value ? null : out;
}

/**
 * Each JSON string of a `Report-To` value that is a URL naming ORIGIN, read as JSON reads it: PHP's
 * json_encode, for one, writes `https:\/\/origin\/r` (its slashes escaped).
 */
function publicJsonUrls(value: string, origin: string, site: VisitorSite): string | null {
	const out = value.replace(/"((?:[^"\\]|\\.)*)"/g, (quoted) => {
		let inner: unknown;
		try {
			inner = JSON.parse(quoted);
		} catch {
			return quoted;
		}
		const url = typeof inner === "string" ? publicLocation(inner, origin, site.origin) : null;
		return url === null ? quoted : JSON.stringify(url);
	});
	return out === value ? null : out;
}

const REPORTING_FIELDS = [
	["Content-Security-Policy", publicReportUris],
	["Content-Security-Policy-Report-Only", publicReportUris],
	["Reporting-Endpoints", publicQuotedUrls],
	["Report-To", publicJsonUrls],
] as const;

/** The fields of `headers` that name ORIGIN, with their new lines; empty when none does. */
export function publicOriginFields(headers: Headers, origin: string, site: VisitorSite): ReplacedField[] {
	const replaced: ReplacedField[] = [];
	for (const name of ["Location", "Content-Location"]) {
		const value = headers.get(name);
		const url = value === null ? null : publicLocation(value, origin, site.origin);
		if (url !== null) replaced.push([name, [url]]);
	}
	const refresh = headers.get("Refresh");
	const publicRefreshValue = refresh === null ? null : publicRefresh(refresh, origin, site);
	if (publicRefreshValue !== null) replaced.push(["Refresh", [publicRefreshValue]]);
	const link = headers.get("Link");
	const publicLink = link === null || !link.includes("://") ? null : publicLinks(link, origin, site);
	if (publicLink !== null) replaced.push(["Link", [publicLink]]);
	for (const [name, publicField] of REPORTING_FIELDS) {
		const value = headers.get(name);
		// `:\/\/` is a JSON-escaped `://` (Report-To).
		const named = value !== null && (value.includes("://") || value.includes(":\\/\\/"));
		const made = value !== null && named ? publicField(value, origin, site) : null;
		if (made !== null) replaced.push([name, [made]]);
	}
	if (headers.has("Set-Cookie")) {
		const lines = headers.getSetCookie();
		let changed = false;
		const made = lines.map((line) => {
			const scoped = publicSetCookie(line, origin, site.hostname);
			if (scoped !== null) changed = true;
			return scoped ?? line;
		});
		if (changed) replaced.push(["Set-Cookie", made]);
	}
	return replaced;
}

/** Puts `replaced` into `headers`. */
export function replaceFields(headers: Headers, replaced: readonly ReplacedField[]): void {
	for (const [name, lines] of replaced) {
		headers.delete(name);
		for (const line of lines) headers.append(name, line);
	}
}
