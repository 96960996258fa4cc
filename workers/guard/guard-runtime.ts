/**
 * The runtime script served at /v1/guard/runtime.js (runtime.js, served as runtime-source.ts holds it)
 * with its tables filled in from
 * the ones the HTML rewrite classifies by: the tracker host table, the Google tag kinds and the site's
 * overrides, so the two never disagree. Its version is a hash of that text, so a page names the script
 * it was rewritten for and the script can be cached for good. Built once per overrides object.
 * The text lives in the scripts Worker (http/script-text.ts): the version is hashed on from the state
 * runtime-template.ts carries, so a guarded page names the script without its text being read.
 */
import { GOOGLE_TAG_KINDS } from "./google-tag-ids";
import { SECOND_LEVEL_REGISTRIES, TWO_LABEL_SUFFIXES } from "./public-suffix-list";
import { RUNTIME_BETWEEN, RUNTIME_END, RUNTIME_PREFIX_HASH } from "./runtime-template";
import { CATEGORY_PURPOSE, LOADER_PATH, TRACKER_HOSTS } from "./tracker-hosts";
import { TAG_ID_KEY } from "./tracker-overrides";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

export const RUNTIME_PATH = "/v1/guard/runtime.js";
/** The runtime's two arguments in runtime.js, replaced by its host table and its denied purposes. */
export const TABLE_PLACEHOLDER = "__CONSENT_EDGE_RUNTIME_TABLE__";
export const DENY_PLACEHOLDER = "__CONSENT_EDGE_RUNTIME_DENY__";

/** The purposes the runtime can block, in the order a URL names them. */
export const RUNTIME_PURPOSES: readonly TrackerPurpose[] = ["ads", "analytics"];

interface HostIndex<T> {
	readonly domains: Record<string, T[]>;
	readonly brands: Record<string, T[]>;
}

/** Rows by host pattern, in table order, split as createHostIndex splits them (host-patterns.ts). */
function hostIndex<T>(entries: readonly (readonly [pattern: string, row: T])[]): HostIndex<T> {
	const domains = new Map<string, T[]>();
	const brands = new Map<string, T[]>();
	for (const [pattern, row] of entries) {
		const brand = pattern.endsWith(".*");
		const map = brand ? brands : domains;
		const key = brand ? pattern.slice(0, -2) : pattern;
		map.set(key, [...(map.get(key) ?? []), row]);
	}
	return { domains: Object.fromEntries(domains), brands: Object.fromEntries(brands) };
}

/** The script's tables, in the order and shape compileOverrides and trackerHostEntry read theirs. */
export function runtimeTable(overrides: TrackerOverrides | undefined) {
	const hostOverrides: [string, TrackerPurpose | null][] = [];
	const tagOverrides: [string, TrackerPurpose | null][] = [];
	for (const [key, purpose] of Object.entries(overrides ?? {})) {
		// Path overrides name the site's own paths, which the runtime never looks up.
		if (key.startsWith("/")) continue;
		if (TAG_ID_KEY.test(key)) tagOverrides.push([key, purpose]);
		else hostOverrides.push([key.toLowerCase(), purpose]);
	}
	tagOverrides.sort((a, b) => b[0].length - a[0].length);
	return {
		trackers: hostIndex(
			TRACKER_HOSTS.flatMap((entry) =>
				entry.hosts.map((host) => [host, [entry.paths ?? 0, CATEGORY_PURPOSE[entry.category]]] as const),
			),
		),
		hostOverrides: hostIndex(hostOverrides),
		tagOverrides,
		tags: GOOGLE_TAG_KINDS.map((kind) => [kind.shape.source, kind.purpose]),
		loaderPath: LOADER_PATH.source,
		registries: [...SECOND_LEVEL_REGISTRIES],
		suffixes: [...TWO_LABEL_SUFFIXES],
	};
}

export interface GuardRuntime {
	/** A hash of the script's text: the `v` a page names. */
	readonly version: string;
	/** The script blocking `deny` (RUNTIME_PURPOSES names, in that order), from runtime.js's text. */
	script(source: string, deny: readonly TrackerPurpose[]): string;
}

/**
 * FNV-1a, twice over (two offsets): a version, not a secret, so a fast hash is enough. `from` is the
 * state after the text before this one (the generator's RUNTIME_PREFIX_HASH), as the hash runs on.
 */
export function textHash(text: string, from: readonly [number, number] = [0x811c9dc5, 0x01000193]): string {
	let [a, b] = from;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x01000193);
	}
	return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}

const built = new WeakMap<object, GuardRuntime>();
const NO_OVERRIDES = {};

export function guardRuntime(overrides: TrackerOverrides | undefined): GuardRuntime {
	const key = overrides ?? NO_OVERRIDES;
	let runtime = built.get(key);
	if (runtime === undefined) {
		// Escaping "<" keeps the JSON inert should anyone inline the script in a page.
		const table = JSON.stringify(runtimeTable(overrides)).replace(/</g, "\\u003c");
		const middle = `${table}${RUNTIME_BETWEEN}`;
		runtime = {
			version: textHash(`${middle}${RUNTIME_END}`, RUNTIME_PREFIX_HASH),
			script: (source, deny) =>
				`${source.slice(0, source.indexOf(TABLE_PLACEHOLDER))}${middle}${JSON.stringify(deny)}${RUNTIME_END}`,
		};
		built.set(key, runtime);
	}
	return runtime;
}

/** Nonces are base64 (CSP3 `base64-value`, base64url tolerated): anything else is not copied. */
const NONCE = /^'nonce-([A-Za-z0-9+/_=-]+)'$/i;

/**
 * The nonce a page's Content-Security-Policy admits scripts by (`script-src-elem`, else
 * `script-src`, else `default-src` of any policy in it), or null when it names none.
 */
export function scriptNonce(csp: string | null): string | null {
	if (csp === null) return null;
	for (const policy of csp.split(",")) {
		const directives = new Map<string, string[]>();
		for (const directive of policy.split(";")) {
			const [name, ...sources] = directive.trim().split(/\s+/);
			// A directive named twice counts the first time only (CSP3 §2.2.1).
			if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
		}
		const sources =
			directives.get("script-src-elem") ?? directives.get("script-src") ?? directives.get("default-src");
		for (const source of sources ?? []) {
			const nonce = NONCE.exec(source);
			if (nonce) return nonce[1] as string;
		}
	}
	return null;
}

/**
 * The tag a guarded page gets first: the runtime for the purposes denied among those it blocks, with
 * the page's script nonce, or undefined when the visitor denied none of them.
 */
export function runtimeScriptTag(
	denied: ReadonlySet<string>,
	overrides: TrackerOverrides | undefined,
	nonce: string | null,
): string | undefined {
	const deny = RUNTIME_PURPOSES.filter((purpose) => denied.has(purpose));
	if (deny.length === 0) return undefined;
	const src = `${RUNTIME_PATH}?deny=${deny.join(",")}&amp;v=${guardRuntime(overrides).version}`;
	return `<script src="${src}"${nonce === null ? "" : ` nonce="${nonce}"`}></script>`;
}
