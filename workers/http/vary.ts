/** Merging response `Vary` values: add what is missing, case-insensitively; `*` already covers all. */
export function mergeVary(existing: string | null, add: readonly string[]): string {
	const current = (existing ?? "")
		.split(",")
		.map((name) => name.trim())
		.filter(Boolean);
	if (current.includes("*")) return "*";
	const names = new Set(current.map((name) => name.toLowerCase()));
	return [...current, ...add.filter((name) => !names.has(name.toLowerCase()))].join(", ");
}
