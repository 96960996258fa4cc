/**
 * The origin's `Set-Cookie` scoped to ORIGIN's own address, made to fit the visitor's, as a reverse
 * proxy does (nginx's proxy_cookie_domain and proxy_cookie_path, Apache's
 * ProxyPassReverseCookieDomain and ProxyPassReverseCookiePath). A `Domain` covering ORIGIN's host but
 * not the visitor's (`Domain=origin.example.com` on `www.example.com`) makes the browser refuse the
 * cookie, a login's session with it: it names the visitor's host instead, the value replaced as nginx
 * replaces it (left out, the cookie would be host-only, which is narrower than what the origin asked
 * for). A `Path` under ORIGIN's path (ORIGIN `https://origin.example.com/shop`, `Path=/shop`) matches
 * none of the visitor's paths, which lack that prefix: it loses the prefix, as a Location does
 * (origin-location.ts). Every other attribute, and every other byte of the line, is kept.
 */
import { setCookieAttributes } from "../http/cookies";
import { isIpHost, registrableDomain } from "./public-suffix";

/** ORIGIN's host name and path, as cookies see them. */
interface OriginScope {
	readonly hostname: string;
	/** The site (eTLD+1) of its host: a cookie domain above it is a public suffix no browser takes. */
	readonly site: string | null;
	/** Its path without a trailing slash, empty for none. */
	readonly path: string;
}

// ORIGIN is one value per deployment: parsed once per isolate.
let scoped: { readonly origin: string; readonly scope: OriginScope | null } | undefined;

function originScope(origin: string): OriginScope | null {
	if (scoped?.origin !== origin) {
		let scope: OriginScope | null = null;
		try {
			const url = new URL(origin);
			scope = {
				hostname: url.hostname,
				site: registrableDomain(url.hostname),
				path: url.pathname.replace(/\/+$/, ""),
			};
		} catch {
			// No URL, no scope: the lines are relayed as written (the fetch to such an ORIGIN fails anyway).
		}
		scoped = { origin, scope };
	}
	return scoped.scope;
}

/** RFC 6265 §5.1.3: `host` is `domain` or a name under it (an IP address only when identical). */
function domainMatches(host: string, domain: string): boolean {
	return host === domain || (host.endsWith(`.${domain}`) && !isIpHost(host));
}

function publicDomain(value: string, origin: OriginScope, visitorHost: string): string | null {
	const domain = (value.startsWith(".") ? value.slice(1) : value).toLowerCase();
	if (domain === "" || domainMatches(visitorHost, domain) || !domainMatches(origin.hostname, domain))
		return null;
	if (domain !== origin.hostname && (origin.site === null || domain.length < origin.site.length)) return null;
	return visitorHost;
}

function publicPath(value: string, prefix: string): string | null {
	if (prefix === "" || !value.startsWith(prefix)) return null;
	const rest = value.slice(prefix.length);
	if (rest === "") return "/";
	return rest.startsWith("/") ? rest : null;
}

const SCOPED = /;[\t ]*(?:domain|path)[\t ]*=/i;

/** `line` with its Domain and Path made the visitor's, or null when it needs no change. */
export function publicSetCookie(line: string, origin: string, visitorHost: string): string | null {
	if (!SCOPED.test(line)) return null;
	const scope = originScope(origin);
	if (scope === null) return null;
	const parts = line.split(";");
	let changed = false;
	for (const { index, name, value, head } of setCookieAttributes(parts)) {
		const mapped =
			name === "domain"
				? publicDomain(value, scope, visitorHost)
				: name === "path"
					? publicPath(value, scope.path)
					: null;
		if (mapped === null) continue;
		parts[index] = `${head}${mapped}`;
		changed = true;
	}
	return changed ? parts.join(";") : null;
}
