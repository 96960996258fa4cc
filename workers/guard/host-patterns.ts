/**
 * Host patterns used by the guard's tables: `example.com` matches the host and its subdomains;
 * `brand.*` matches `brand` under any public suffix (amazon.de, www.amazon.co.uk) and its subdomains.
 */

import { BoundedMemo } from "../memo/bounded-memo";
import { withoutPublicSuffix } from "./public-suffix";

const MEMO_LIMIT = 512;

export type HostIndex<T> = (host: string) => readonly T[];

/**
 * Indexes values by host pattern so a lookup costs one map probe per label of the host. Results come
 * most specific first (longer matched domain first; plain domains before `brand.*` patterns).
 */
export function createHostIndex<T>(entries: Iterable<readonly [pattern: string, value: T]>): HostIndex<T> {
	const domains = new Map<string, T[]>();
	const brands = new Map<string, T[]>();
	for (const [pattern, value] of entries) {
		const brand = pattern.endsWith(".*");
		const map = brand ? brands : domains;
		const key = brand ? pattern.slice(0, -2) : pattern;
		const list = map.get(key);
		if (list) list.push(value);
		else map.set(key, [value]);
	}
	const collect = (name: string, map: Map<string, T[]>, into: T[]): void => {
		let at = 0;
		while (at !== -1 && at < name.length) {
			const found = map.get(at === 0 ? name : name.slice(at));
			if (found) into.push(...found);
			const dot = name.indexOf(".", at);
			at = dot === -1 ? -1 : dot + 1;
		}
	};
	const lookup = (host: string): readonly T[] => {
		const out: T[] = [];
		if (domains.size > 0) collect(host, domains, out);
		if (brands.size > 0) {
			const base = withoutPublicSuffix(host);
			if (base !== "") collect(base, brands, out);
		}
		return out;
	};
	// Pages and request streams repeat a few hosts, so lookups are memoised.
	const memo = new BoundedMemo<string, readonly T[]>(MEMO_LIMIT);
	return (host) => memo.get(host, lookup);
}

/** Membership test for a list of host patterns (null, an unknown host, is never a member). */
export type HostSet = (host: string | null) => boolean;

export function createHostSet(patterns: readonly string[]): HostSet {
	if (patterns.length === 0) return () => false;
	const index = createHostIndex(patterns.map((pattern) => [pattern, true] as const));
	return (host) => host !== null && index(host).length > 0;
}
