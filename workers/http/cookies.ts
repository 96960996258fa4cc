/** Cookie header parsing and Set-Cookie serialisation (RFC 6265). */
import { cookieHeader } from "./request-inputs";

const NO_COOKIES: ReadonlyMap<string, string> = new Map();
// One request reads its Cookie header in several places (identity, decision cookie, language):
// the last header parsed is remembered, so it is split once.
let lastHeader: string | null = null;
let lastCookies: ReadonlyMap<string, string> = NO_COOKIES;

/** The request's cookies by name (the first of each name). */
export function requestCookies(request: Request): ReadonlyMap<string, string> {
	return parseCookies(cookieHeader(request));
}

export function parseCookies(header: string | null): ReadonlyMap<string, string> {
	if (!header) return NO_COOKIES;
	if (header !== lastHeader) {
		lastCookies = splitCookies(header);
		lastHeader = header;
	}
	return lastCookies;
}

function splitCookies(header: string): Map<string, string> {
	const cookies = new Map<string, string>();
	for (const part of header.split(";")) {
		const eq = part.indexOf("=");
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		// The first occurrence wins (browsers send the most specific path first).
		if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
	}
	return cookies;
}

export interface CookieOptions {
	maxAge: number;
	httpOnly: boolean;
	secure: boolean;
	sameSite: "Lax" | "Strict" | "None";
	domain?: string | null;
	path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
	let cookie = `${name}=${value}; Path=${o.path ?? "/"}; Max-Age=${o.maxAge}; SameSite=${o.sameSite}`;
	if (o.domain) cookie += `; Domain=${o.domain}`;
	if (o.secure || o.sameSite === "None") cookie += "; Secure";
	if (o.httpOnly) cookie += "; HttpOnly";
	return cookie;
}
