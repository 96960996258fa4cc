/**
 * An origin that insists on a tracking parameter redirects the clean URL back to one carrying it
 * (`/page` → `/page?utm_source=site`). The guard relays that Location unstripped (stripping it would
 * point back at the page asked for), but the browser's next navigation then carries the parameter,
 * which the guard would strip with a redirect to `/page`, which the origin redirects again: a loop of
 * two steps instead of one, ending in the browser's "too many redirects".
 *
 * So the relayed redirect also sets a short-lived cookie naming its target, signed so that no page
 * script can mint one, and a navigation to exactly that target is sent on to the origin as it is. The
 * parameter came from the origin itself: handing it back tells the origin nothing it did not say.
 */
import { notConfigured } from "../config/required-secrets";
import { hmacSign, hmacVerify } from "../crypto/hmac";

export const INSISTED_COOKIE = "ce_insisted";
/** The browser follows a redirect at once; a minute also covers a reload of the page it lands on. */
const LIFETIME_S = 60;
/**
 * A refresh (`Refresh: 120; url=…`, or a page's meta refresh) navigates after its delay: the cookie
 * lasts that much longer, up to an hour (a refresh delayed longer reloads the page once an hour).
 */
const MAX_DELAY_S = 3600;

/** A target the origin insists on (path and query, as the browser will ask for it), and when. */
export interface Insistence {
	readonly target: string;
	/** Seconds between the answer and the navigation: a refresh's delay, 0 for a redirect. */
	readonly delay: number;
}

/** What the MAC covers: the target and the instant (seconds) the permission ends. */
const signed = (pathAndQuery: string, expires: number) => `insisted\n${expires}\n${pathAndQuery}`;

/**
 * The `Set-Cookie` line for a relayed Location or refresh whose target the origin insists on; a 503
 * `not_configured` without a signing key. Its value is `<expiry>.<mac>`: the end is signed, so a
 * value copied or planted later (a page script may write a cookie of this name once the HttpOnly one
 * is gone) stops working with it, not only with the cookie's Max-Age.
 */
export async function insistedCookie(
	{ target, delay }: Insistence,
	signingKeys: readonly string[],
	secure: boolean,
	now: number,
): Promise<string> {
	const key = signingKeys[0];
	// Relayed without the cookie, the browser's next navigation is stripped back: a loop, where a
	// 503 naming the missing secret tells the operator what to set.
	if (key === undefined) throw notConfigured("SIGNING_KEY");
	const lifetime = LIFETIME_S + Math.min(delay, MAX_DELAY_S);
	const expires = Math.floor(now / 1000) + lifetime;
	const mac = await hmacSign(key, signed(target, expires));
	const attributes = `Path=/; Max-Age=${lifetime}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
	return `${INSISTED_COOKIE}=${expires}.${mac}; ${attributes}`;
}

const VALUE = /^(\d{1,12})\.([\w-]{43})$/;

/**
 * Whether `value` was issued for exactly this path and query, under one of the signing keys, and is
 * still within its minute at `now`.
 */
export async function insistedOn(
	pathAndQuery: string,
	value: string,
	signingKeys: readonly string[],
	now: number,
): Promise<boolean> {
	const parts = VALUE.exec(value);
	if (parts === null) return false;
	const expires = Number(parts[1]);
	const seconds = now / 1000;
	// Expired, or ending further off than any value the worker issues.
	if (expires < seconds || expires > seconds + LIFETIME_S + MAX_DELAY_S + 1) return false;
	const mac = parts[2] as string;
	for (const key of signingKeys) if (await hmacVerify(key, signed(pathAndQuery, expires), mac)) return true;
	return false;
}
