/**
 * Speculation rules (`<script type="speculationrules">`): the browser prefetches or prerenders each
 * URL of a rule's `urls` list by itself, before any click, with no element the runtime could hold.
 * A tracker's URL of a denied purpose leaves its list (Chromium takes a list left empty, and the other
 * rules still run), and the site's own URLs lose tracking parameters, as links do. Document rules
 * (`where`) pick links of the page, which the rewrite has already cleaned. Null when nothing changes,
 * or when the rules do not parse (the browser ignores those too).
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
		// A `<` written out could end the script (`</script>`): it stays escaped, as JSON allows.
		return changed ? JSON.stringify(rules).replace(/</g, "\\u003c") : null;
	} catch {
		return null;
	}
}
