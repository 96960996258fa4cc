/**
 * Shapes the origin's answer for a guarded visitor: a stripped `Location` or `Refresh`, the origin's
 * tracking `Set-Cookie` lines of denied purposes dropped, our expiry lines added, and for pages the
 * header changes plus (GET bodies only) the HTML rewrite. A response with nothing to change is relayed as is.
 */
import { joinedBytes } from "../http/request-body";
import { dropTrackingSetCookies } from "./cookie-guard";
import { runtimeScriptTag, scriptNonce } from "./guard-runtime";
import { type GuardedPage, rewrittenPage } from "./guarded-pages";
import { connectionFields } from "./hop-by-hop";
import { AMBIGUOUS_MARKUP, type HtmlGuardOptions, rewriteHtml, rewriteUndeclaredHtml } from "./html-guard";
import type { Insistence } from "./insisted-locations";
import { dropDeniedLinkHints } from "./link-hints";
import { guardedLocation } from "./location-guard";
import { lockedPageLinks } from "./locked-page-links";
import { GatewayError } from "./origin-fetch";
import { publicOriginFields, replaceFields, type VisitorSite } from "./origin-headers";
import { namesCharset } from "./page-charset";
import { refreshUrlSpan } from "./refresh-url";
import { type GuardLabels, guardHtmlHeaders, hasLabels, isHtml, labelValue } from "./response-headers";
import { type KeptPage, type RevalidatedPage, updatedHeaders } from "./revalidated-pages";
import { dropSpeculationRules } from "./speculation-rules-header";
import type { TrackerPurpose } from "./tracker-purpose";

export interface ResponseGuard {
	readonly method: string;
	/** The request's URL and ORIGIN's host, asked for only when the origin answers with a Location. */
	readonly url: () => URL;
	readonly originHost: () => string | null;
	/** ORIGIN itself: header fields naming it are made the visitor's site's (origin-headers.ts). */
	readonly origin: string;
	readonly site: VisitorSite;
	readonly denied: ReadonlySet<TrackerPurpose>;
	readonly html: HtmlGuardOptions;
	readonly expiry: readonly string[];
	readonly labels: GuardLabels;
	readonly now: number;
	/** The `Set-Cookie` line letting the navigation to an insisted-on target through (insisted-locations.ts). */
	readonly insistedCookie: (insisted: Insistence) => Promise<string>;
	/** Whether the request is for a page (request-kind.ts): a 304 naming no type is then a page's. */
	readonly documentRequest: () => boolean;
	/** Called with a page read whole, once rewritten (revalidated-pages.ts keeps it). */
	readonly keepPage?: (res: Response, page: ArrayBuffer) => void;
}

/**
 * A page the origin sent with its length was complete before it was sent, so up to this size it is
 * rewritten whole and answered in one piece: streamed out, the rewrite's output is flushed at every
 * handler call, one small chunk each (114 chunks for the bench's 100 KB page), which cost about a third
 * of the guarded page's throughput. A page sent without a length (a server rendering it as it goes)
 * is rewritten as it streams, so its first bytes are not held back.
 */
export const WHOLE_PAGE_MAX_BYTES = 1 << 20;
/** A compressed page's length says little of its size once decoded (HTML shrinks 5-10x): 1 MiB / 8. */
export const WHOLE_ENCODED_PAGE_MAX_BYTES = WHOLE_PAGE_MAX_BYTES / 8;

function arrivesWhole(res: Response): boolean {
	const length = res.headers.get("Content-Length");
	if (length === null || !/^\d{1,7}$/.test(length)) return false;
	const encoding = res.headers.get("Content-Encoding")?.trim().toLowerCase() ?? "identity";
	const max =
		encoding === "identity" || encoding === "" ? WHOLE_PAGE_MAX_BYTES : WHOLE_ENCODED_PAGE_MAX_BYTES;
	return Number(length) <= max;
}

/**
 * The rewrite's options for one page: the guard's, and the runtime's tag, with the nonce the page's
 * Content-Security-Policy admits scripts by (a `strict-dynamic` policy runs nothing else).
 */
function pageOptions(guard: ResponseGuard, headers: Headers): HtmlGuardOptions {
	const { denied, overrides, strip } = guard.html;
	const nonce = scriptNonce(headers.get("Content-Security-Policy"));
	const runtime = runtimeScriptTag(denied, overrides, nonce);
	const metaCharset = !namesCharset(headers.get("Content-Type") ?? "");
	const proxied = { origin: guard.origin, site: guard.site.origin };
	const address = { url: guard.url, originHost: guard.originHost };
	const http = guard.site.origin.startsWith("http:");
	return { denied, overrides, strip, runtime, metaCharset, proxied, address, http };
}

/**
 * What a page gets when HTMLRewriter gives up on it (its parser stops at 3 MiB, a limit workerd fixes,
 * which about 25K unclosed nested elements reach): the origin's bytes under a policy that runs no
 * script and loads nothing from another site, rather than a 502 or the page as it came.
 */
export const LOCKDOWN_POLICY =
	"default-src 'self' data:; script-src 'none'; style-src 'self' 'unsafe-inline'";

/**
 * The rewrite of a page's bytes, read whole from `res` unless already in memory (a revalidated page),
 * and the target its meta refresh insists on (the answer's `ce_insisted` cookie, html-guard.ts); the
 * bytes as they came, `locked`, when the rewrite fails.
 */
async function rewrittenWhole(
	source: Response | RevalidatedPage,
	contentType: string,
	guard: ResponseGuard,
	html: HtmlGuardOptions,
): Promise<GuardedPage & { readonly locked?: true }> {
	let page: ArrayBuffer;
	try {
		page = source instanceof Response ? await source.arrayBuffer() : source.kept.page;
	} catch (err) {
		// The origin's body broke off: nothing whole to answer with.
		console.warn("origin page could not be read whole", err);
		throw new GatewayError(502, "bad_gateway", "The site could not be reached.");
	}
	try {
		const rewritten = await rewrittenPage(page, contentType, html);
		if (source instanceof Response) guard.keepPage?.(source, page);
		return rewritten;
	} catch (err) {
		console.warn("page could not be rewritten; sent locked down", err);
		// Its links still lose their tracking parameters, as the rewrite's would.
		return { bytes: lockedPageLinks(page, contentType, html.strip), insisted: null, locked: true };
	}
}

/**
 * A streamed page whose rewrite gives up mid-stream has had its headers sent: it cannot be locked
 * down, so it ends where the rewrite stopped, saying so (cut off unannounced, Chromium showed nothing).
 * A page the origin broke off is still broken off.
 */
const CUT_NOTICE = new TextEncoder().encode(
	'<p role="alert">The rest of this page could not be shown with your privacy choices applied.</p>',
);

/**
 * The pieces of a rewritten stream passed on joined: HTMLRewriter hands out a piece per stretch it
 * copied or changed (about 170 for the bench's 100 KB page), and each piece through a stream of this
 * Worker's own costs the visitor's answer a write of its own: the bench's streamed page took 2.2x as
 * long as with them joined (bench/HISTORY.md, session 47). What arrived together goes out together, at
 * the next turn of the event loop at the latest, or at JOINED_BYTES: a page's head is not held back
 * waiting for its body.
 */
const JOINED_BYTES = 32 * 1024;

/**
 * The rewritten stream as the visitor gets it: its pieces joined, and a notice where the rewrite gave
 * up. Read with a reader of our own rather than piped through a TransformStream, whose write, transform
 * and read promises for each of HTMLRewriter's pieces left the bench's streamed page at 0.64-0.81 of the
 * requests/s it serves now (bench/HISTORY.md, session 49). The rewrite is read no further ahead than
 * the visitor: once a joined piece waits unread, the next read waits for the visitor's.
 */
function noticedWhereCut(rewritten: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
	const reader = rewritten.getReader();
	let held: Uint8Array[] = [];
	let size = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let visitorRead: (() => void) | undefined;
	let cancelled = false;
	let out!: ReadableStreamDefaultController<Uint8Array>;
	const stopTimer = () => {
		if (timer !== undefined) clearTimeout(timer);
		timer = undefined;
	};
	const passOn = () => {
		stopTimer();
		if (size === 0 || cancelled) return;
		out.enqueue(held.length === 1 ? (held[0] as Uint8Array) : joinedBytes(held, size));
		held = [];
		size = 0;
	};
	const pump = async () => {
		for (;;) {
			const { done, value } = await reader.read();
			if (cancelled) return;
			if (done) break;
			held.push(value);
			size += value.byteLength;
			if (size >= JOINED_BYTES) passOn();
			else timer ??= setTimeout(passOn, 0);
			if ((out.desiredSize ?? 0) <= 0) await new Promise<void>((resolve) => (visitorRead = resolve));
		}
		passOn();
		out.close();
	};
	const cutOff = (err: unknown) => {
		if (cancelled) return;
		if (!String(err).includes("Parser error") && !String(err).includes(AMBIGUOUS_MARKUP)) {
			// Broken off (the origin's page was): what is held goes nowhere, and nothing more reaches them.
			stopTimer();
			return out.error(err);
		}
		console.warn("page could not be rewritten mid-stream; cut off with a notice", err);
		passOn();
		out.enqueue(CUT_NOTICE);
		out.close();
	};
	return new ReadableStream<Uint8Array>({
		start(controller) {
			out = controller;
			pump().catch(cutOff);
		},
		pull() {
			visitorRead?.();
			visitorRead = undefined;
		},
		cancel(reason) {
			cancelled = true;
			stopTimer();
			visitorRead?.();
			return reader.cancel(reason);
		},
	});
}

/** A page sent as the origin wrote it under LOCKDOWN_POLICY, labelled so. */
function lockDown(headers: Headers, labels: GuardLabels): void {
	headers.append("Content-Security-Policy", LOCKDOWN_POLICY);
	labels.rewritten = false;
	labels.private = true;
	labels.blocked = true;
}

/** A streamed page whose charset its head declares; rejects if the page breaks off before that. */
async function rewrittenUndeclared(
	body: ReadableStream<Uint8Array>,
	contentType: string,
	html: HtmlGuardOptions,
): Promise<ReadableStream | null> {
	try {
		return await rewriteUndeclaredHtml(body, contentType, html);
	} catch (err) {
		// Nothing has been answered yet: say the site could not be reached rather than drop the line.
		console.warn("origin page broke off before its head", err);
		throw new GatewayError(502, "bad_gateway", "The site could not be reached.");
	}
}

/** No body to rewrite (204, 304), or only part of one (206, whose byte ranges must stay true). */
function rewritable(status: number): boolean {
	return status !== 204 && status !== 304 && status !== 206;
}

/** What guardHeaders changed that its caller acts on. */
interface GuardedHeaders {
	/** The page's content type, or null when the answer is not a page. */
	readonly contentType: string | null;
	/** What a Location or Refresh relayed unstripped insists on (location-guard.ts), or null. */
	readonly insisted: Insistence | null;
	/**
	 * Whether headers changed without a label: fields naming ORIGIN made the visitor's site's
	 * (origin-headers.ts), the origin's hop-by-hop fields removed (hop-by-hop.ts).
	 */
	readonly relocated: boolean;
	/** Whether a field naming ORIGIN was made the visitor's (the headers then hold the request's host). */
	readonly onSite: boolean;
}

/**
 * Whether the answer is a page's: an HTML type, or a 304 naming none (as most do) to a request for a
 * page, which must carry the Vary and Cache-Control of the page's 200 (RFC 9110 §15.4.5).
 */
function isPage(status: number, contentType: string | null, guard: ResponseGuard): boolean {
	if (contentType !== null) return isHtml(contentType);
	return status === 304 && guard.documentRequest();
}

/**
 * The guard's changes to an answer's headers (ours to change): a stripped `Location` or `Refresh`,
 * denied tracking cookies dropped, expiry lines added, and for a page its header changes, labelled
 * `rewritten` where its body is (`rewrites`) and `private` where only its headers change.
 */
function guardHeaders(
	status: number,
	headers: Headers,
	guard: ResponseGuard,
	rewrites: boolean,
): GuardedHeaders {
	const { labels } = guard;
	// The origin's hop-by-hop fields go first, named by a Connection header still among these.
	const hopFields = connectionFields(status, headers);
	for (const name of hopFields) headers.delete(name);
	const onSite = publicOriginFields(headers, guard.origin, guard.site);
	replaceFields(headers, onSite);
	const location = headers.get("Location");
	const verdict =
		location === null ? null : guardedLocation(location, guard.url(), guard.originHost(), guard.html.strip);
	if (verdict !== null && "stripped" in verdict) {
		headers.set("Location", verdict.stripped);
		labels.stripped = true;
	}
	const insisted =
		verdict !== null && "insisted" in verdict
			? { target: verdict.insisted, delay: 0 }
			: guardRefresh(headers, guard);
	if (dropTrackingSetCookies(headers, guard.denied, guard.now)) labels.blocked = true;
	if (dropDeniedLinkHints(headers, guard.denied, guard.html.overrides)) labels.blocked = true;
	if (dropSpeculationRules(headers)) labels.blocked = true;
	for (const line of guard.expiry) headers.append("Set-Cookie", line);
	const contentType = headers.get("Content-Type");
	const relocated = onSite.length > 0 || hopFields.length > 0;
	// Literals, not a spread of one object into another: a spread's result takes a shape V8 keeps only
	// while such an object is alive, and guardResponse's optimized code, which had inlined this, was
	// dropped with it at every full collection (bench/deopt-trace.mjs; bench/HISTORY.md, session 48).
	const site = onSite.length > 0;
	if (!isPage(status, contentType, guard)) return { contentType: null, insisted, relocated, onSite: site };
	guardHtmlHeaders(headers);
	if (rewrites) labels.rewritten = true;
	else labels.private = true;
	return { contentType, insisted, relocated, onSite: site };
}

/**
 * A `Refresh` navigates as a redirect does (`Refresh: 0; url=…` on a 200), so its URL is stripped as a
 * Location's is, and relayed as written where the stripped URL is the page itself (it would refresh
 * for ever): the target the origin insists on, or null.
 */
function guardRefresh(headers: Headers, guard: ResponseGuard): Insistence | null {
	const refresh = headers.get("Refresh");
	const span = refresh === null ? null : refreshUrlSpan(refresh);
	if (refresh === null || span === null) return null;
	const url = refresh.slice(span.start, span.end);
	const verdict = guardedLocation(url, guard.url(), guard.originHost(), guard.html.strip);
	if (verdict === null) return null;
	if ("insisted" in verdict) return { target: verdict.insisted, delay: span.delay };
	headers.set("Refresh", `${refresh.slice(0, span.start)}${verdict.stripped}${refresh.slice(span.end)}`);
	guard.labels.stripped = true;
	return null;
}

export async function guardResponse(res: Response, guard: ResponseGuard): Promise<Response> {
	// A switched protocol (WebSocket) carries no page and no cookies worth touching.
	if (res.status === 101) return res;
	const headers = new Headers(res.headers);
	let body: ReadableStream | ArrayBuffer | Blob | null = res.body;
	const rewrites = guard.method === "GET" && rewritable(res.status) && res.body !== null;
	const guarded = guardHeaders(res.status, headers, guard, rewrites);
	const { contentType, relocated } = guarded;
	let { insisted } = guarded;
	if (contentType !== null && rewrites && res.body !== null) {
		const html = pageOptions(guard, headers);
		if (arrivesWhole(res)) {
			const page = await rewrittenWhole(res, contentType, guard, html);
			body = answerBody(page.bytes);
			if (page.locked) lockDown(headers, guard.labels);
			// A Location or a Refresh header is followed before the page's own refresh is read.
			insisted ??= page.insisted;
		} else {
			const streamed = namesCharset(contentType)
				? rewriteHtml(res.body, contentType, html)
				: await rewrittenUndeclared(res.body, contentType, html);
			body = streamed && noticedWhereCut(streamed);
		}
	}
	const insistence = insisted === null ? null : await guard.insistedCookie(insisted);
	if (insistence !== null) headers.append("Set-Cookie", insistence);
	else if (!hasLabels(guard.labels) && !relocated) return res;
	if (hasLabels(guard.labels)) headers.set("X-Consent-Guard", labelValue(guard.labels));
	return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

/**
 * A remembered rewrite is answered through its Blob's stream, not the Blob: workerd copies either, but
 * the Blob's answer faulted fresh pages into the process at every view, which the kernel zeroes (5.5-9.9
 * a view of the bench's page, 2.5-4.7 streamed: bench/HISTORY.md, session 38). Same bytes and length.
 */
function answerBody(bytes: ArrayBuffer | Blob): ArrayBuffer | ReadableStream {
	return bytes instanceof Blob ? bytes.stream() : bytes;
}

/** A kept page the origin revalidated (a GET's 200 from a 304): its bytes, rewritten when a page. */
export async function guardRevalidated(page: RevalidatedPage, guard: ResponseGuard): Promise<Response> {
	const { headers, contentType, insisted: byHeader } = revalidatedAnswerHeaders(page, guard);
	const { kept } = page;
	const rewritten =
		contentType === null ? null : await rewrittenWhole(page, contentType, guard, pageOptions(guard, headers));
	const body = rewritten === null ? kept.page : answerBody(rewritten.bytes);
	const answer = new Response(body, { status: 200, statusText: kept.statusText, headers });
	if (rewritten?.locked) {
		lockDown(answer.headers, guard.labels);
		answer.headers.set("X-Consent-Guard", labelValue(guard.labels));
	}
	// The headers may be reused (never their cookie): the page's refresh is this request's.
	const insisted = byHeader ?? rewritten?.insisted ?? null;
	if (insisted !== null) answer.headers.append("Set-Cookie", await guard.insistedCookie(insisted));
	return answer;
}

/** A revalidated page's answer headers, with what they were made from. */
interface MadeHeaders {
	readonly updates: RevalidatedPage["updates"];
	/** The request's own labels (before the guard's header changes added theirs). */
	readonly stripped: boolean;
	readonly blocked: boolean;
	readonly headers: Headers;
	readonly contentType: string | null;
	/** The denied purposes the headers were made for (Link hints depend on them). */
	readonly denied: string;
	/** The target of a Refresh relayed unstripped, the page insisting on it (never reused). */
	readonly insisted: Insistence | null;
}

/** The answer headers last made for each kept page (they go with it when it is dropped). */
const madeHeaders = new WeakMap<KeptPage, MadeHeaders>();

function sameUpdates(a: RevalidatedPage["updates"], b: RevalidatedPage["updates"]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		const [name, value] = a[i] as readonly [string, string];
		const [otherName, otherValue] = b[i] as readonly [string, string];
		if (name !== otherName || value !== otherValue) return false;
	}
	return true;
}

/**
 * The made headers again for a 304 whose updates differ from theirs only in the value of `Date`, which
 * a server sends anew every second: a copy with the 304's `Date`. A page revalidated less often than
 * once a second in an isolate otherwise had its headers made afresh at every view, the work session
 * 13 counted at about 150k instructions per request (bench/HISTORY.md). Null when another field
 * changed, or when the made headers do not carry the 304's `Date` as it came (a `Connection` naming
 * it took it out): those are made afresh.
 */
function redated(known: MadeHeaders, updates: RevalidatedPage["updates"]): MadeHeaders | null {
	if (known.updates.length !== updates.length) return null;
	let date: string | null = null;
	for (let i = 0; i < updates.length; i++) {
		const [name, value] = known.updates[i] as readonly [string, string];
		const [newName, newValue] = updates[i] as readonly [string, string];
		if (name !== newName) return null;
		if (value === newValue) continue;
		if (name !== "date" || known.headers.get("Date") !== value) return null;
		date = newValue;
	}
	if (date === null) return null;
	// A copy: an answer still being made with the last headers keeps its own Date.
	const headers = new Headers(known.headers);
	headers.set("Date", date);
	return { ...known, updates, headers };
}

/**
 * The answer's headers: the kept page's as the 304 updated them, with the guard's changes. Without
 * cookie lines (the request's expiry lines, the 304's Set-Cookie), without a Location or a Refresh and
 * without a field naming ORIGIN (made to name the request's host, origin-headers.ts), those
 * changes depend on nothing but the updated headers and the request's labels, so the headers a kept
 * page's answer was made with are reused for the next request with the same labels whose 304 brings
 * the same updates, values and all, or the same but for its `Date` (redated). `new Response` copies
 * them: an answer's headers changed by whoever receives it do not reach the next.
 */
function revalidatedAnswerHeaders(page: RevalidatedPage, guard: ResponseGuard): MadeHeaders {
	const { labels } = guard;
	const { stripped, blocked } = labels;
	const reusable = guard.expiry.length === 0 && page.setCookies.length === 0;
	const known = reusable ? madeHeaders.get(page.kept) : undefined;
	const denied = [...guard.denied].sort().join(" ");
	if (
		known !== undefined &&
		known.denied === denied &&
		known.stripped === stripped &&
		known.blocked === blocked
	) {
		const reused = sameUpdates(known.updates, page.updates) ? known : redated(known, page.updates);
		if (reused !== null) {
			if (reused !== known) madeHeaders.set(page.kept, reused);
			labels.rewritten = reused.contentType !== null;
			return reused;
		}
	}
	const headers = updatedHeaders(page);
	const { contentType, onSite, insisted } = guardHeaders(200, headers, guard, true);
	if (hasLabels(labels)) headers.set("X-Consent-Guard", labelValue(labels));
	const made = { updates: page.updates, stripped, blocked, headers, contentType, denied, insisted };
	// A Location's or a Refresh's verdict depends on the request's URL.
	const requestBound = onSite || headers.has("Location") || headers.has("Refresh");
	if (reusable && !requestBound && !headers.has("Set-Cookie")) madeHeaders.set(page.kept, made);
	return made;
}
