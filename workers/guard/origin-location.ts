/**
 * The origin's own absolute `Location` (`http://origin.internal/next`, from a server that does not
 * read `X-Forwarded-Host`) made to point at the host the visitor asked, as a reverse proxy does
 * (Apache's ProxyPassReverse, nginx's proxy_redirect default): relayed as written, it sent the
 * browser past the guard to ORIGIN itself, an address visitors cannot or must not use. Everything
 * after ORIGIN's scheme, host and path is kept byte for byte; any other Location is left as it is.
 */

/** `location` on `publicOrigin` when it names ORIGIN, else null (relay it unchanged). */
export function publicLocation(location: string, origin: string, publicOrigin: string): string | null {
	const authorityStart = location.indexOf("://");
	if (authorityStart < 0 || !/^https?$/i.test(location.slice(0, authorityStart))) return null;
	let parsed: URL;
	let base: URL;
	try {
		parsed = new URL(location);
		base = new URL(origin);
	} catch {
		return null;
	}
	if (parsed.origin !== base.origin) return null;
	// What follows the authority, as written (userinfo and port are the authority's own).
	const rest = location.slice(authorityStart + 3).search(/[/?#]/);
	let tail = rest < 0 ? "" : location.slice(authorityStart + 3 + rest);
	// ORIGIN may be a path on its host: only a Location under it maps back onto the visitor's site.
	const prefix = base.pathname === "/" ? "" : base.pathname;
	if (prefix !== "") {
		if (!tail.startsWith(prefix)) return null;
		const after = tail.charAt(prefix.length);
		if (after !== "" && after !== "/" && after !== "?" && after !== "#") return null;
		tail = tail.slice(prefix.length);
	}
	if (!tail.startsWith("/")) tail = `/${tail}`;
	return publicOrigin + tail;
}
