/**
 * POST /v1/unsubscribe-links: a mail sender asks for the one-click link of an address and list and
 * gets the URL plus the exact RFC 8058 header values to copy into its messages. The link carries
 * a signed token over the address hash, never the address.
 */
import * as v from "valibot";
import { settingsFor } from "../config/settings";
import { badBody } from "../http/http-error";
import { readBody } from "../http/request-body";
import { requestUrl } from "../http/request-inputs";
import { requestTarget } from "../http/request-path";
import { jsonResponse } from "../http/responses";
import { hashEmail, normalizeEmail } from "./email-address";
import { requireSenderKey } from "./keyed-sender";
import { isValidList, LIST_RULE } from "./mailing-list";
import { unsubscribeTokenLifetimeMs } from "./unsubscribe-lifetime";
import { signUnsubscribeToken } from "./unsubscribe-token";

/**
 * Hosts where local development runs without TLS: loopback names and IP literals (a LAN address,
 * `0.0.0.0`); no public certificate names those.
 */
function isLocalHost(hostname: string): boolean {
	return (
		hostname === "localhost" ||
		hostname.endsWith(".localhost") ||
		/^\d+\.\d+\.\d+\.\d+$/.test(hostname) ||
		hostname.startsWith("[")
	);
}

/**
 * The base of links when PUBLIC_BASE_URL is unset: the request's origin, upgraded to https (on its
 * default port) unless the host is local. RFC 8058 §3.1: List-Unsubscribe MUST hold an HTTPS URI,
 * and a sender may well call this API over plain http.
 */
function requestBase(url: string): string {
	const target = requestTarget(url);
	if (target.protocol !== "http:" || isLocalHost(target.hostname)) return target.origin;
	return `https://${target.hostname}`;
}

const LinkBody = v.object({
	email: v.pipe(v.string("email must be a string."), v.maxLength(254, "email is too long.")),
	list: v.pipe(v.string("list must be a string."), v.check(isValidList, LIST_RULE)),
});

export async function createUnsubscribeLink(request: Request, env: Env): Promise<Response> {
	await requireSenderKey(request, env);
	const body = await readBody(request, ["json"]);
	const parsed = v.safeParse(LinkBody, body.value);
	if (!parsed.success) {
		const issue = parsed.issues[0];
		const path = issue ? v.getDotPath(issue) : null;
		throw badBody(issue ? `${path ?? "body"}: ${issue.message}` : 'Send {"email", "list"}.');
	}
	const normalized = normalizeEmail(parsed.output.email);
	if (!normalized) throw badBody("email: not a valid address.");
	const settings = settingsFor(env);
	const key = settings.signingKeys[0];
	if (!key) throw new Error("SIGNING_KEY is not configured");
	const now = Date.now();
	const expiresAt = Math.floor((now + unsubscribeTokenLifetimeMs(env)) / 1000) * 1000;
	const token = await signUnsubscribeToken(
		{ emailHash: await hashEmail(normalized, env.EMAIL_HASH_KEY), list: parsed.output.list, expiresAt },
		key,
	);
	const base = settings.publicBaseUrl ?? requestBase(requestUrl(request));
	const url = `${base}/unsubscribe?t=${token}`;
	return jsonResponse({
		url,
		headers: { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
		list: parsed.output.list,
		expiresAt: new Date(expiresAt).toISOString(),
	});
}
