/**
 * Typed settings from `[vars]` and secrets, parsed once per env object. Every var has a default
 * here, so a missing var never breaks a request; a missing required secret is logged as the worker
 * starts and fails only the requests that need it (config/required-secrets.ts).
 */
import type { ConsentPolicy } from "../consent/decide-consent";
import { parseOverrides } from "../guard/guard-settings";
import { publicSuffix } from "../guard/public-suffix";
import { httpUrl } from "../http/http-url";
import { hexColor, logoUrl } from "../pages/page-theme";
import { EXAMPLE_KEYS } from "./example-keys";

export interface Settings {
	readonly allowedOrigins: readonly OriginPattern[];
	readonly publicBaseUrl: string | null;
	/** Origin of PUBLIC_BASE_URL, when it is a valid http(s) URL. */
	readonly publicOrigin: string | null;
	readonly origin: string | null;
	readonly cookieDomain: string | null;
	readonly cookieSameSite: "Lax" | "Strict" | "None";
	readonly debugGeo: boolean;
	readonly policy: ConsentPolicy;
	readonly privacyPolicyUrl: string | null;
	readonly gpcLastUpdate: string;
	/** SIGNING_KEY, then each of SIGNING_KEY_PREVIOUS's; none at all without SIGNING_KEY. */
	readonly signingKeys: readonly string[];
	/** EMAIL_HASH_KEY exactly as set (never trimmed: hashes made under it must stay comparable). */
	readonly emailHashKey: string | null;
	/** The required secrets (wrangler.toml `[secrets] required`) missing or empty. */
	readonly missingSecrets: readonly RequiredSecret[];
	/**
	 * The vars set to a value the worker cannot use (ignored, or for ORIGIN refused): see varsNotUsable;
	 * LOGO_URL joins them when the first request shows it unusable (judgeFirstRequest).
	 */
	invalidVars: readonly string[];
	/** LOGO_URL's origin until the first request is judged against it (no PUBLIC_BASE_URL), else null. */
	unjudgedLogoOrigin: string | null;
	/** D1_SHARDS's binding names, in order (storage/shards.ts); empty: `DB` alone. */
	readonly d1Shards: readonly string[];
	/** The D1_SHARDS names with no D1 database bound to them (see unboundShardNames). */
	readonly unboundShards: readonly string[];
	/** The keys set to a value too short or too simple to resist guessing: see weakKeyNames. */
	readonly weakKeys: readonly string[];
	/** The keys set to one of `.dev.vars.example`'s, which anyone can read: see exampleKeyNames. */
	readonly exampleKeys: readonly string[];
	/** Audit records are kept this long (California 11 CCR 7101, Colorado: 24 months). */
	readonly recordRetentionMs: number;
	/** Who runs the site, for Japan's third-party provision notice (pages/third-party-provision.ts). */
	readonly operator: OperatorDetails;
}

export interface OperatorDetails {
	readonly name: string | null;
	readonly address: string | null;
	readonly representative: string | null;
	/** When provision to third parties began (a real day, YYYY-MM-DD). */
	readonly provisionSince: string | null;
}

export type RequiredSecret = "ADMIN_API_KEY" | "SIGNING_KEY" | "EMAIL_HASH_KEY";

export type OriginPattern = { exact: string } | { scheme: string; suffix: string };

const DAY_MS = 86_400_000;
const cache = new WeakMap<object, Settings>();

/** What the deployed env's settings logged as the script loaded (settingsAtStartUp), one per line. */
let loggedAtStartUp: string | undefined;

export function settingsFor(env: Env): Settings {
	let settings = cache.get(env);
	if (!settings) {
		settings = parseSettings(env);
		cache.set(env, settings);
		// Once per env object. A request's env is another object than the one the script loaded with
		// (under `wrangler dev` at least), parsed again: what it finds was said at start-up already.
		const [errors, warning] = configurationFindings(settings);
		if (`${errors.join("\n")}\n${warning}` !== loggedAtStartUp) {
			for (const line of errors) console.error(line);
			if (warning) console.warn(warning);
		}
	}
	return settings;
}

/**
 * The deployed env's settings, parsed (and their findings logged) as the script loads, so they show
 * at start-up (`wrangler dev` prints them before "Ready"), not only once a request comes.
 */
export function settingsAtStartUp(env: Env): Settings {
	const settings = settingsFor(env);
	const [errors, warning] = configurationFindings(settings);
	loggedAtStartUp = `${errors.join("\n")}\n${warning}`;
	return settings;
}

/**
 * What only a request shows, judged on the first one each env's settings see (once per isolate):
 * with no PUBLIC_BASE_URL, an http(s) LOGO_URL on another origin than the request's, the worker's,
 * is left out of its pages, so it is named as start-up names an unusable var, in the log and by
 * /v1/health. Every later request pays one property read for it. A plain-http request to the logo's
 * https origin is passed over: anyone can send one, and the https pages show the logo.
 */
export function judgeFirstRequest(env: Env, url: string): void {
	const settings = settingsFor(env);
	const logoOrigin = settings.unjudgedLogoOrigin;
	if (logoOrigin === null) return;
	// A client picks the scheme: plain http to an https logo's own host says nothing of the https pages.
	if (url.startsWith(`http:${logoOrigin.slice(6)}/`)) return;
	settings.unjudgedLogoOrigin = null;
	if (url.startsWith(`${logoOrigin}/`)) return;
	settings.invalidVars = [...settings.invalidVars, "LOGO_URL"];
	console.error(unusableVar("LOGO_URL") + WHERE);
}

const WHERE = " (README, Configuration)";
// By name only: a value in the wrong var may be a secret pasted there.
const unusableVar = (name: string) => `${name} has an unusable value`;

/** A log line for each thing wrong with the configuration, and one warning ("" if none). */
function configurationFindings(settings: Settings): [errors: string[], warning: string] {
	const errors = [
		...settings.missingSecrets.map(
			(name) => `${name} is not configured: requests that need it are answered 503`,
		),
		...settings.invalidVars.filter((name) => name !== "D1_SHARDS").map(unusableVar),
		...settings.unboundShards.map((name) => `D1_SHARDS names ${name}, which is not a bound D1 database`),
		// Still used: refusing to serve would stop honouring opt-outs (links, cookies) on a live site.
		...settings.weakKeys.map((name) => `${name} is a weak key, used all the same`),
	];
	const warning = exampleKeysWarning(settings.exampleKeys);
	return [errors.map((line) => line + WHERE), warning && warning + WHERE];
}

/**
 * The keys left at `.dev.vars.example`'s values, in one line ("" if none). Under `npm start` that is
 * all three, and true: said once, as what it is, not as three errors on every local start.
 */
function exampleKeysWarning(names: readonly string[]): string {
	if (names.length === 0) return "";
	const verb = names.length > 1 ? "are the example keys" : "is the example key";
	return `${names.join(", ")} ${verb} from .dev.vars.example: public, fine for npm start only`;
}

function text(value: unknown): string {
	return typeof value === "string" ? value.trim() : "";
}

/** A count of days from a var, in ms: a positive number, else `fallback` days. */
function days(value: unknown, fallback: number): number {
	const n = Number(text(value));
	return (Number.isFinite(n) && n > 0 ? n : fallback) * DAY_MS;
}

/**
 * ALLOWED_ORIGINS entries as a browser's `Origin` spells them (`scheme://host[:port]`, no path, no
 * default port). An entry written as a host (`shop.example`, `*.shop.example`) means its https origin,
 * as PUBLIC_BASE_URL does; one with a path or the default port names the origin it is on. Kept as
 * written, such an entry matched no Origin at all, and every write from that site was refused.
 */
export function parseOriginPatterns(list: string): OriginPattern[] {
	const patterns: OriginPattern[] = [];
	for (const raw of list.split(",")) {
		const pattern = originPattern(raw);
		if (pattern) patterns.push(pattern);
	}
	return patterns;
}

/**
 * One ALLOWED_ORIGINS entry, or null when blank or unusable. A `*` anywhere but a leading `*.` label
 * (`*`, `https://*`, `*.*.example.com`) is unusable: "any origin" cannot be granted, as these
 * origins get credentialed CORS answers and pass the CSRF check of cookie writes, so any origin
 * would let every site read and change every visitor's choices (README, Configuration). So is a
 * wildcard over a public suffix (`*.com`, `*.co.uk`, `*.github.io`): any site under it is anyone's.
 */
function originPattern(raw: string): OriginPattern | null {
	const written = raw.trim().toLowerCase();
	if (!written) return null;
	const entry = /^[a-z][a-z0-9+.-]*:\/\//.test(written) ? written : `https://${written}`;
	const wildcard = /^(https?):\/\/\*\.([^/?#*]+)(?:[/?#]|$)/.exec(entry);
	if (wildcard?.[1] && wildcard[2]) {
		const defaultPort = wildcard[1] === "https" ? ":443" : ":80";
		const host = wildcard[2].endsWith(defaultPort) ? wildcard[2].slice(0, -defaultPort.length) : wildcard[2];
		return coversPublicSuffix(host) ? null : { scheme: wildcard[1], suffix: `.${host}` };
	}
	const exact = originOf(entry) ?? entry.replace(/\/+$/, "");
	return exact.includes("*") ? null : { exact };
}

/**
 * Whether a `host[:port]` (a wildcard's, COOKIE_DOMAIN) is a public suffix, by the built-in partial
 * guess (one label, a country's common second level, a few hosting suffixes: guard/public-suffix.ts),
 * not the whole list. A trailing dot names the same suffix (`evil.com.` is served by evil.com's owner).
 */
function coversPublicSuffix(hostAndPort: string): boolean {
	const host = hostAndPort.replace(/:\d*$/, "").replace(/\.+$/, "");
	return publicSuffix(host) === host;
}

/**
 * COOKIE_DOMAIN as browsers take it: a host name, not a public suffix (`github.io`, `co.uk`, `com`),
 * for which they refuse the cookie, so every request would be a new visitor's.
 */
function isCookieDomain(value: string): boolean {
	return (
		/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(value) &&
		!coversPublicSuffix(value.slice(value.startsWith(".") ? 1 : 0).toLowerCase())
	);
}

/** Whether every entry of ALLOWED_ORIGINS is one originPattern can use. */
function allOriginsUsable(list: string): boolean {
	return list.split(",").every((raw) => raw.trim() === "" || originPattern(raw) !== null);
}

/** What a wildcard's `*` may stand for: one or more DNS labels (letters, digits, hyphens), dot-separated. */
const WILDCARD_LABELS = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;

export function originMatches(origin: string, patterns: readonly OriginPattern[]): boolean {
	const o = origin.toLowerCase();
	for (const p of patterns) {
		if ("exact" in p) {
			if (p.exact === o) return true;
		} else if (
			o.startsWith(`${p.scheme}://`) &&
			o.endsWith(p.suffix) &&
			o.length > p.scheme.length + 3 + p.suffix.length
		) {
			// Only a host name's labels may stand for the `*` (a browser's Origin never holds anything else).
			const labels = o.slice(p.scheme.length + 3, o.length - p.suffix.length);
			if (WILDCARD_LABELS.test(labels)) return true;
		}
	}
	return false;
}

function parseSettings(env: Env): Settings {
	const vars = env as unknown as Record<string, unknown>;
	const sameSite = text(vars.COOKIE_SAMESITE).toLowerCase();
	const base = publicBase(text(vars.PUBLIC_BASE_URL));
	const signing = text(vars.SIGNING_KEY);
	const emailHashKey =
		typeof vars.EMAIL_HASH_KEY === "string" && vars.EMAIL_HASH_KEY !== "" ? vars.EMAIL_HASH_KEY : null;
	const d1Shards = text(vars.D1_SHARDS)
		.split(",")
		.map((name) => name.trim())
		.filter(Boolean);
	const unboundShards = unboundShardNames(vars, d1Shards);
	return {
		allowedOrigins: parseOriginPatterns(text(vars.ALLOWED_ORIGINS)),
		publicBaseUrl: base,
		publicOrigin: base ? originOf(base) : null,
		origin: text(vars.ORIGIN).replace(/\/+$/, "") || null,
		cookieDomain: isCookieDomain(text(vars.COOKIE_DOMAIN)) ? text(vars.COOKIE_DOMAIN) : null,
		cookieSameSite: sameSite === "none" ? "None" : sameSite === "strict" ? "Strict" : "Lax",
		debugGeo: text(vars.DEBUG_GEO) === "true",
		policy: {
			policyVersion: text(vars.POLICY_VERSION) || "1",
			lifetimeMs: days(vars.CONSENT_LIFETIME_DAYS, 395),
			// Off unless a site sets it: the contract asks again after a policy change or an expiry.
			optOutHoldMs: days(vars.OPT_OUT_HOLD_DAYS, 0),
		},
		privacyPolicyUrl: text(vars.PRIVACY_POLICY_URL) || null,
		gpcLastUpdate: isFullDate(text(vars.GPC_LAST_UPDATE)) ? text(vars.GPC_LAST_UPDATE) : "2026-11-29",
		// The previous keys only verify during a rotation: signing with one alone would issue links that
		// stop working once it is deleted.
		signingKeys: signing ? [...new Set([signing, ...previousKeys(text(vars.SIGNING_KEY_PREVIOUS))])] : [],
		emailHashKey,
		missingSecrets: [
			...(text(vars.ADMIN_API_KEY) ? [] : ["ADMIN_API_KEY" as const]),
			...(signing ? [] : ["SIGNING_KEY" as const]),
			...(emailHashKey ? [] : ["EMAIL_HASH_KEY" as const]),
		],
		invalidVars: [...varsNotUsable(vars), ...(unboundShards.length > 0 ? ["D1_SHARDS"] : [])],
		// An http(s) URL's (a path or data: image suits every page).
		unjudgedLogoOrigin: base ? null : originOf(text(vars.LOGO_URL)),
		d1Shards,
		unboundShards,
		weakKeys: keyNamesWhere(vars, isWeakKey),
		exampleKeys: keyNamesWhere(vars, (key) => EXAMPLE_KEYS.has(key)),
		recordRetentionMs: days(vars.RECORD_RETENTION_DAYS, 730),
		operator: {
			name: text(vars.OPERATOR_NAME) || text(vars.SITE_NAME) || null,
			address: text(vars.OPERATOR_ADDRESS) || null,
			representative: text(vars.OPERATOR_REPRESENTATIVE) || null,
			provisionSince: isFullDate(text(vars.THIRD_PARTY_PROVISION_SINCE))
				? text(vars.THIRD_PARTY_PROVISION_SINCE)
				: null,
		},
	};
}

/**
 * SIGNING_KEY_PREVIOUS as a comma-separated list, newest first: a second rotation within
 * UNSUBSCRIBE_TOKEN_DAYS must not turn the links signed two keys ago into 403s (their recipients
 * would stay subscribed). A value holding a comma is also tried whole, as it was read before lists.
 */
function previousKeys(value: string): string[] {
	const listed = value
		.split(",")
		.map((key) => key.trim())
		.filter(Boolean);
	return value.includes(",") ? [...listed, value] : listed;
}

const isBoolean = (value: string) => value === "true" || value === "false";
// Above 0 and finite (NaN fails both comparisons).
const isPositive = (value: string) => Number(value) > 0 && Number(value) < Infinity;

/**
 * What each var's parser takes (here, guard/guard-settings.ts, email/unsubscribe-lifetime.ts,
 * pages/page-theme.ts); empty is unset. Anything else was ignored without a word, a typo silently
 * turning a setting off, so it is named once in the log and in /v1/health (`config`).
 */
const USABLE_VALUES: Readonly<Record<string, (value: string, vars: Record<string, unknown>) => boolean>> = {
	// Its unusable entries are ignored, the others apply.
	ALLOWED_ORIGINS: allOriginsUsable,
	ORIGIN: isProxyOrigin,
	PUBLIC_BASE_URL: (value) => publicBase(value) !== null,
	COOKIE_DOMAIN: isCookieDomain,
	COOKIE_SAMESITE: (value) => /^(lax|strict|none)$/i.test(value),
	DEBUG_GEO: isBoolean,
	CONSENT_LIFETIME_DAYS: isPositive,
	OPT_OUT_HOLD_DAYS: (value) => value === "0" || isPositive(value),
	RECORD_RETENTION_DAYS: isPositive,
	GPC_LAST_UPDATE: isFullDate,
	THIRD_PARTY_PROVISION_SINCE: isFullDate,
	UNSUBSCRIBE_TOKEN_DAYS: (value) => Number(value) >= 1 && Number(value) <= 3650,
	BRAND_COLOR: (value) => hexColor(value) !== null,
	// A path, a base64 data: image, or an http(s) URL on PUBLIC_BASE_URL's origin, where the worker's
	// links lead (unset: the first request's origin, judged then: judgeFirstRequest).
	LOGO_URL: (value, vars) => logoUrl(value, publicOriginOf(vars) ?? originOf(value) ?? "") !== null,
	// The pages link it only as an absolute http(s) URL (pages/html-document.ts).
	PRIVACY_POLICY_URL: (value) => originOf(value) !== null,
	GUARD_TIMEOUT_MS: isPositive,
	GUARD_KEEP_UTM: isBoolean,
	// Whose entries are each logged when ignored; named here when none is left.
	GUARD_TRACKER_OVERRIDES: (value) => parseOverrides(value) !== undefined,
};

function varsNotUsable(vars: Record<string, unknown>): string[] {
	return Object.keys(USABLE_VALUES).filter((name) => {
		const value = text(vars[name]);
		return value !== "" && !USABLE_VALUES[name]?.(value, vars);
	});
}

/**
 * The D1_SHARDS entries with no D1 database bound to them. Each keeps its place (storage/shards.ts)
 * and fails as an unreachable D1 would, so it is a configuration finding, not a `d1` one: named in
 * the log and by /v1/health. An entry that is no binding name at all is not repeated (it may be a
 * value pasted in the wrong place).
 */
function unboundShardNames(vars: Record<string, unknown>, names: readonly string[]): string[] {
	return names
		.filter((name) => typeof (vars[name] as D1Database | undefined)?.prepare !== "function")
		.map((name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : "(no binding name)"));
}

/** Half of what `openssl rand -base64 48` (README, "Deploying") prints. */
const MIN_KEY_BYTES = 32;
const MIN_DISTINCT_CHARACTERS = 8;
const KEYS = [
	"ADMIN_API_KEY",
	"ADMIN_API_KEY_PREVIOUS",
	"SIGNING_KEY",
	"SIGNING_KEY_PREVIOUS",
	"EMAIL_HASH_KEY",
	"READER_API_KEY",
	"SENDER_API_KEY",
] as const;

/**
 * The keys set (an empty one is `missingSecrets`' or grants nothing) to a value `finding` holds for.
 * Each previous signing key counts.
 */
function keyNamesWhere(vars: Record<string, unknown>, finding: (key: string) => boolean): string[] {
	return KEYS.filter((name) => {
		const key = text(vars[name]);
		return (name === "SIGNING_KEY_PREVIOUS" ? previousKeys(key) : [key].filter(Boolean)).some(finding);
	});
}

/**
 * A key of fewer than MIN_KEY_BYTES bytes, as HMAC and the bearer comparison take it, or of a
 * handful of distinct characters (`aaaa…`). A `ce_consent` carries its MAC where page JavaScript
 * reads it, so a short SIGNING_KEY can be searched offline, and cookies and unsubscribe links forged.
 */
function isWeakKey(key: string): boolean {
	return new TextEncoder().encode(key).length < MIN_KEY_BYTES || new Set(key).size < MIN_DISTINCT_CHARACTERS;
}

/**
 * ORIGIN as the guard uses it: an http(s) URL (a path allowed) that a request's path and query are
 * appended to, so no query, fragment or credentials. Anything else would fail every proxied request as
 * a 502 blaming the site, or send it to the wrong path.
 */
function isProxyOrigin(value: string): boolean {
	return /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i.test(value) && originOf(value) !== null;
}

/**
 * PUBLIC_BASE_URL as links can use it. Written without a scheme (`consent.example.com`), it means the
 * https address: a link without one is no URL to a mail client. One that is no http(s) URL is ignored,
 * so links fall back to the request's origin rather than being broken.
 */
function publicBase(value: string): string | null {
	const trimmed = value.replace(/\/+$/, "");
	if (!trimmed) return null;
	const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
	return originOf(base) ? base : null;
}

/** The origin of PUBLIC_BASE_URL, when it is one links can use. */
function publicOriginOf(vars: Record<string, unknown>): string | null {
	const base = publicBase(text(vars.PUBLIC_BASE_URL));
	return base ? originOf(base) : null;
}

/**
 * An RFC 3339 `full-date` naming a real day (`2026-02-30` does not): gpc.json's `lastUpdate` must be
 * one, or readers take the date as unknown (GPC spec §4).
 */
function isFullDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const day = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

function originOf(url: string): string | null {
	return httpUrl(url)?.origin ?? null;
}
