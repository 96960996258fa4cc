/**
 * Resource hints in a `Link` response header (RFC 8288): a browser acts on `preload`, `preconnect`,
 * `dns-prefetch`, `prefetch` and `modulepreload` there as it does on `<link>` elements (and a CDN turns
 * them into 103 Early Hints), so a hint to a tracker of a denied purpose goes, like its element
 * counterpart in html-guard.ts. Every other member stays as the origin wrote it.
 */
import { classifyTrackerUrl } from "./tracker-hosts";
import type { TrackerOverrides, TrackerPurpose } from "./tracker-purpose";

const HINT_RELS = new Set(["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"]);
const REL = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;"]+))/i;

/** The members of a Link field, split at commas outside `<…>` and quoted strings. */
export function linkMembers(value: string): string[] {
	const members: string[] = [];
	let inUri = false;
	let inQuote = false;
	let start = 0;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (inQuote) {
			if (c === "\\") i++;
			else if (c === '"') inQuote = false;
		} else if (inUri) {
			if (c === ">") inUri = false;
		} else if (c === "<") inUri = true;
		else if (c === '"') inQuote = true;
		else if (c === ",") {
			members.push(value.slice(start, i));
			start = i + 1;
		}
	}
	members.push(value.slice(start));
	return members.filter((member) => member.trim() !== "");
}

function deniedHint(
	member: string,
	denied: ReadonlySet<TrackerPurpose>,
	overrides: TrackerOverrides | undefined,
): boolean {
	const open = member.indexOf("<");
	const close = member.indexOf(">", open + 1);
	if (open === -1 || close === -1) return false;
	const rel = REL.exec(member.slice(close + 1));
	const rels = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
	if (!rels.some((token) => HINT_RELS.has(token))) return false;
	const purpose = classifyTrackerUrl(member.slice(open + 1, close).trim(), overrides);
	return purpose !== null && denied.has(purpose);
}

/** Drops the `Link` hints to trackers of denied purposes; true when any went. */
export function dropDeniedLinkHints(
	headers: Headers,
	denied: ReadonlySet<TrackerPurpose>,
	overrides: TrackerOverrides | undefined,
): boolean {
	if (denied.size === 0) return false;
	const value = headers.get("Link");
	if (value === null) return false;
	const members = linkMembers(value);
	const kept = members.filter((member) => !deniedHint(member, denied, overrides));
	if (kept.length === members.length) return false;
	if (kept.length === 0) headers.delete("Link");
	else headers.set("Link", kept.map((member) => member.trim()).join(", "));
	return true;
}
