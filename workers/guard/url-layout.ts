/**
 * Finds the host and path of a URL string without a URL parser, so callers can keep every other byte
 * as it was. Handles absolute http(s) URLs, protocol-relative `//host/p` and relative `/a?b` or `a?b`.
 */

export interface UrlLayout {
	/** Lower-case host without userinfo, port or trailing dot; null when the URL has no authority. */
	readonly host: string | null;
	/** Index at which the path starts (0 for a relative URL). */
	readonly pathStart: number;
}

function isSchemeChar(c: number, first: boolean): boolean {
	const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
	if (first) return letter;
	return letter || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

// http(s) treat a backslash like a slash, as browsers do.
function isSlash(c: number): boolean {
	return c === 47 || c === 92;
}

/** Lower-cases a host and drops its port and trailing dot (`Example.COM.:8443` → `example.com`). */
export function normaliseHost(raw: string): string {
	let host = raw.toLowerCase();
	if (host.startsWith("[")) {
		const close = host.indexOf("]");
		if (close !== -1) host = host.slice(0, close + 1);
	} else {
		const colon = host.indexOf(":");
		if (colon !== -1) host = host.slice(0, colon);
	}
	return host.endsWith(".") ? host.slice(0, -1) : host;
}

/** Layout of `url`, or null when it has a scheme other than http(s) (mailto:, data:, javascript:…). */
export function layoutUrl(url: string): UrlLayout | null {
	let authority: number;
	// The common spellings first; anything else goes through the general scheme scan.
	if (url.startsWith("https://")) authority = 8;
	else if (url.startsWith("http://")) authority = 7;
	else {
		const schemeEnd = findSchemeEnd(url);
		if (schemeEnd !== -1) {
			const scheme = url.slice(0, schemeEnd).toLowerCase();
			if (scheme !== "http" && scheme !== "https") return null;
			if (!isSlash(url.charCodeAt(schemeEnd + 1)) || !isSlash(url.charCodeAt(schemeEnd + 2))) return null;
			authority = schemeEnd + 3;
		} else if (isSlash(url.charCodeAt(0)) && isSlash(url.charCodeAt(1))) {
			authority = 2;
		} else {
			return { host: null, pathStart: 0 };
		}
	}
	// One pass over the authority, noting the last `@` and whether case, port or brackets need work.
	const n = url.length;
	let hostStart = authority;
	let end = authority;
	let normalise = false;
	for (; end < n; end++) {
		const c = url.charCodeAt(end);
		if (c === 47 || c === 92 || c === 63 || c === 35) break;
		if (c === 64) {
			hostStart = end + 1;
			normalise = false;
		} else if (c === 58 || c === 91 || (c >= 65 && c <= 90)) {
			normalise = true;
		}
	}
	if (end > hostStart && url.charCodeAt(end - 1) === 46) normalise = true;
	const raw = url.slice(hostStart, end);
	return { host: normalise ? normaliseHost(raw) : raw, pathStart: end };
}

function findSchemeEnd(url: string): number {
	const n = url.length;
	for (let i = 0; i < n; i++) {
		const c = url.charCodeAt(i);
		if (c === 58 /* : */ && i > 0) return i;
		if (!isSchemeChar(c, i === 0)) return -1;
	}
	return -1;
}
