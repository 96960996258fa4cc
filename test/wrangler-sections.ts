/**
 * wrangler.toml's sections as written (header and the `key = value` lines under it), for tests that
 * check the configuration the code relies on in both the development and the production config.
 */
import wranglerToml from "../wrangler.toml?raw";

export interface TomlSection {
	/** E.g. `[[env.production.queues.consumers]]`. */
	readonly header: string;
	readonly values: ReadonlyMap<string, string>;
}

export function wranglerSections(): TomlSection[] {
	const sections: { header: string; values: Map<string, string> }[] = [];
	let current = { header: "", values: new Map<string, string>() };
	for (const line of wranglerToml.split("\n")) {
		if (/^\[/.test(line)) {
			current = { header: line.trim(), values: new Map() };
			sections.push(current);
			continue;
		}
		const pair = /^(\w+) = (.*)$/.exec(line);
		if (pair?.[1] && pair[2] !== undefined) current.values.set(pair[1], pair[2]);
	}
	return sections;
}

/** The queue consumers for `queue`, development's first, then production's. */
export function queueConsumers(queue: string): TomlSection[] {
	return wranglerSections().filter(
		(s) => s.header.endsWith("queues.consumers]]") && s.values.get("queue") === JSON.stringify(queue),
	);
}
