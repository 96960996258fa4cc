/**
 * HTML responses for people-facing pages, with the security headers they all need: a strict CSP
 * (no script at all, the one inline stylesheet allowed by its hash, images same-origin or data:,
 * forms only to this origin, never framed), nosniff, same-origin referrers, no caching.
 */
import { NO_STORE } from "../http/responses";
import { mergeVary } from "../http/vary";
import type { RenderedPage } from "./html-document";

const encoder = new TextEncoder();
const styleHashes = new Map<string, Promise<string>>();

/** `sha256-<base64>` of the stylesheet, cached: the stylesheet only changes with the theme. */
function styleHash(style: string): Promise<string> {
	let hash = styleHashes.get(style);
	if (!hash) {
		hash = crypto.subtle.digest("SHA-256", encoder.encode(style)).then((digest) => {
			let binary = "";
			for (const b of new Uint8Array(digest)) binary += String.fromCharCode(b);
			return `sha256-${btoa(binary)}`;
		});
		if (styleHashes.size > 32) styleHashes.clear();
		styleHashes.set(style, hash);
	}
	return hash;
}

export async function contentSecurityPolicy(style: string): Promise<string> {
	return [
		"default-src 'none'",
		`style-src '${await styleHash(style)}'`,
		"img-src 'self' data:",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"base-uri 'none'",
	].join("; ");
}

export async function htmlPage(
	page: RenderedPage,
	init: { status?: number; headers?: Headers } = {},
): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("Content-Type", "text/html; charset=utf-8");
	headers.set("Content-Language", page.lang);
	headers.set("Content-Security-Policy", await contentSecurityPolicy(page.style));
	headers.set("X-Content-Type-Options", "nosniff");
	headers.set("Referrer-Policy", "same-origin");
	headers.set("X-Frame-Options", "DENY");
	headers.set("Cache-Control", NO_STORE);
	headers.set("Vary", mergeVary(headers.get("Vary"), ["Accept-Language", "Cookie"]));
	return new Response(page.html, { status: init.status ?? 200, headers });
}
