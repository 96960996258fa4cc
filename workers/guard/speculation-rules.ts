/**
 * Speculation rules (`<script type="speculationrules">`): the browser prefetches or prerenders each URL of a rule's `urls` list by itself, before any
 * click, with no element the runtime could hold. A tracker's URL of a denied purpose leaves its list
 * (Chromium takes a list left empty, and the other rules still run), and the site's own URLs lose
 * tracking parameters, as links do. Document rules (`where`) pick links of the page as it is then,
 * those a script adds included, and a link may name a tracker: each is held to the rules' own origin
 * (`href_matches: "/*"`), where every request comes through the guard, unless its `where` already is.
 * Null when nothing changes, or when the rules do not parse (the browser ignores those too).
 */
export function guardedSpeculationRules(
	json: string,
	denied: (url: string) => boolean,
	stripped: (url: string) => string | null,
): string | null {
	let changed = false;
	const guardUrls = (key: string, value: unknown) => {
		if (key !== "urls" || !Array.isArray(value)) return value;
		// A list holding anything but strings is refused by the browser; here it throws, and is left so.
		const urls = value.filter((url) => !denied(url)).map((url) => stripped(url) ?? url);
		changed ||= urls.join(" ") !== value.join(" ");
		return urls;
	};
	try {
		const rules = JSON.parse(json, guardUrls);
		for (const action of ["prefetch", "prerender"]) {
			const list = rules?.[action];
			if (Array.isArray(list)) for (const rule of list) changed = ownOriginOnly(rule) || changed;
		}
		return changed ? jsonInScript(rules) : null;
	} catch {
		return null;
	}
}

/** A `where` condition matching only links of the rules' own origin (a path, resolved against it). */
const OWN_ORIGIN = { href_matches: "/*" };

/**
 * Holds a document rule to the rules' own origin; true when it was not already. A rule is a document
 * rule by its `source` or, without one, by having no `urls` (Chromium infers it); one with no
 * `where` picks every link.
 */
function ownOriginOnly(rule: unknown): boolean {
	if (rule === null || typeof rule !== "object" || Array.isArray(rule)) return false;
	const fields = rule as { source?: unknown; urls?: unknown; where?: unknown };
	if (fields.source !== "document" && (fields.source !== undefined || "urls" in fields)) return false;
	if (matchesOwnOnly(fields.where)) return false;
	fields.where = fields.where === undefined ? OWN_ORIGIN : { and: [fields.where, OWN_ORIGIN] };
	return true;
}

/**
 * Whether a condition can only match links of the rules' own origin: `href_matches` by paths alone
 * (`/*`, as WordPress's), or an `and` holding one. Anything else (another
 * host's pattern, `selector_matches`, `not`) may match a tracker's link.
 */
function matchesOwnOnly(where: unknown): boolean {
	if (where === null || typeof where !== "object") return false;
	const condition = where as { href_matches?: unknown; and?: unknown };
	const patterns = Array.isArray(condition.href_matches) ? condition.href_matches : [condition.href_matches];
	if (patterns.every((pattern) => typeof pattern === "string" && /^\/(?!\/)/.test(pattern))) return true;
	return Array.isArray(condition.and) && condition.and.some(matchesOwnOnly);
}

/** JSON to write inside a script: a `<` stays escaped, as JSON allows, so `</script>` cannot end it. */
export function jsonInScript(value: unknown): string {
	return JSON.stringify(value).replace(/</g, "\\u003c");
}
