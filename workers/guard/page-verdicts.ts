/**
 * The guard's verdicts on what a page holds (a link's stripped href, a tag's tracker purpose, an inline
 * script's purposes), memoised per isolate. A guarded site sends the same pages, with the same links and
 * tags, to visitor after visitor, and each verdict is a pure function of the raw text and the site's
 * settings, so from a text's second sight on it is looked up instead of worked out again: stripping a
 * link costs more inside an HTMLRewriter handler than under Node (bench/HISTORY.md, "The floors").
 * What the visitor denied is applied afterwards, per request; it is never part of a memo.
 */
import { RepeatMemo } from "../memo/repeat-memo";
import { decodeAttribute, stripAttributeUrl } from "./html-attributes";
import { guardedImportMap } from "./import-maps";
import { inlineScriptPurposes } from "./inline-trackers";
import { guardedSpeculationRules } from "./speculation-rules";
import { type StripOptions, stripTrackingParams } from "./strip-tracking-params";
import { classifyTrackerUrl } from "./tracker-hosts";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

export interface PageVerdicts {
	/** The raw href without tracking parameters, or null when it has none. */
	strippedLink(raw: string): string | null;
	/**
	 * A URL as JSON holds it (a speculation rule's: no character references, `&amp;` is five
	 * characters) without tracking parameters, or null when it has none.
	 */
	strippedUrl(url: string): string | null;
	/** The tracker purpose of a raw URL attribute (`src`, `href`), or null. */
	urlPurpose(raw: string): TrackerPurpose | null;
	/** The tracker purposes an inline script's source shows (a bootstrap, or a tracker's module it imports). */
	scriptPurposes(source: string): readonly TrackerPurpose[];
	/**
	 * Speculation rules: the purposes of the trackers their lists name, and the rules as rewritten when
	 * none of those is denied (null: as written). A visitor denying one has them rewritten afresh.
	 */
	speculationRules(source: string): RulesVerdict;
	/** An import map: the purposes of the trackers its entries map to (a visitor denying one has it rewritten). */
	importMapPurposes(source: string): readonly TrackerPurpose[];
}

export interface RulesVerdict {
	readonly trackers: readonly TrackerPurpose[];
	readonly kept: string | null;
}

/**
 * Bounds on entries, and on the length of a text worth remembering (the text is the key): a `data:`
 * URL or a bundled script can be megabytes, and is then worked out each time, as without a memo.
 * Worst case, every entry at its longest and in two-byte characters: 8,000 links x 2 KiB (the key and
 * its stripped value) + 2,000 URLs x 1 KiB + 100 scripts x 32 KiB + 100 rules x 64 KiB (the key and
 * its rewrite), about 27 MB; a real page's links and tag URLs are a fifth of that length, and it holds
 * one or two rules, if any.
 */
const MAX_LINKS = 8_000;
const MAX_URLS = 2_000;
const MAX_SCRIPTS = 100;
const MAX_MEMOISED_URL = 512;
const MAX_MEMOISED_SCRIPT = 16 * 1024;

// A text is remembered from its second sight on: one that never comes round again costs no entry.
const links = new RepeatMemo<string | null>(MAX_LINKS, MAX_MEMOISED_URL);
const urls = new RepeatMemo<TrackerPurpose | null>(MAX_URLS, MAX_MEMOISED_URL);
const scripts = new RepeatMemo<readonly TrackerPurpose[]>(MAX_SCRIPTS, MAX_MEMOISED_SCRIPT);
// Speculation rules and import maps, told apart by the key's prefix (a page has one or two of them).
const rules = new RepeatMemo<RulesVerdict>(MAX_SCRIPTS, MAX_MEMOISED_SCRIPT);

// Settings objects are cached per deployment (guardSettings): numbering them keeps memo keys short.
const settingsIds = new WeakMap<object, number>();
let nextSettingsId = 0;
const NO_OVERRIDES = {};

function settingsId(settings: object): number {
	let id = settingsIds.get(settings);
	if (id === undefined) {
		id = nextSettingsId++;
		settingsIds.set(settings, id);
	}
	return id;
}

/**
 * A module an inline script imports from another host (`import "…"`, `import … from "…"`,
 * `export … from "…"`, `import("…")`): the browser fetches it with no element or property the runtime
 * could hold, so its URL is read from the script's text. A bare name goes through the page's import
 * map, which the guard does not read.
 */
const IMPORTED_URL = /\b(?:import|from)\s*\(?\s*["'`]((?:https?:)?\/\/[^"'`\s]+)/gi;

/** A `denied` test for rules that denies nothing and notes the purposes of the trackers it is asked about. */
function trackersNoted(overrides: TrackerOverrides | undefined) {
	const trackers: TrackerPurpose[] = [];
	const noted = (url: string) => {
		const purpose = classifyTrackerUrl(url, overrides);
		if (purpose !== null && !trackers.includes(purpose)) trackers.push(purpose);
		return false;
	};
	return { trackers, noted };
}

/** A key prefix naming everything a verdict depends on besides the text itself. */
export function settingsKey(overrides: TrackerOverrides | undefined, strip: StripOptions): string {
	const stripping = [strip.extra ?? [], strip.keep ?? [], strip.keepUtm === true, strip.baseHost ?? ""];
	return `${settingsId(overrides ?? NO_OVERRIDES)}${JSON.stringify(stripping)}\n`;
}

/** The settings the memos' verdicts were worked out under: they start over when it changes. */
let memoSettings: string | undefined;

/** `http`: the page is served over plain http, where `https:host/p` names the host (tracker-hosts.ts). */
export function pageVerdicts(
	overrides: TrackerOverrides | undefined,
	strip: StripOptions,
	http = false,
): PageVerdicts {
	// Keyed by the text alone: a key made of the settings and the text was a new string to build,
	// flatten and hash at every lookup, the costliest function of ours in a rewrite whose verdicts are
	// all remembered (bench/HISTORY.md, session 9). An isolate serves one deployment, whose settings
	// do not change.
	const settings = settingsKey(overrides, strip);
	if (settings !== memoSettings) {
		links.clear();
		urls.clear();
		scripts.clear();
		rules.clear();
		memoSettings = settings;
	}
	const strippedUrl = (url: string) => {
		const stripped = stripTrackingParams(url, strip);
		return stripped === url ? null : stripped;
	};
	return {
		strippedLink: (raw) => links.get("", raw, () => stripAttributeUrl(raw, strip)),
		strippedUrl,
		urlPurpose: (raw) =>
			urls.get(http ? "h" : "", raw, () => classifyTrackerUrl(decodeAttribute(raw), overrides, http)),
		scriptPurposes: (source) =>
			scripts.get("", source, () => {
				const purposes = inlineScriptPurposes(source, overrides);
				for (const [, url] of source.matchAll(IMPORTED_URL)) {
					const purpose = classifyTrackerUrl(url as string, overrides);
					if (purpose !== null && !purposes.includes(purpose)) purposes.push(purpose);
				}
				return purposes;
			}),
		speculationRules: (source) =>
			rules.get("s", source, () => {
				const { trackers, noted } = trackersNoted(overrides);
				const kept = guardedSpeculationRules(source, noted, strippedUrl);
				return { trackers, kept };
			}),
		importMapPurposes: (source) =>
			rules.get("m", source, () => {
				const { trackers, noted } = trackersNoted(overrides);
				guardedImportMap(source, noted);
				return { trackers, kept: null };
			}).trackers,
	};
}
