/**
 * The secrets a request cannot do without. A missing one is a 503 `not_configured` that names it
 * (the name, never a value), with `Retry-After`: the deploy is at fault, not the request, and a
 * retry succeeds once the secret is set. Read from the settings, parsed once per env object.
 */
import { HttpError } from "../http/http-error";
import { type RequiredSecret, settingsFor } from "./settings";

/** Setting a secret and the deploy that follows take minutes, not seconds. */
const RETRY_AFTER_S = "300";

export function notConfigured(
	name: RequiredSecret | "ORIGIN",
	message = `${name} is not configured; retry once it is set.`,
): HttpError {
	return new HttpError(503, "not_configured", message, { "Retry-After": RETRY_AFTER_S });
}

/** SIGNING_KEY, which new tokens are signed with (and without which none is verified). */
export function requireSigningKey(env: Env): string {
	const key = settingsFor(env).signingKeys[0];
	if (key === undefined) throw notConfigured("SIGNING_KEY");
	return key;
}

/** The signing keys for verifying a token, SIGNING_KEY first; a 503 without SIGNING_KEY. */
export function requireVerifyingKeys(env: Env): readonly string[] {
	requireSigningKey(env);
	return settingsFor(env).signingKeys;
}
