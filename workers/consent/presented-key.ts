/**
 * The API key a request's `Authorization: Bearer` header presents, matched once per request against
 * every configured key, in constant time: first by the keyed limit (a key that matches none is
 * limited per client address, not per key), then by identifyCaller. The presented key's SHA-256 is
 * the only hash a request pays for; the configured keys' are made once per isolate.
 */
import { authorizationHeader } from "../http/request-inputs";

/** `admin` may do everything; `reader` only lookups; `sender` only unsubscribe links and suppressions. */
export type KeyScope = "admin" | "reader" | "sender";

/** A configured key's var and scope; the var names the key's own limit (never the key). */
export interface MatchedKey {
	readonly name: string;
	readonly scope: KeyScope;
}

const KEYS: readonly (readonly [string, KeyScope])[] = [
	["ADMIN_API_KEY", "admin"],
	// Accepted during a rotation window, like SIGNING_KEY_PREVIOUS (docs/SECURITY.md).
	["ADMIN_API_KEY_PREVIOUS", "admin"],
	["READER_API_KEY", "reader"],
	["SENDER_API_KEY", "sender"],
];

const encoder = new TextEncoder();
const configuredDigests = new Map<string, Promise<ArrayBuffer>>();
const matches = new WeakMap<Request, Promise<MatchedKey | null>>();

function configuredDigest(key: string): Promise<ArrayBuffer> {
	let digest = configuredDigests.get(key);
	if (!digest) {
		digest = crypto.subtle.digest("SHA-256", encoder.encode(key));
		if (configuredDigests.size > 16) configuredDigests.clear();
		configuredDigests.set(key, digest);
	}
	return digest;
}

/**
 * The configured key the request presents, or null: none matches, or the header presents no bearer
 * token (then nothing is hashed). Every configured key is compared, so timing does not reveal which
 * one matched. A key is compared trimmed: a bearer token holds no whitespace, and a key stored with a
 * trailing newline (`wrangler secret bulk` from a JSON file, the API; `wrangler secret put` trims it)
 * would make every call a 401. A key not set (or empty) matches nothing.
 */
export function presentedKey(request: Request, env: Env): Promise<MatchedKey | null> {
	let match = matches.get(request);
	if (!match) {
		match = matchKey(request, env);
		matches.set(request, match);
	}
	return match;
}

async function matchKey(request: Request, env: Env): Promise<MatchedKey | null> {
	const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorizationHeader(request) ?? "")?.[1];
	if (!token) return null;
	const presented = await crypto.subtle.digest("SHA-256", encoder.encode(token));
	const vars = env as unknown as Record<string, unknown>;
	let matched: MatchedKey | null = null;
	for (const [name, scope] of KEYS) {
		const value = vars[name];
		const configured = typeof value === "string" ? value.trim() : "";
		if (configured.length === 0) continue;
		if (crypto.subtle.timingSafeEqual(presented, await configuredDigest(configured)) && !matched)
			matched = { name, scope };
	}
	return matched;
}
