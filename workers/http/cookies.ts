/** Cookie header parsing and Set-Cookie serialisation (RFC 6265). */
import { cookieHeader } from "./request-inputs";

const NO_COOKIES: ReadonlyMap<string, string> = new Map();
// The last header split is remembered: a header cookieValue cannot read plainly is split once.
let lastHeader: string | null = null;
let lastCookies: ReadonlyMap<string, string> = NO_COOKIES;
const SEMICOLON = 59;
const SPACE = 32;
const EQUALS = 61;

/**
 * The value of the request's first cookie named `name`. A visitor's lookup asks for two (`ce_vid`,
 * `ce_consent`), and each visitor sends a different header: finding them costs less than splitting
 * the header into a map of every cookie.
 */
export function requestCookie(request: Request, name: string): string | undefined {
	return cookieValue(cookieHeader(request), name);
}

/**
 * `parseCookies(header).get(name)`, without splitting the header when the name's first occurrence
 * plainly starts a pair (`name=` at the start or after `;` or `; `): no earlier pair can then be named
 * `name`. Anything else (a space before `=`, the name inside another's value) is settled by the full parse.
 */
export function cookieValue(header: string | null, name: string): string | undefined {
	if (!header || name === "") return undefined;
	const at = header.indexOf(name);
	if (at === -1) return undefined;
	const eq = at + name.length;
	const before = at === 0 ? SEMICOLON : header.charCodeAt(at - 1);
	const pairStart =
		before === SEMICOLON || (before === SPACE && (at === 1 || header.charCodeAt(at - 2) === SEMICOLON));
	if (!pairStart || header.charCodeAt(eq) !== EQUALS) return parseCookies(header).get(name);
	const end = header.indexOf(";", eq + 1);
	return header.slice(eq + 1, end === -1 ? header.length : end).trim();
}

/**
 * Every value of the request's cookies named `name`, in the order sent, when it sent more than one;
 * otherwise null (requestCookie reads the one). A browser sends two of a name when a site's cookie
 * moved between host-only and a Domain (a COOKIE_DOMAIN change): it keeps one of each, and sends the
 * older first. One more scan of the header past the first occurrence, so the usual request pays little.
 */
export function repeatedCookie(request: Request, name: string): readonly string[] | null {
	const header = cookieHeader(request);
	if (!header) return null;
	const first = header.indexOf(name);
	if (first === -1 || header.indexOf(name, first + name.length) === -1) return null;
	const values: string[] = [];
	for (const part of header.split(";")) {
		const eq = part.indexOf("=");
		if (eq >= 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
	}
	return values.length > 1 ? values : null;
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

/**
 * A `Set-Cookie` value. `SameSite=None` needs `Secure`, and browsers refuse a `Secure` cookie set over
 * plain http: there (`secure` false) None falls back to Lax, a cookie the browser keeps, so a visitor
 * reached over http does not lose their id, and the choices stored under it, on every request.
 */
export function serializeCookie(name: string, value: string, o: CookieOptions): string {
	const sameSite = o.sameSite === "None" && !o.secure ? "Lax" : o.sameSite;
	let cookie = `${name}=${value}; Path=${o.path ?? "/"}; Max-Age=${o.maxAge}; SameSite=${sameSite}`;
	if (o.domain) cookie += `; Domain=${o.domain}`;
	if (o.secure) cookie += "; Secure";
	if (o.httpOnly) cookie += "; HttpOnly";
	return cookie;
}

/** One `name=value` attribute of a `Set-Cookie` line: its place among the line's `;` parts. */
export interface SetCookieAttribute {
	readonly index: number;
	/** Lower-cased (RFC 6265 §5.2: attribute names are case-insensitive). */
	readonly name: string;
	readonly value: string;
	/** The part up to and including its `=`, as the origin spelled it. */
	readonly head: string;
}

/** The `name=value` attributes of a `Set-Cookie` line split at `;` (the cookie itself, part 0, aside). */
export function setCookieAttributes(parts: readonly string[]): SetCookieAttribute[] {
	const found: SetCookieAttribute[] = [];
	for (let index = 1; index < parts.length; index++) {
		const part = parts[index] as string;
		const eq = part.indexOf("=");
		if (eq === -1) continue;
		found.push({
			index,
			name: part.slice(0, eq).trim().toLowerCase(),
			value: part.slice(eq + 1).trim(),
			head: part.slice(0, eq + 1),
		});
	}
	return found;
}
