/** A write body's first schema issue (valibot) as the one line of its `invalid_body` error. */
import * as v from "valibot";

/**
 * `path: what is wrong`, or `fallback` without an issue. A missing member reads `email: required.`:
 * valibot words it `Invalid key: Expected "email" but received undefined`, which names no fault a
 * caller would recognise.
 */
export function bodyIssueMessage(issues: readonly v.BaseIssue<unknown>[], fallback: string): string {
	const first = issues[0];
	if (!first) return fallback;
	const path = v.getDotPath(first) ?? "body";
	const missing =
		first.kind === "schema" && first.input === undefined && first.path?.at(-1)?.origin === "key";
	return `${path}: ${missing ? "required." : first.message}`;
}
