/**
 * Abuse limits with the Workers rate-limiting bindings (configured in wrangler.toml, `[[ratelimits]]`):
 * keyed calls per key and client address (keys that match none as one key), visitor writes per client
 * address. Lookups are never limited (they are the hot path and cost nothing to repeat; a visitor's own export, which does cost,
 * is, and so are the GPC records lookups make: admitsGpcRecord), nor is the keyless health probe
 * (monitors poll it; it costs what a stored visitor's lookup does), and neither is a genuine one-click
 * unsubscribe (mailbox providers post from shared addresses): invalid unsubscribe tokens are limited
 * where they are checked. A limiter that fails limits nothing.
 */

import { settingsFor } from "../config/settings";
import { presentedKey } from "../consent/presented-key";
import { HttpError } from "./http-error";
import { isAllowedWriteOrigin } from "./origin-check";
import { MAX_BODY_BYTES } from "./request-body";
import { authorizationHeader, requestHeader, requestMethod } from "./request-inputs";

const WRITE_METHODS = new Set(["PUT", "POST", "DELETE", "PATCH"]);
const VISITOR_WRITE_PATHS = ["/v1/", "/preferences"];
/**
 * Visitor reads limited as writes are: a visitor's own export (pages/export-own-data.ts) reads D1's
 * primary and lists KV for any well-formed `ce_vid`, which a keyless loop could otherwise repeat
 * without bound.
 */
const LIMITED_VISITOR_READ = "/preferences/export";

/** The export's path, routed with or without trailing slashes; a prefix test first, as lookups pass here. */
function isLimitedVisitorRead(path: string): boolean {
	return path.startsWith(LIMITED_VISITOR_READ) && /^\/preferences\/export\/*$/.test(path);
}
/**
 * Pages for people, which ignore `Authorization` (pages/page-visitor.ts, email/one-click-unsubscribe.ts):
 * a header there makes no keyed call, so it must not move the request to the keyed limit, where a new
 * header value on every request would buy a fresh limit every time.
 */
const IGNORES_AUTHORIZATION = ["/preferences", "/unsubscribe"];

function ignoresAuthorization(path: string): boolean {
	return IGNORES_AUTHORIZATION.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * The client as the limits count it: its address, an IPv6 one by its /64 (as Cloudflare's own rate
 * limiting counts them). A subscriber's prefix holds 2^64 addresses: keyed by the whole address, a
 * fresh one per request bought a fresh limit every time. An address holding an IPv4 one counts whole.
 */
export function clientAddress(request: Request): string {
	const address = requestHeader(request, "CF-Connecting-IP");
	if (!address) return "unknown";
	return address.includes(":") && !address.includes(".") ? ipv6Prefix(address) : address;
}

/** The first four groups of an IPv6 address, `::` expanded and leading zeros dropped: `2001:db8:0:7::/64`. */
function ipv6Prefix(address: string): string {
	const [head = "", tail] = address.toLowerCase().split("::");
	const groups = head ? head.split(":") : [];
	if (tail !== undefined) {
		const after = tail ? tail.split(":").length : 0;
		for (let zeros = 8 - groups.length - after; zeros > 0; zeros--) groups.push("0");
	}
	return `${groups
		.slice(0, 4)
		.map((group) => Number.parseInt(group, 16).toString(16))
		.join(":")}::/64`;
}

function limiter(env: Env, name: string): RateLimit | null {
	const binding = (env as unknown as Record<string, unknown>)[name] as Partial<RateLimit> | undefined;
	return typeof binding?.limit === "function" ? (binding as RateLimit) : null;
}

/** Counts one request against the limiter `name` under `key`: whether it is admitted. */
async function admitted(env: Env, name: string, key: string): Promise<boolean> {
	const binding = limiter(env, name);
	if (!binding) return true;
	try {
		return (await binding.limit({ key })).success;
	} catch (err) {
		console.warn(`rate limiter ${name} failed; not limiting`, err);
		return true;
	}
}

export async function enforceLimit(env: Env, name: string, key: string): Promise<void> {
	if (!(await admitted(env, name, key)))
		throw new HttpError(429, "rate_limited", "Too many requests; retry later.", { "Retry-After": "60" });
}

/**
 * Counts a write a request not limited on arrival makes of its own accord (a lookup's GPC record)
 * against its client address's GPC records (GPC_RECORD_LIMITER, apart from visitor writes, so
 * browsers sending GPC behind one address never use up its writes): whether the limit admits it.
 */
export function admitsGpcRecord(request: Request, env: Env): Promise<boolean> {
	return admitted(env, "GPC_RECORD_LIMITER", `gpc:${clientAddress(request)}`);
}

/**
 * Limits keyed calls and visitor writes; everything else passes untouched, with nothing to wait for
 * (undefined). The promise rejects with a 429 HttpError when a limit is reached. `path` is the
 * request's pathname, one of the worker's own: requests for the guarded site (its own API keys, its
 * own forms) never come here.
 */
export function rateLimit(request: Request, env: Env, path: string): Promise<void> | undefined {
	const method = requestMethod(request);
	// An OPTIONS answer (a route's Allow) does nothing and costs nothing: never limited, as preflights never were.
	if (method === "OPTIONS") return undefined;
	if (authorizationHeader(request) !== null && !ignoresAuthorization(path)) return limitKey(request, env);
	if (!WRITE_METHODS.has(method)) {
		if (!isLimitedVisitorRead(path)) return undefined;
	} else if (!VISITOR_WRITE_PATHS.some((p) => path.startsWith(p)) || refusedUncounted(request, env))
		return undefined;
	return enforceLimit(env, "WRITE_LIMITER", `write:${clientAddress(request)}`);
}

/**
 * A visitor write that every route refuses before any I/O, which must not use up the address's
 * writes: one from an origin not allowed (a 403 the route answers: else another site could make its
 * visitors' browsers post, and the person's own choices on this site were refused 429 for 60 s), or
 * one declaring a body over the limit (a 413 or 415).
 */
function refusedUncounted(request: Request, env: Env): boolean {
	return (
		!isAllowedWriteOrigin(request, settingsFor(env)) ||
		Number(requestHeader(request, "Content-Length")) > MAX_BODY_BYTES
	);
}

/**
 * Per key and client, so one noisy client cannot starve the rest. A key that matches none counts as
 * one more key of its client address, whatever it is: a client cycling made-up keys meets the limit
 * (a fresh limit per made-up key never did), and never uses up a correct key's. The key is matched
 * (one SHA-256, shared with identifyCaller) before the limit is asked: telling a correct key from a
 * wrong one takes that hash, and refusing first would refuse the correct key too.
 */
async function limitKey(request: Request, env: Env): Promise<void> {
	const bucket = (await presentedKey(request, env))?.name ?? "unmatched";
	await enforceLimit(env, "KEYED_LIMITER", `key:${bucket}:${clientAddress(request)}`);
}
