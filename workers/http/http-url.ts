/** Parsing a configured or client-given address that may only name an http(s) resource. */

/** `value` as a URL when it is an absolute http(s) one, else null (`javascript:`, `data:`, unparsable). */
export function httpUrl(value: string | null | undefined): URL | null {
	const url = value ? URL.parse(value) : null;
	return url && (url.protocol === "https:" || url.protocol === "http:") ? url : null;
}
