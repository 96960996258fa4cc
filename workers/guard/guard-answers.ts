/**
 * The guard's own answers: a denied beacon's 204 and the redirect a guarded navigation with tracking
 * parameters gets. The redirect keeps scheme, host and path and every other parameter byte for byte.
 * Its Location is relative, so it cannot leave the site (a path starting `//` would read as another
 * host, so that one is spelled out on the request's own origin). 302, never a cacheable 301/308, and
 * neither answer is ever stored: another visitor may not be guarded. Stripping is idempotent, so the
 * target is never redirected again.
 */
import { NO_STORE } from "../http/responses";
import { RepeatMemo } from "../memo/repeat-memo";
import { type GuardLabels, LABEL_SETS, labelBits, labelText } from "./response-headers";

/** `origin` is the request's own (scheme, host and port). */
export function redirectLocation(origin: string, strippedPathAndQuery: string): string {
	const second = strippedPathAndQuery.charCodeAt(1);
	const ambiguous = second === 47 /* / */ || second === 92; /* \ */
	return ambiguous ? `${origin}${strippedPathAndQuery}` : strippedPathAndQuery;
}

/** The redirect of a guarded navigation to `strippedPathAndQuery`, labelled, with any expiry lines. */
export function navigationRedirect(
	origin: string,
	strippedPathAndQuery: string,
	labels: GuardLabels,
	expiry: readonly string[],
): Response {
	return guardAnswer(302, redirectLocation(origin, strippedPathAndQuery), labels, expiry);
}

/** The 204 a denied beacon gets, labelled, with any expiry lines. */
export function blockedBeacon(labels: GuardLabels, expiry: readonly string[]): Response {
	return guardAnswer(204, null, labels, expiry);
}

/**
 * Without expiry lines these answers repeat (every denied beacon of a page gets the same 204, every
 * visitor following the same campaign link the same redirect), so their headers are made into one
 * Headers at a repeat's second sight and handed to every later answer: a Response copies the Headers
 * it is given, which costs the runtime about half the work of taking the same fields from an object
 * (bench/README.md, "Counting instructions"). A Location seen once costs nothing to hold.
 */
const madeHeaders = new RepeatMemo<Headers>(256, 2048);

/** The memo's key prefix for each status and set of labels (labelBits): made once, not per answer. */
const kindsOf = (status: 204 | 302) => Array.from({ length: LABEL_SETS }, (_, bits) => `${status} ${bits}\n`);
const KINDS = { 204: kindsOf(204), 302: kindsOf(302) };

function guardAnswer(
	status: 204 | 302,
	location: string | null,
	labels: GuardLabels,
	expiry: readonly string[],
): Response {
	const bits = labelBits(labels);
	const label = labelText(bits);
	if (expiry.length === 0) {
		const kind = KINDS[status][bits] as string;
		const text = location ?? "";
		let headers = madeHeaders.recall(kind, text);
		if (headers === undefined) {
			madeHeaders.remember(kind, text, () => {
				headers = new Headers(answerFields(location, label));
				return headers;
			});
		}
		return new Response(null, { status, headers: headers ?? answerFields(location, label) });
	}
	const headers = new Headers(answerFields(location, label));
	for (const line of expiry) headers.append("Set-Cookie", line);
	return new Response(null, { status, headers });
}

/** As an object, not an array of pairs: pairs cost the runtime about three times the work. */
function answerFields(location: string | null, label: string): Record<string, string> {
	const fields: Record<string, string> =
		location === null ? { "Cache-Control": NO_STORE } : { Location: location, "Cache-Control": NO_STORE };
	fields["X-Consent-Guard"] = label;
	return fields;
}
