/**
 * Import maps (`<script type="importmap">`): a module's `import "pixel"` loads whatever the map's
 * `imports` (or a matching scope's) gives the bare name, with no element or property the runtime could
 * hold. An entry giving a denied tracker's URL goes, so the name no longer resolves there (the import
 * fails, as one of the tracker's URL written out is gated); every other entry stays.
 */
import { jsonInScript } from "./speculation-rules";

/** The map without the entries mapping to a denied tracker; null when none does, or it does not parse. */
export function guardedImportMap(json: string, denied: (url: string) => boolean): string | null {
	try {
		const map = JSON.parse(json);
		let changed = false;
		for (const entries of mappings(map)) {
			for (const [name, url] of Object.entries(entries)) {
				if (typeof url !== "string" || !denied(url)) continue;
				delete entries[name];
				changed = true;
			}
		}
		return changed ? jsonInScript(map) : null;
	} catch {
		return null;
	}
}

type Entries = Record<string, unknown>;

function isEntries(value: unknown): value is Entries {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The map's `imports` and each scope's entries. */
function mappings(map: unknown): Entries[] {
	if (!isEntries(map)) return [];
	const scopes = isEntries(map.scopes) ? Object.values(map.scopes).filter(isEntries) : [];
	return isEntries(map.imports) ? [map.imports, ...scopes] : scopes;
}
