/**
 * POST /v1/unsubscribe-links: a mail sender asks for the one-click link of an address and list and
 * gets the URL plus the exact RFC 8058 header values to copy into its messages. The link carries
 * a signed token over the address hash, never the address.
 */
import { requireSigningKey } from "../config/required-secrets";
import { settingsFor } from "../config/settings";
import * as v from "../http/body-schema";
import { badBody } from "../http/http-error";
import { keyedScope } from "../http/idempotency-key";
import { idempotentWrite, requestFingerprint } from "../http/idempotent-write";
import { readBody } from "../http/request-body";
import { requestUrl } from "../http/request-inputs";
import { requestTarget } from "../http/request-path";
import { jsonResponse } from "../http/responses";
import { emailHashes, normalizeEmail } from "./email-address";
import { emailHashKey } from "./email-hash-key";
import { requireSenderKey } from "./keyed-sender";
import { isValidList, LIST_RULE } from "./mailing-list";
import { unsubscribeTokenLifetimeMs } from "./unsubscribe-lifetime";
import { signUnsubscribeToken } from "./unsubscribe-token";

/**
 * The base of links when PUBLIC_BASE_URL is unset: the request's origin, as it is (CONTRACT.md).
 * RFC 8058 §3.1 wants an HTTPS URI in List-Unsubscribe: production sets PUBLIC_BASE_URL to an https
 * base, or senders call over https. Upgrading an http origin instead gave links to a TLS endpoint
 * that need not exist (a service name in a container network, a dev host).
 */
function requestBase(url: string): string {
	return requestTarget(url).origin;
}

const LinkBody = v.object({
	email: v.pipe(v.string("email must be a string."), v.maxLength(254, "email is too long.")),
	list: v.pipe(v.string("list must be a string."), v.check(isValidList, LIST_RULE)),
});

export async function createUnsubscribeLink(request: Request, env: Env): Promise<Response> {
	const scope = await requireSenderKey(request, env);
	const key = requireSigningKey(env);
	const body = await readBody(request, ["json"]);
	const { email, list } = v.parseBody(LinkBody, body.value);
	const normalized = normalizeEmail(email);
	if (!normalized) throw badBody("email: not a valid address.");
	// With an Idempotency-Key a replay gets the first link, not one with a later expiry.
	const fingerprint = requestFingerprint("POST", "/v1/unsubscribe-links", body.raw);
	return idempotentWrite(request, env, { scope: keyedScope(scope), fingerprint }, () =>
		mintLink(request, env, key, email, normalized, list),
	);
}

async function mintLink(
	request: Request,
	env: Env,
	key: string,
	email: string,
	normalized: string,
	list: string,
): Promise<Response> {
	const settings = settingsFor(env);
	const now = Date.now();
	const expiresAt = Math.floor((now + unsubscribeTokenLifetimeMs(env)) / 1000) * 1000;
	const [emailHash = "", ...legacyHashes] = await emailHashes(email, normalized, await emailHashKey(env));
	const token = await signUnsubscribeToken({ emailHash, legacyHashes, list, expiresAt }, key);
	const base = settings.publicBaseUrl ?? requestBase(requestUrl(request));
	const url = `${base}/unsubscribe?t=${token}`;
	return jsonResponse({
		url,
		headers: { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
		list,
		expiresAt: new Date(expiresAt).toISOString(),
	});
}
