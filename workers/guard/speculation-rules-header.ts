/**
 * The `Speculation-Rules` response header: a structured-field list of strings (RFC 8941), each the URL
 * of a rules file the browser fetches and follows. A file on the site's own origin comes through the
 * guard, which cleans it as it cleans inline rules (guard-response.ts). Another origin's never does,
 * and may name any tracker, even from a host the tables do not know: for a guarded visitor its URL
 * goes (the visitor loses that file's prefetches, a speed-up, and nothing else).
 */
import { linkMembers } from "./link-hints";
import type { VisitorSite } from "./origin-headers";

/** A member's string, unescaped (`\"`, `\\`), or null when it is not one the browser would take. */
function memberUrl(member: string): string | null {
	const string = /^"((?:[^"\\]|\\["\\])*)"(?:;.*)?$/s.exec(member.trim());
	return string === null ? null : (string[1] as string).replace(/\\(["\\])/g, "$1");
}

function onSite(url: string | null, site: VisitorSite): boolean {
	if (url === null) return false;
	try {
		return new URL(url, `${site.origin}/`).origin === site.origin;
	} catch {
		return false;
	}
}

/** Drops the header's rules files on other origins (or that do not parse); true when any went. */
export function dropOtherOriginRuleSets(headers: Headers, site: VisitorSite): boolean {
	const value = headers.get("Speculation-Rules");
	if (value === null) return false;
	const members = linkMembers(value);
	const kept = members.filter((member) => onSite(memberUrl(member), site));
	if (kept.length === members.length) return false;
	if (kept.length === 0) headers.delete("Speculation-Rules");
	else headers.set("Speculation-Rules", kept.map((member) => member.trim()).join(", "));
	return true;
}
