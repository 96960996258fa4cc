/**
 * Guard mode: every path the worker does not own is proxied to ORIGIN. Visitors whose decisions
 * allow tracking get the origin's response itself, untouched. Guarded visitors (ads or analytics
 * denied) have denied beacons answered 204, navigations carrying tracking parameters redirected to the
 * clean URL, other requests forwarded without those parameters or denied tracking cookies, and the
 * answer shaped by guardResponse.
 */
import { notConfigured } from "../config/required-secrets";
import { type RequestContext, requestContext } from "../consent/request-context";
import { cookieValue } from "../http/cookies";
import { HttpError } from "../http/http-error";
import { cookieHeader, requestMethod, requestUrl } from "../http/request-inputs";
import { type RequestTarget, requestTarget } from "../http/request-path";
import { errorResponse } from "../http/responses";
import { beaconPurpose } from "./beacons";
import { expiryLines, guardRequestCookies, type PresentedCookies, UNCHANGED } from "./cookie-guard";
import { blockedBeacon, navigationRedirect } from "./guard-answers";
import { GuardVerdict, guardDecision } from "./guard-decision";
import { guardResponse, guardRevalidated, type ResponseGuard } from "./guard-response";
import { type GuardSettings, guardSettingsFor } from "./guard-settings";
import { connectionFields } from "./hop-by-hop";
import { INSISTED_COOKIE, insistedCookie, insistedOn } from "./insisted-locations";
import { fetchOrigin, gatewayResponse } from "./origin-fetch";
import { publicOriginFields, replaceFields } from "./origin-headers";
import { isDocumentRequest, isNavigation } from "./request-kind";
import { type GuardLabels, noLabels } from "./response-headers";
import { fetchPage, keepPage } from "./revalidated-pages";
import { type StripOptions, stripTrackingParams } from "./strip-tracking-params";
import { upstreamRequest } from "./upstream-request";

/**
 * Synchronous as far as it can be: an answer made without I/O (a guarded visitor's beacon, a
 * stripping redirect) is returned as it is, with no promise and no await on its way.
 */
export function guardRequest(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
): Response | Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const origin = rc.settings.origin;
	if (origin === null) return errorResponse(new HttpError(404, "not_found", "No such endpoint."));
	if (rc.settings.invalidVars.includes("ORIGIN")) return gatewayResponse(originNotUsable(), request);
	const settings = guardSettingsFor(env);
	// Asked only when it matters (a GPC visitor's page may persist the opt-out; a request sent on to the
	// origin): most beacons and redirects are answered without reading the request's Fetch Metadata.
	let documentKind: boolean | undefined;
	const documentRequest = () => {
		documentKind ??= isDocumentRequest(request);
		return documentKind;
	};
	const answer = (verdict: GuardVerdict) =>
		verdict.guarded
			? guarded(rc, verdict, origin, settings, documentRequest)
			: forward(request, origin, settings.timeoutMs);
	const verdict = guardDecision(rc, documentRequest);
	return verdict instanceof GuardVerdict ? answer(verdict) : verdict.then(answer);
}

/** The deploy's fault, not the site's: a 502 would send its owner looking at a server that is fine. */
function originNotUsable(): HttpError {
	return notConfigured("ORIGIN", "ORIGIN is not a usable URL.");
}

/**
 * The request sent on to the origin unchanged (tracking allowed), its answer untouched but for the
 * fields naming ORIGIN itself, which are made to name the visitor's host (origin-headers.ts), and
 * the fields of the origin's own connection (hop-by-hop.ts).
 */
function forward(request: Request, origin: string, timeoutMs: number): Promise<Response> {
	const target = requestTarget(requestUrl(request));
	const upstream = upstreamRequest(request, target, origin, { pathAndQuery: target.pathAndQuery });
	return gatewayAnswered(request, async () => {
		const res = await fetchOrigin(upstream, timeoutMs);
		// A switched protocol (WebSocket) is relayed as it is, as for guarded visitors: a Response made
		// again would lose its socket, and one of status 101 cannot be made without it.
		if (res.status === 101) return res;
		const onSite = publicOriginFields(res.headers, origin, target);
		const hopFields = connectionFields(res.status, res.headers);
		if (onSite.length === 0 && hopFields.length === 0) return res;
		const headers = new Headers(res.headers);
		replaceFields(headers, onSite);
		for (const name of hopFields) headers.delete(name);
		return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
	});
}

/**
 * `answer()`, or for a failure on the worker's side it throws (a GatewayError, the 503 of a redirect
 * that cannot be signed) the answer that says so, a page for a browser: the visitor is on the site,
 * not calling the API. A client's own error (an upload short of its length) goes to the error handler.
 */
async function gatewayAnswered(request: Request, answer: () => Promise<Response>): Promise<Response> {
	try {
		return await answer();
	} catch (err) {
		if (err instanceof HttpError && err.status >= 500) return gatewayResponse(err, request);
		throw err;
	}
}

function guarded(
	rc: RequestContext,
	verdict: GuardVerdict,
	origin: string,
	settings: GuardSettings,
	documentRequest: () => boolean,
): Response | Promise<Response> {
	const { request } = rc;
	// The URL string is cut rather than parsed: only a redirect the origin answers needs it parsed.
	const target = requestTarget(requestUrl(request));
	const labels = noLabels();
	// Which purposes are denied is asked only when a cookie, a beacon or a page needs it.
	const cookiesSent = cookieHeader(request);
	const cookies = cookiesSent === null ? UNCHANGED : guardRequestCookies(cookiesSent, verdict.denied);
	// A section's cookie (`Path=/shop`) comes with the section's pages, where it is expired on the
	// page's own path and its ancestors too; an asset's or a beacon's answer expires it on `/` alone.
	const expiry =
		cookies.removed.length === 0
			? []
			: expiryLines(cookies.removed, target.hostname, documentRequest() ? target.pathname : "/");
	if (expiry.length > 0) labels.blocked = true;

	const beacon = beaconPurpose(target, settings.overrides);
	if (beacon !== null && verdict.denied.has(beacon)) {
		labels.blocked = true;
		return blockedBeacon(labels, expiry);
	}

	const strip = settings.stripFor(target.hostname);
	const pathAndQuery = target.pathAndQuery;
	const clean = stripTrackingParams(pathAndQuery, strip);
	if (clean !== pathAndQuery && isNavigation(request)) {
		const insisted = cookieValue(cookiesSent, INSISTED_COOKIE);
		if (insisted === undefined) return strippingRedirect(target, clean, labels, expiry);
		// The origin redirected here itself, insisting on these parameters: sent on as they are.
		const sent = { verdict, origin, settings, documentRequest, target, labels, cookies, expiry, strip };
		return insistedOn(pathAndQuery, insisted, rc.settings.signingKeys, rc.now).then((kept) =>
			kept ? sendOn(rc, sent, pathAndQuery) : strippingRedirect(target, clean, labels, expiry),
		);
	}
	if (clean !== pathAndQuery) labels.stripped = true;
	return sendOn(
		rc,
		{ verdict, origin, settings, documentRequest, target, labels, cookies, expiry, strip },
		clean,
	);
}

function strippingRedirect(
	target: RequestTarget,
	clean: string,
	labels: GuardLabels,
	expiry: readonly string[],
): Response {
	labels.stripped = true;
	return navigationRedirect(target.origin, clean, labels, expiry);
}

/** What guarded() worked out, for the answer it sends. */
interface SentRequest {
	readonly verdict: GuardVerdict;
	readonly origin: string;
	readonly settings: GuardSettings;
	readonly documentRequest: () => boolean;
	readonly target: RequestTarget;
	readonly labels: GuardLabels;
	readonly cookies: PresentedCookies;
	readonly expiry: readonly string[];
	readonly strip: StripOptions;
}

/** The request sent on to the origin as `pathAndQuery`, and its answer shaped by guardResponse. */
function sendOn(rc: RequestContext, sent: SentRequest, pathAndQuery: string): Promise<Response> {
	const { verdict, origin, settings, documentRequest, target, labels, cookies, expiry, strip } = sent;
	const { request } = rc;
	const upstream = upstreamRequest(request, target, origin, {
		pathAndQuery,
		cookie: cookies.upstream,
		// A page cached before this visitor was guarded must not be revalidated and reused.
		dropConditionals: documentRequest(),
	});
	// Only a page's own conditionals were dropped: any other request may carry the visitor's.
	const revalidating = documentRequest() && requestMethod(request) === "GET";
	const guard: ResponseGuard = {
		method: requestMethod(request),
		url: () => rc.url,
		originHost: () => hostOf(origin),
		origin,
		site: target,
		denied: verdict.denied,
		html: {
			// Asked only if the answer is a page: an asset needs no decision unless a cookie did.
			get denied() {
				return verdict.deniedPurposes;
			},
			overrides: settings.overrides,
			strip,
		},
		expiry,
		labels,
		now: rc.now,
		documentRequest,
		insistedCookie: (insisted) => insistedCookie(insisted, rc.settings.signingKeys, rc.secure, rc.now),
		keepPage: revalidating ? (answer, page) => keepPage(upstream, answer, page) : undefined,
	};
	return gatewayAnswered(request, async () => {
		if (!revalidating) return guardResponse(await fetchOrigin(upstream, settings.timeoutMs), guard);
		const answer = await fetchPage(upstream, settings.timeoutMs);
		return answer instanceof Response ? guardResponse(answer, guard) : guardRevalidated(answer, guard);
	});
}

function hostOf(origin: string): string | null {
	try {
		return new URL(origin).host;
	} catch {
		return null;
	}
}
