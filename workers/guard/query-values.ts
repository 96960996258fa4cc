/**
 * Reads raw query values by name for shape checks (beacons, tag loaders). Values stay undecoded:
 * the shapes tested (tag ids, digits, flags) contain no escapes. A shape asks for one or two names,
 * so each is found by scanning the string: no map of every parameter is built for a request that
 * matches no shape.
 */

const QUESTION_MARK = 63;
const EQUALS = 61;

/**
 * The first raw value of `name` in a query string (with or without its leading `?`): "" for a bare
 * `name`, undefined when absent.
 */
export function queryValue(search: string, name: string): string | undefined {
	let from = search.charCodeAt(0) === QUESTION_MARK ? 1 : 0;
	for (;;) {
		const amp = search.indexOf("&", from);
		const end = amp === -1 ? search.length : amp;
		if (search.startsWith(name, from)) {
			const after = from + name.length;
			if (after === end) return "";
			if (after < end && search.charCodeAt(after) === EQUALS) return search.slice(after + 1, end);
		}
		if (amp === -1) return undefined;
		from = amp + 1;
	}
}

/** The raw names of a query string's parameters, in order (empty parts skipped). */
export function queryNames(search: string): string[] {
	const start = search.charCodeAt(0) === QUESTION_MARK ? 1 : 0;
	const names: string[] = [];
	if (search.length <= start) return names;
	for (const part of search.slice(start).split("&")) {
		if (part === "") continue;
		const eq = part.indexOf("=");
		names.push(eq === -1 ? part : part.slice(0, eq));
	}
	return names;
}
