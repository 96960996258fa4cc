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
import { hmacSign, hmacVerify } from "../crypto/hmac";
import { cookieValue } from "../http/cookies";

export const INSISTED_COOKIE = "ce_insisted";
/** The browser follows a redirect at once; a minute also covers a reload of the page it lands on. */
const LIFETIME_S = 60;

const signed = (pathAndQuery: string) => `insisted\n${pathAndQuery}`;

/**
 * The `Set-Cookie` line for a relayed Location whose target (path and query, as the browser will ask
 * for it) the origin insists on; null without a signing key.
 */
export async function insistedCookie(
	pathAndQuery: string,
	signingKeys: readonly string[],
	secure: boolean,
): Promise<string | null> {
	const key = signingKeys[0];
	if (key === undefined) return null;
	const mac = await hmacSign(key, signed(pathAndQuery));
	const attributes = `Path=/; Max-Age=${LIFETIME_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
	return `${INSISTED_COOKIE}=${mac}; ${attributes}`;
}

/** The request's insisted-target cookie, or undefined (found without parsing the header when absent). */
export function presentedInsisted(cookies: string | null): string | undefined {
	if (cookies === null || !cookies.includes(INSISTED_COOKIE)) return undefined;
	return cookieValue(cookies, INSISTED_COOKIE);
}

/** Whether `mac` was issued for exactly this path and query under one of the signing keys. */
export async function insistedOn(
	pathAndQuery: string,
	mac: string,
	signingKeys: readonly string[],
): Promise<boolean> {
	for (const key of signingKeys) if (await hmacVerify(key, signed(pathAndQuery), mac)) return true;
	return false;
}
