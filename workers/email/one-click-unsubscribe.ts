/**
 * POST /unsubscribe?t=TOKEN: RFC 8058 one-click. Body `List-Unsubscribe=One-Click`, urlencoded or
 * multipart; no cookies or authorization are needed (any sent are ignored). Suppresses at once and
 * answers 200 with a short page, never a redirect (RFC 8058 §3.2). Idempotent. If D1 fails the
 * request is queued and still answered 200 (providers do not retry); only if the queue fails too is
 * it 503. Errors are plain text: the caller is usually a mail provider's server, and nothing
 * changes on an error; an error met by a person's browser (the confirmation page's button) is a
 * page.
 */
import { requireVerifyingKeys } from "../config/required-secrets";
import { type RequestContext, requestContext } from "../consent/request-context";
import { badBody, HttpError } from "../http/http-error";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { bodyKind, readBody } from "../http/request-body";
import { requestHeader, requestUrl } from "../http/request-inputs";
import { NO_STORE } from "../http/responses";
import { peopleErrorResponse } from "../pages/error-page";
import { renderPage } from "../pages/html-document";
import { pageLanguage } from "../pages/page-language";
import { htmlPage } from "../pages/page-response";
import { pageTheme } from "../pages/page-theme";
import {
	PAGE_POST_FIELD,
	PAGE_POST_VALUE,
	unsubscribeErrorMain,
	unsubscribeErrorTitle,
	unsubscribeResultMain,
	unsubscribeResultTitle,
} from "../pages/render-unsubscribe";
import { ALL_LISTS } from "../storage/suppression-repository";
import { suppressOrQueue } from "./deferred-suppression";
import { tokenError } from "./token-error";
import { type TokenProblem, verifyLinkToken } from "./unsubscribe-token";

function plainTextError(err: unknown): Response {
	const known =
		err instanceof HttpError ? err : new HttpError(500, "internal_error", "Something went wrong.");
	if (!(err instanceof HttpError)) console.error("unsubscribe failed", err);
	const headers = new Headers(known.headers);
	headers.set("Content-Type", "text/plain; charset=utf-8");
	headers.set("Cache-Control", NO_STORE);
	headers.set("X-Content-Type-Options", "nosniff");
	return new Response(`${known.status} ${known.code}: ${known.message}\n`, { status: known.status, headers });
}

/**
 * A person pressing the confirmation page's button: a link that stopped working since the page was
 * shown (expired, its signing key deleted) is told in a page, as the GET is; a mail provider's server
 * sends no Fetch Metadata and keeps the plain text. A browser that sends no Fetch Metadata either
 * (Safari before 16.4) still asks for HTML when it navigates.
 */
function isBrowserNavigation(request: Request): boolean {
	const mode = requestHeader(request, "Sec-Fetch-Mode");
	if (mode !== null) return mode === "navigate";
	return /\btext\/html\b/i.test(requestHeader(request, "Accept") ?? "");
}

function tokenErrorPage(
	request: Request,
	env: Env,
	rc: RequestContext,
	problem: TokenProblem,
): Promise<Response> {
	const lang = pageLanguage(request, rc.url);
	const page = renderPage({
		lang,
		title: unsubscribeErrorTitle(lang),
		main: unsubscribeErrorMain(lang, problem),
		theme: pageTheme(env, rc.url.origin),
		url: rc.url,
		privacyPolicyUrl: rc.settings.privacyPolicyUrl,
	});
	return htmlPage(page, { status: tokenError(problem).status });
}

export async function oneClickUnsubscribe(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
): Promise<Response> {
	try {
		const rc = requestContext(request, env, ctx);
		const check = await verifyLinkToken(rc.url.searchParams, requireVerifyingKeys(env), rc.now);
		if (!check.ok) {
			// Only tokens that fail count: a genuine one-click is never limited.
			await enforceLimit(env, "UNSUBSCRIBE_LIMITER", `unsubscribe-invalid:${clientAddress(request)}`);
			if (isBrowserNavigation(request)) return await tokenErrorPage(request, env, rc, check.problem);
			throw tokenError(check.problem);
		}
		if (bodyKind(request) !== "form") {
			throw new HttpError(
				415,
				"unsupported_media_type",
				"Send List-Unsubscribe=One-Click as application/x-www-form-urlencoded or multipart/form-data.",
			);
		}
		const body = await readBody(request, ["form"]);
		const fields = body.value as Record<string, string>;
		// Trimmed: a body written from a file or by some HTTP libraries ends with a line break.
		if (fields["List-Unsubscribe"]?.trim() !== "One-Click") {
			throw badBody("The body must be List-Unsubscribe=One-Click.");
		}
		const fromPage = fields[PAGE_POST_FIELD] === PAGE_POST_VALUE;
		await suppressOrQueue(env, {
			claim: check.claim,
			source: fromPage ? "link" : "one-click",
			jurisdiction: rc.jurisdiction,
			gpc: rc.gpc,
			now: rc.now,
		});
		const lang = pageLanguage(request, rc.url);
		const list = check.claim.list === ALL_LISTS ? null : check.claim.list;
		const page = renderPage({
			lang,
			title: unsubscribeResultTitle(lang, list, false),
			main: unsubscribeResultMain(lang, list, false),
			theme: pageTheme(env, rc.url.origin),
			url: rc.url,
			privacyPolicyUrl: rc.settings.privacyPolicyUrl,
		});
		return htmlPage(page);
	} catch (err) {
		// A person who pressed the confirmation's button reads what went wrong (an outage of D1 and the
		// queue, no SIGNING_KEY, the invalid-token limit) as a page in the page's language, not as the
		// plain text a mail provider's server gets.
		const url = URL.parse(requestUrl(request));
		if (err instanceof HttpError && isBrowserNavigation(request) && url)
			return peopleErrorResponse(err, request, url);
		return plainTextError(err);
	}
}
