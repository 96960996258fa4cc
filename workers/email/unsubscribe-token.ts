/**
 * One-click unsubscribe tokens (RFC 8058 says the URI should carry a hard-to-forge token). A token
 * binds an address hash, a list and an expiry, signed with HMAC-SHA-256 under SIGNING_KEY:
 * `u1.<address hash>.<base64url list>.<expiry, base36 seconds>.<mac>`. The address itself is never
 * in it, only its keyed hash (EMAIL_HASH_KEY), so a link reveals nothing readable. Verification
 * checks the MAC in constant time against every signing key (rotation), then the expiry.
 */
import { fromBase64Url, toBase64Url } from "../crypto/encoding";
import { hmacSign, hmacVerify } from "../crypto/hmac";
import { isValidList } from "./mailing-list";

export interface UnsubscribeClaim {
	/** Keyed hash of the normalised address (see email-address.ts). */
	readonly emailHash: string;
	/** The address's hashes before `ς` was folded (email-address.ts emailHashes), under which rows may be stored. */
	readonly legacyHashes?: readonly string[];
	readonly list: string;
	/** Epoch ms, whole seconds. */
	readonly expiresAt: number;
}

export type TokenProblem = "missing" | "malformed" | "forged" | "expired";

export type TokenCheck =
	| { readonly ok: true; readonly claim: UnsubscribeClaim }
	| { readonly ok: false; readonly problem: TokenProblem };

const VERSION = "u1";
const MAX_TOKEN_LENGTH = 400;
/** The address hash, then up to two legacy ones, `~`-separated (unreserved, so links stay unescaped). */
const EMAIL_HASH = /^[A-Za-z0-9_-]{43}(~[A-Za-z0-9_-]{43}){0,2}$/;
const EXPIRY = /^[0-9a-z]{1,10}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The MAC covers a purpose prefix, so no other value signed with SIGNING_KEY can pass as a token. */
function signedText(body: string): string {
	return `unsubscribe:${body}`;
}

export async function signUnsubscribeToken(claim: UnsubscribeClaim, key: string): Promise<string> {
	const expiry = Math.floor(claim.expiresAt / 1000).toString(36);
	const hashes = [claim.emailHash, ...(claim.legacyHashes ?? [])].join("~");
	const body = [VERSION, hashes, toBase64Url(encoder.encode(claim.list)), expiry].join(".");
	return `${body}.${await hmacSign(key, signedText(body))}`;
}

function parse(token: string): { body: string; mac: string; claim: UnsubscribeClaim } | null {
	if (token.length > MAX_TOKEN_LENGTH) return null;
	const parts = token.split(".");
	if (parts.length !== 5) return null;
	const [version, hashes, listPart, expiry, mac] = parts as [string, string, string, string, string];
	if (version !== VERSION || !EMAIL_HASH.test(hashes) || !EXPIRY.test(expiry)) return null;
	const listBytes = fromBase64Url(listPart);
	if (!listBytes) return null;
	let list: string;
	try {
		list = decoder.decode(listBytes);
	} catch {
		return null;
	}
	if (!isValidList(list)) return null;
	const body = token.slice(0, token.length - mac.length - 1);
	const [emailHash = "", ...legacyHashes] = hashes.split("~");
	const expiresAt = Number.parseInt(expiry, 36) * 1000;
	const claim =
		legacyHashes.length > 0 ? { emailHash, legacyHashes, list, expiresAt } : { emailHash, list, expiresAt };
	return { body, mac, claim };
}

export async function verifyUnsubscribeToken(
	token: string | null | undefined,
	keys: readonly string[],
	now: number,
): Promise<TokenCheck> {
	if (!token) return { ok: false, problem: "missing" };
	const parsed = parse(token);
	if (!parsed) return { ok: false, problem: "malformed" };
	let genuine = false;
	for (const key of keys) {
		if (await hmacVerify(key, signedText(parsed.body), parsed.mac)) {
			genuine = true;
			break;
		}
	}
	if (!genuine) return { ok: false, problem: "forged" };
	if (parsed.claim.expiresAt <= now) return { ok: false, problem: "expired" };
	return { ok: true, claim: parsed.claim };
}

/**
 * A link's token, its query's `t`. The same token repeated is that token; two different ones are
 * ambiguous (which address, which list?) and read as a damaged link, never as whichever comes first.
 */
export function verifyLinkToken(
	query: URLSearchParams,
	keys: readonly string[],
	now: number,
): Promise<TokenCheck> {
	const [token, ...repeats] = query.getAll("t");
	if (repeats.some((repeat) => repeat !== token)) return Promise.resolve({ ok: false, problem: "malformed" });
	return verifyUnsubscribeToken(token, keys, now);
}
