/**
 * The `Speculation-Rules` response header names rules files the browser fetches and follows (a list of
 * tracker URLs, document rules picking a tracker's link). Another origin's file never comes through
 * the guard, and the contract has it relay the site's own files untouched (it rewrites HTML bodies
 * only), so for a guarded visitor the header goes: the visitor loses those files' prefetches, a
 * speed-up, and nothing else. Inline rules, which the page rewrite cleans, stay.
 */
export function dropSpeculationRules(headers: Headers): boolean {
	if (!headers.has("Speculation-Rules")) return false;
	headers.delete("Speculation-Rules");
	return true;
}
