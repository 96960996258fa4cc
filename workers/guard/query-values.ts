/**
 * Reads raw query values by name for shape checks (beacons, tag loaders). Values stay undecoded:
 * the shapes tested (tag ids, digits, flags) contain no escapes.
 */

/** Raw name → first raw value of a query string (with or without its leading `?`). */
export function readQuery(search: string): Map<string, string> {
	const out = new Map<string, string>();
	const start = search.charCodeAt(0) === 63 ? 1 : 0;
	if (search.length <= start) return out;
	for (const part of search.slice(start).split("&")) {
		if (part === "") continue;
		const eq = part.indexOf("=");
		const name = eq === -1 ? part : part.slice(0, eq);
		if (!out.has(name)) out.set(name, eq === -1 ? "" : part.slice(eq + 1));
	}
	return out;
}
