/**
 * Removes tracking query parameters from a URL string without re-serialising it: the scheme, host,
 * path, fragment and every kept parameter keep their exact bytes. Rules: tracking-param-rules.ts.
 */

import {
	addNamesToFilter,
	type CompiledParamRules,
	compileParamRules,
	copyFilter,
	type HostScopedRule,
	type NameFilter,
	nameHash,
	pairKey,
} from "./compile-param-rules";
import { TRACKING_PARAM_RULES } from "./tracking-param-rules";
import { layoutUrl, normaliseHost, type UrlLayout } from "./url-layout";

export interface StripOptions {
	/** More names to remove on every host (case-insensitive). */
	readonly extra?: readonly string[];
	/** Names never removed, whatever the rules say (case-insensitive). */
	readonly keep?: readonly string[];
	/** Keep `utm_*` (and Eventbrite's `utm-*`) campaign parameters; by default they are removed. */
	readonly keepUtm?: boolean;
	/** Host whose host-scoped rules apply to a relative URL (`/a?b`), e.g. the request's host. */
	readonly baseHost?: string;
}

// Compiled on the first URL with a query, not as the script loads: a new isolate's first request
// need not pay for it unless it strips (bench/startup.mjs).
let compiled: CompiledParamRules | undefined;
function rules(): CompiledParamRules {
	compiled ??= compileParamRules(TRACKING_PARAM_RULES);
	return compiled;
}

interface ResolvedOptions {
	readonly rules: CompiledParamRules;
	readonly extra: ReadonlySet<string>;
	readonly keep: ReadonlySet<string>;
	readonly keepUtm: boolean;
	readonly baseHost: string | null;
	readonly filter: NameFilter;
}

const NO_NAMES: ReadonlySet<string> = new Set();
let defaults: ResolvedOptions | undefined;
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();
const extraFilters = new WeakMap<readonly string[], NameFilter>();
const resolved = new WeakMap<StripOptions, ResolvedOptions>();

// Option lists are usually static configuration while option objects may be per request: cache by list.
function nameSet(names: readonly string[] | undefined): ReadonlySet<string> {
	if (names === undefined || names.length === 0) return NO_NAMES;
	let set = nameSets.get(names);
	if (!set) {
		set = new Set(names.map(normaliseName));
		nameSets.set(names, set);
	}
	return set;
}

function extraFilter(extra: readonly string[] | undefined): NameFilter {
	if (extra === undefined || extra.length === 0) return rules().filter;
	let filter = extraFilters.get(extra);
	if (!filter) {
		filter = copyFilter(rules().filter);
		addNamesToFilter(filter, nameSet(extra));
		extraFilters.set(extra, filter);
	}
	return filter;
}

function resolveOptions(options: StripOptions | undefined): ResolvedOptions {
	if (options === undefined) {
		defaults ??= {
			rules: rules(),
			extra: NO_NAMES,
			keep: NO_NAMES,
			keepUtm: false,
			baseHost: null,
			filter: rules().filter,
		};
		return defaults;
	}
	let out = resolved.get(options);
	if (!out) {
		out = {
			rules: rules(),
			extra: nameSet(options.extra),
			keep: nameSet(options.keep),
			keepUtm: options.keepUtm === true,
			baseHost: options.baseHost ? normaliseHost(options.baseHost) : null,
			filter: extraFilter(options.extra),
		};
		resolved.set(options, out);
	}
	return out;
}

/** The name as rules see it: percent-decoded when well-formed, lower-cased, without a stray leading `?`. */
function normaliseName(raw: string): string {
	let name = raw;
	if (name.includes("%")) {
		try {
			name = decodeURIComponent(name);
		} catch {
			// Malformed escape: compare the raw bytes.
		}
	}
	name = name.toLowerCase();
	// Double-encoded links leave the query's own `?` in front of the first name (`?%3Futm_source=`).
	return name.charCodeAt(0) === 63 ? name.slice(1) : name;
}

function isUtmName(name: string): boolean {
	const c = name.charCodeAt(3);
	return (c === 95 || c === 45) && name.startsWith("utm");
}

function pathMatches(path: string, prefixes: readonly string[] | undefined): boolean {
	if (prefixes === undefined) return true;
	for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
	return false;
}

const KEEP = 0;
const STRIP = 1;
/** Removed unless the URL matches the rule's keep condition (resolved once every segment is known). */
const CONDITIONAL = 2;
type Verdict = typeof KEEP | typeof STRIP | typeof CONDITIONAL;

/** Per-URL state; the host and path are only located when some name needs them. */
class StripRun {
	private layout: UrlLayout | null | undefined;
	private blocked: boolean | undefined;
	private scoped: readonly HostScopedRule[] | undefined;

	constructor(
		readonly url: string,
		readonly query: number,
		readonly end: number,
		readonly options: ResolvedOptions,
	) {}

	private host(): string | null {
		if (this.layout === undefined) this.layout = layoutUrl(this.url);
		if (this.layout === null) return null;
		return this.layout.host ?? this.options.baseHost;
	}

	private path(): string {
		this.host();
		return this.layout ? this.url.slice(this.layout.pathStart, this.query) : "";
	}

	/** True for non-http(s) URLs and exempt hosts, whose queries are never touched. */
	private untouchable(): boolean {
		if (this.blocked === undefined) {
			const host = this.host();
			this.blocked = this.layout === null;
			if (host !== null && !this.blocked) {
				for (const rule of this.options.rules.exempt(host)) {
					if (rule.path === undefined || rule.path.test(this.path())) this.blocked = true;
				}
			}
		}
		return this.blocked;
	}

	private hostScoped(name: string): boolean {
		if (this.scoped === undefined) {
			const host = this.host();
			this.scoped = host === null ? [] : this.options.rules.hostRules(host);
		}
		for (const rule of this.scoped) {
			if (!pathMatches(this.path(), rule.paths)) continue;
			if (rule.names.has(name)) return true;
			for (const prefix of rule.prefixes) if (name.startsWith(prefix)) return true;
		}
		return false;
	}

	private ruleVerdict(name: string): Verdict {
		let scoped = false;
		// Prefix families first, so the `utm_` family's exemptions also cover the listed utm_ names.
		const families = this.options.rules.prefixes.get(pairKey(name));
		if (families !== undefined) {
			for (const family of families) {
				if (!name.startsWith(family.prefix)) continue;
				if (family.globalExceptOnHosts !== undefined) {
					return family.globalExceptOnHosts(this.host()) ? KEEP : STRIP;
				}
				scoped ||= family.scoped;
			}
		}
		const rule = this.options.rules.names.get(name);
		const global = rule?.global;
		if (global !== undefined) {
			if (global.exceptOnHosts?.(this.host())) return KEEP;
			return global.keepWhenUrlMatches ? CONDITIONAL : STRIP;
		}
		return (scoped || rule?.scoped === true) && this.hostScoped(name) ? STRIP : KEEP;
	}

	verdict(name: string): Verdict {
		if (name === "") return KEEP;
		const options = this.options;
		if (options.keep.has(name)) return KEEP;
		if (options.keepUtm && isUtmName(name)) return KEEP;
		const verdict = options.extra.has(name) ? STRIP : this.ruleVerdict(name);
		return verdict !== KEEP && this.untouchable() ? KEEP : verdict;
	}

	/** Where the pre-scan found the first segment to remove (or to settle), and its verdict. */
	firstStart = 0;
	firstVerdict: Verdict = KEEP;

	private segmentVerdict(pos: number, stop: number): Verdict {
		if (pos === this.firstStart) return this.firstVerdict;
		const { url } = this;
		if (stop === pos || !mightTrack(url, pos, stop, isEscaped(url, pos, stop), this.options.filter))
			return KEEP;
		return this.verdict(normaliseName(url.slice(pos, stop)));
	}

	/**
	 * Joins what is kept: runs of kept segments are copied as single slices, starting from the first
	 * segment the pre-scan flagged (everything before it is kept). Conditional names take the slow path.
	 */
	rebuild(): string {
		const { url, query, end } = this;
		let kept = "";
		let runStart = query + 1;
		let pos = this.firstStart;
		while (pos <= end) {
			const stop = nameEnd(url, pos, end);
			const amp = segmentEnd(url, stop, end);
			const verdict = this.segmentVerdict(pos, stop);
			if (verdict === CONDITIONAL) return this.rebuildSettlingConditions();
			if (verdict === STRIP) {
				if (pos > runStart) kept = joinRun(kept, url.slice(runStart, pos - 1));
				runStart = amp + 1;
			}
			pos = amp + 1;
		}
		if (runStart <= end) kept = joinRun(kept, url.slice(runStart, end));
		return this.assemble(kept);
	}

	/** Splits the whole query, settles conditional names against what surely stays, then joins. */
	private rebuildSettlingConditions(): string {
		const { url, query, end } = this;
		const starts: number[] = [];
		const stops: number[] = [];
		const verdicts: Verdict[] = [];
		let pos = query + 1;
		while (pos <= end) {
			const stop = nameEnd(url, pos, end);
			const amp = segmentEnd(url, stop, end);
			starts.push(pos);
			stops.push(amp);
			verdicts.push(pos < this.firstStart ? KEEP : this.segmentVerdict(pos, stop));
			pos = amp + 1;
		}
		// Tested against what stays for sure, so a removed value (or the parameter's own) cannot keep it.
		let subject = url.slice(0, query + 1);
		for (let i = 0; i < verdicts.length; i++) {
			if (verdicts[i] === KEEP) subject += `${url.slice(starts[i], stops[i])}&`;
		}
		let kept = "";
		let removed = false;
		// The subject is the same for every conditional name: each condition is tested once, not once per
		// parameter (a long kept value followed by many repeats would otherwise cost a scan each).
		const settled = new Map<RegExp, boolean>();
		for (let i = 0; i < verdicts.length; i++) {
			const start = starts[i] as number;
			const stop = stops[i] as number;
			if (verdicts[i] === CONDITIONAL) {
				const name = normaliseName(url.slice(start, nameEnd(url, start, stop)));
				const keepWhen = this.options.rules.names.get(name)?.global?.keepWhenUrlMatches;
				let holds = false;
				if (keepWhen !== undefined) {
					const known = settled.get(keepWhen);
					holds = known ?? keepWhen.test(subject);
					if (known === undefined) settled.set(keepWhen, holds);
				}
				verdicts[i] = holds ? KEEP : STRIP;
			}
			if (verdicts[i] === STRIP) removed = true;
			else kept = i === 0 ? url.slice(start, stop) : `${kept}&${url.slice(start, stop)}`;
		}
		return removed ? this.assemble(kept) : url;
	}

	/** The URL around a new query; empty segments are kept between parameters, not at either end. */
	private assemble(joined: string): string {
		const { url, query, end } = this;
		let from = 0;
		let to = joined.length;
		while (from < to && joined.charCodeAt(from) === 38) from++;
		while (to > from && joined.charCodeAt(to - 1) === 38) to--;
		const fragment = url.slice(end);
		// A query-only reference keeps its `?`: without it, it would point at the current query again.
		if (from === to) return query === 0 ? `?${fragment}` : url.slice(0, query) + fragment;
		return `${url.slice(0, query + 1)}${joined.slice(from, to)}${fragment}`;
	}
}

/** End of the name starting at `pos`: the first `=` or `&`, or the end of the query. */
function nameEnd(url: string, pos: number, end: number): number {
	let i = pos;
	while (i < end) {
		const c = url.charCodeAt(i);
		if (c === 61 || c === 38) break;
		i++;
	}
	return i;
}

/** End of the segment whose name ends at `stop` (values may be long: let indexOf scan them). */
function segmentEnd(url: string, stop: number, end: number): number {
	if (stop >= end || url.charCodeAt(stop) === 38) return stop;
	const amp = url.indexOf("&", stop + 1);
	return amp === -1 || amp > end ? end : amp;
}

function isEscaped(url: string, start: number, stop: number): boolean {
	for (let i = start; i < stop; i++) if (url.charCodeAt(i) === 37) return true;
	return false;
}

/** Appends a run of kept segments (a run may itself hold `&`-joined segments). */
function joinRun(kept: string, run: string): string {
	return kept === "" ? run : `${kept}&${run}`;
}

function lowerAscii(c: number): number {
	return c >= 65 && c <= 90 ? c | 32 : c;
}

/**
 * Whether the raw name `url[start, stop)` could be a listed name, judged from three characters and its
 * length alone. Names with escapes, a leading `?` or non-ASCII characters always get the full check.
 */
function mightTrack(url: string, start: number, stop: number, escaped: boolean, filter: NameFilter): boolean {
	const c0 = lowerAscii(url.charCodeAt(start));
	const length = stop - start;
	const c1 = length > 1 ? lowerAscii(url.charCodeAt(start + 1)) : 0;
	const last = lowerAscii(url.charCodeAt(stop - 1));
	if (escaped || c0 === 63 || c0 >= 128 || c1 >= 128 || last >= 128) return true;
	const bit = nameHash(c0, c1, last, length);
	if (((filter.names[bit >>> 5] as number) >>> (bit & 31)) & 1) return true;
	return filter.pairs[(c0 << 7) | c1] === 1;
}

/**
 * The last run made, kept (one slot) so that a run's shape always has an instance alive: optimized
 * code holds the maps of the objects it handled weakly, and a full collection that found no run alive
 * dropped those maps and with them the code of every function that had inlined a run's methods
 * (V8's --trace-deopt: "embedded weak objects cleared", 16-19 functions of the guard's isolate
 * compiled again after each full collection; none with the slot).
 */
let lastRun: StripRun | null = null;

/** The run for `url` when some name in its query may need removing; null when nothing does. */
function scanQuery(url: string, options: StripOptions | undefined): StripRun | null {
	const query = url.indexOf("?");
	if (query === -1) return null;
	const hash = url.indexOf("#");
	if (hash !== -1 && hash < query) return null;
	const end = hash === -1 ? url.length : hash;
	if (end === query + 1) return null;
	const resolved = resolveOptions(options);
	let run: StripRun | null = null;
	// Pre-scan without splitting or slicing: most URLs carry no tracker and are answered from here.
	let pos = query + 1;
	while (pos <= end) {
		const stop = nameEnd(url, pos, end);
		if (stop > pos && mightTrack(url, pos, stop, isEscaped(url, pos, stop), resolved.filter)) {
			run ??= lastRun = new StripRun(url, query, end, resolved);
			const verdict = run.verdict(normaliseName(url.slice(pos, stop)));
			if (verdict !== KEEP) {
				run.firstStart = pos;
				run.firstVerdict = verdict;
				return run;
			}
		}
		pos = segmentEnd(url, stop, end) + 1;
	}
	return null;
}

/**
 * `url` without its tracking parameters. Every other byte is kept (order, `+`, `%xx` case, `a=` vs `a`);
 * the `?` goes when nothing remains; the fragment, and anything in it, is kept verbatim. A URL with
 * nothing to strip is returned as is.
 */
export function stripTrackingParams(url: string, options?: StripOptions): string {
	const run = scanQuery(url, options);
	return run === null ? url : run.rebuild();
}
