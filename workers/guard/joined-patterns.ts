/**
 * Many patterns tried against one text, most texts matching none (a page's ordinary paths and
 * scripts): joined into one alternation, they are tried in one pass first, and each alone only when
 * the join matched. A pattern joins only when the alternation keeps its meaning: no flags (a join
 * would drop them) and no backreference or named group (a join would renumber or repeat them).
 */

/** Whether `pattern` can be joined with others and match exactly where it matches alone. */
export function joinable(pattern: RegExp): boolean {
	return pattern.flags === "" && !/\\[1-9]|\\k<|\(\?<[A-Za-z_$]/.test(pattern.source);
}

/** One pattern that matches wherever one of `patterns` (each joinable) does; none matches nothing. */
export function joinPatterns(patterns: readonly RegExp[]): RegExp {
	return new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join("|") || "(?!)");
}
