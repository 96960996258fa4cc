/** Response builders shared by every route. */
import type { HttpError } from "./http-error";

export const NO_STORE = "private, no-store";

export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
	// Callers that built their own Headers hand them over; copying would only cost time.
	const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
	headers.set("Content-Type", "application/json; charset=utf-8");
	if (!headers.has("Cache-Control")) headers.set("Cache-Control", NO_STORE);
	return new Response(JSON.stringify(data), { ...init, headers });
}

export function errorBody(code: string, message: string) {
	return { error: { code, message } };
}

export function errorResponse(err: HttpError): Response {
	return jsonResponse(errorBody(err.code, err.message), { status: err.status, headers: err.headers });
}

/** What an error page says, in the page's language, and where it leads back to. */
export interface ErrorPageText {
	readonly lang: string;
	readonly message: string;
	/** The error's own (developer) message, for a keyed caller's form post: it names the field at fault. */
	readonly detail?: string;
	readonly back?: { readonly href: string; readonly label: string };
}

/**
 * A minimal accessible HTML error page, for routes that people open in a browser. Its one heading
 * says what went wrong, as its title does (a bare "404" describes nothing: WCAG 2.4.6); the status
 * code follows for whoever reports the problem.
 */
export function htmlErrorResponse(
	err: HttpError,
	text: ErrorPageText = { lang: "en", message: err.message },
): Response {
	const back = text.back
		? `<p><a href="${escapeHtml(text.back.href)}">${escapeHtml(text.back.label)}</a></p>`
		: "";
	const body = `<!doctype html><html lang="${escapeHtml(text.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>${escapeHtml(text.message)}</title></head><body><main><h1>${escapeHtml(text.message)}</h1>${text.detail ? `<p>${escapeHtml(text.detail)}</p>` : ""}<p>HTTP ${err.status}</p>${back}</main></body></html>`;
	const headers = new Headers(err.headers);
	headers.set("Content-Type", "text/html; charset=utf-8");
	headers.set("Cache-Control", NO_STORE);
	// The page has no script, style or image: nothing at all may load, and it is never framed.
	headers.set(
		"Content-Security-Policy",
		"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
	);
	headers.set("X-Content-Type-Options", "nosniff");
	headers.set("Referrer-Policy", "same-origin");
	return new Response(body, { status: err.status, headers });
}

const HTML_ESCAPES: Record<string, string> = {
	"&": "&amp;",
	"<": "&lt;",
	">": "&gt;",
	'"': "&quot;",
	"'": "&#39;",
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
