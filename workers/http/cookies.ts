/** Cookie header parsing and Set-Cookie serialisation (RFC 6265). */

const NO_COOKIES: ReadonlyMap<string, string> = new Map();
// One request reads its Cookie header in several places (identity, decision cookie, language):
// the last header parsed is remembered, so it is split once.
let lastHeader: string | null = null;
let lastCookies: ReadonlyMap<string, string> = NO_COOKIES;

// Each read of a header copies its value out of the runtime (about 5,000 instructions for a visitor's
// Cookie header with ce_consent, measured with bench/instructions.mjs), and one request reads its
// Cookie header in several places: the value is read once per request, remembered for the request
// being served. One slot, not a WeakMap keyed by the request: a request object lives until a full
// collection (the runtime holds it), so a WeakMap kept every request's Cookie text alive that long,
// and the promoted bytes made full collections twice as long (bench/cpu-cost.mjs --gc: 458 bytes
// promoted per cookie-decided request, 132 with one slot). A request answered without waiting on I/O
// runs start to end with no other request in between, so the slot serves all of its reads; after an
// await another request may have taken it, and the header is read again. (The slot holds the last
// request until the next one comes.)
let slotRequest: Request | null = null;
let slotHeader: string | null = null;

/** The request's Cookie header, read from the runtime once per request. */
export function cookieHeader(request: Request): string | null {
	if (request !== slotRequest) {
		slotHeader = request.headers.get("Cookie");
		slotRequest = request;
	}
	return slotHeader;
}

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
