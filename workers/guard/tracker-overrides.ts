/**
 * Compiles a site's classification overrides (host pattern, Google tag-id prefix or first-party path
 * prefix → purpose or null) into lookups. Keys are told apart by shape: `/…` is a path, an upper-case
 * `XX-…` is a tag-id prefix, anything else a host pattern.
 */

import { createHostIndex, type HostIndex } from "./host-patterns";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

/** A site's verdict: a purpose, null (not a tracker), or undefined (no override applies). */
export type OverrideVerdict = TrackerPurpose | null | undefined;

export interface CompiledOverrides {
	host(host: string): OverrideVerdict;
	tagId(id: string): OverrideVerdict;
	path(pathname: string): OverrideVerdict;
}

export const TAG_ID_KEY = /^[A-Z]{1,4}-[A-Z0-9-]*$/;
const cache = new WeakMap<TrackerOverrides, CompiledOverrides>();

function longestPrefix(
	entries: readonly (readonly [string, TrackerPurpose | null])[],
	value: string,
	matches: (value: string, prefix: string) => boolean,
): OverrideVerdict {
	for (const [prefix, purpose] of entries) if (matches(value, prefix)) return purpose;
	return undefined;
}

function pathUnder(pathname: string, prefix: string): boolean {
	if (!pathname.startsWith(prefix)) return false;
	return (
		pathname.length === prefix.length || prefix.endsWith("/") || pathname.charCodeAt(prefix.length) === 47
	);
}

/** Lookups for `overrides`, compiled once per overrides object. */
export function compileOverrides(overrides: TrackerOverrides): CompiledOverrides {
	const cached = cache.get(overrides);
	if (cached) return cached;
	const hosts: [string, TrackerPurpose | null][] = [];
	const tags: [string, TrackerPurpose | null][] = [];
	const paths: [string, TrackerPurpose | null][] = [];
	for (const [key, purpose] of Object.entries(overrides)) {
		if (key.startsWith("/")) paths.push([key, purpose]);
		else if (TAG_ID_KEY.test(key)) tags.push([key, purpose]);
		else hosts.push([key.toLowerCase(), purpose]);
	}
	const byLengthDesc = (a: readonly [string, unknown], b: readonly [string, unknown]) =>
		b[0].length - a[0].length;
	tags.sort(byLengthDesc);
	paths.sort(byLengthDesc);
	const hostIndex: HostIndex<TrackerPurpose | null> = createHostIndex(hosts);
	const compiled: CompiledOverrides = {
		host: (host) => {
			const found = hostIndex(host);
			return found.length > 0 ? found[0] : undefined;
		},
		tagId: (id) => longestPrefix(tags, id, (value, prefix) => value.startsWith(prefix)),
		path: (pathname) => longestPrefix(paths, pathname, pathUnder),
	};
	cache.set(overrides, compiled);
	return compiled;
}
