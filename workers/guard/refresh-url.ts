/**
 * Where the URL of a refresh (`Refresh: 5; url=/next` header, `<meta http-equiv="refresh">`) sits in
 * its value, read as browsers read it (HTML "shared declarative refresh steps"): after the delay and
 * an optional `;` or `,`, an optional `url=`, and an optional quote that also ends it. Without a URL
 * (`Refresh: 30`) the page reloads itself. The delay is its whole seconds (`1.5` waits one).
 */
const REFRESH_URL =
	/^[\t\n\f\r ]*(?:(\d+)(?:\.[\d.]*)?|\.[\d.]*)[\t\n\f\r ]*[;,]?[\t\n\f\r ]*(?:url[\t\n\f\r ]*=[\t\n\f\r ]*)?(['"]?)/i;

/** The URL's start and end in `value`, with the delay (seconds), or null when it names none. */
export function refreshUrlSpan(
	value: string,
): { readonly start: number; readonly end: number; readonly delay: number } | null {
	const at = REFRESH_URL.exec(value);
	if (at === null) return null;
	const start = at[0].length;
	const delay = at[1] === undefined ? 0 : Number(at[1]);
	const quote = at[2];
	const close = quote ? value.indexOf(quote, start) : -1;
	let end = close === -1 ? value.length : close;
	while (end > start && /[\t\n\f\r ]/.test(value.charAt(end - 1))) end--;
	return end > start ? { start, end, delay } : null;
}
