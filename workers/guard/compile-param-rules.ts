/**
 * Turns the declarative tracking-parameter table into lookups for stripTrackingParams: one map from
 * lower-case name to its rules, prefix families indexed by their first two characters, host indexes,
 * and a name filter that rejects most ordinary names without slicing or hashing them.
 */

import { createHostIndex, createHostSet, type HostIndex, type HostSet } from "./host-patterns";
import type { TrackingParamRules } from "./tracking-param-rules";

export interface GlobalVerdictRule {
	readonly exceptOnHosts: HostSet | undefined;
	readonly keepWhenUrlMatches: RegExp | undefined;
}

export interface NameRule {
	/** Set when the name is removed on every host. */
	readonly global: GlobalVerdictRule | undefined;
	/** Whether some host rule names it. */
	readonly scoped: boolean;
}

export interface PrefixRule {
	readonly prefix: string;
	/** Set when the family is removed on every host: the hosts where it is kept. */
	readonly globalExceptOnHosts: HostSet | undefined;
	readonly scoped: boolean;
}

export interface HostScopedRule {
	readonly names: ReadonlySet<string>;
	readonly prefixes: readonly string[];
	readonly paths: readonly string[] | undefined;
}

/**
 * Cheap test on a raw name, computed from lower-cased ASCII characters: bit `nameHash(...)` of `names`
 * is set when some listed name has that first, second and last character and length (a false positive
 * only costs the full check); `pairs[c0 << 7 | c1]` is 1 when a prefix family starts with `c0 c1`.
 */
export interface NameFilter {
	readonly names: Uint32Array;
	readonly pairs: Uint8Array;
}

const NAME_HASH_BITS = 1 << 16;

/** Hash of a name's first, second and last character codes and its length (0 stands for "none"). */
export function nameHash(c0: number, c1: number, last: number, length: number): number {
	return (Math.imul(Math.imul(Math.imul(c0, 31) + c1, 31) + last, 31) + length) & (NAME_HASH_BITS - 1);
}

export interface CompiledParamRules {
	readonly names: ReadonlyMap<string, NameRule>;
	readonly prefixes: ReadonlyMap<number, readonly PrefixRule[]>;
	readonly filter: NameFilter;
	readonly hostRules: HostIndex<HostScopedRule>;
	readonly exempt: HostIndex<{ readonly path: RegExp | undefined }>;
}

/** Key of the first two characters of a lower-case name (0 when they are not ASCII). */
export function pairKey(name: string): number {
	const c0 = name.charCodeAt(0);
	const c1 = name.charCodeAt(1);
	return c0 < 128 && c1 < 128 ? (c0 << 7) | c1 : 0;
}

/** Adds lower-case names to a filter. */
export function addNamesToFilter(filter: NameFilter, names: Iterable<string>): void {
	for (const name of names) {
		const n = name.length;
		const bit = nameHash(name.charCodeAt(0), n > 1 ? name.charCodeAt(1) : 0, name.charCodeAt(n - 1), n);
		filter.names[bit >>> 5] = (filter.names[bit >>> 5] as number) | (1 << (bit & 31));
	}
}

function addPrefixToFilter(filter: NameFilter, prefix: string): void {
	// Two characters keep the pair table exact; a one-character family would accept half the alphabet.
	if (prefix.length < 2 || pairKey(prefix) === 0)
		throw new Error(`prefix needs two ASCII characters: ${prefix}`);
	filter.pairs[pairKey(prefix)] = 1;
}

export function copyFilter(filter: NameFilter): NameFilter {
	return { names: filter.names.slice(), pairs: filter.pairs.slice() };
}

export function compileParamRules(rules: TrackingParamRules): CompiledParamRules {
	const names = new Map<string, NameRule>();
	for (const rule of rules.global) {
		names.set(rule.name.toLowerCase(), {
			global: {
				exceptOnHosts: rule.exceptOnHosts ? createHostSet(rule.exceptOnHosts) : undefined,
				keepWhenUrlMatches: rule.keepWhenUrlMatches,
			},
			scoped: false,
		});
	}
	const prefixRules = new Map<string, { globalExceptOnHosts: HostSet | undefined; scoped: boolean }>();
	for (const rule of rules.prefixes) {
		prefixRules.set(rule.prefix.toLowerCase(), {
			globalExceptOnHosts: createHostSet(rule.exceptOnHosts ?? []),
			scoped: false,
		});
	}
	const hostEntries: [string, HostScopedRule][] = [];
	for (const rule of rules.hostScoped) {
		const scopedNames = new Set<string>();
		const scopedPrefixes: string[] = [];
		for (const param of rule.params) {
			const lower = param.toLowerCase();
			if (lower.endsWith("*")) {
				const prefix = lower.slice(0, -1);
				scopedPrefixes.push(prefix);
				const known = prefixRules.get(prefix);
				prefixRules.set(prefix, { globalExceptOnHosts: known?.globalExceptOnHosts, scoped: true });
			} else {
				scopedNames.add(lower);
				names.set(lower, { global: names.get(lower)?.global, scoped: true });
			}
		}
		const compiled = { names: scopedNames, prefixes: scopedPrefixes, paths: rule.paths };
		for (const host of rule.hosts) hostEntries.push([host, compiled]);
	}

	const filter: NameFilter = {
		names: new Uint32Array(NAME_HASH_BITS / 32),
		pairs: new Uint8Array(128 * 128),
	};
	addNamesToFilter(filter, names.keys());
	const prefixes = new Map<number, PrefixRule[]>();
	for (const [prefix, rule] of prefixRules) {
		addPrefixToFilter(filter, prefix);
		const key = pairKey(prefix);
		const list = prefixes.get(key) ?? [];
		list.push({ prefix, ...rule });
		prefixes.set(key, list);
	}
	return {
		names,
		prefixes,
		filter,
		hostRules: createHostIndex(hostEntries),
		exempt: createHostIndex(rules.exemptHosts.map((rule) => [rule.host, { path: rule.path }] as const)),
	};
}
