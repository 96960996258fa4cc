/**
 * A tiny site on the worker's own origin, fulfilled by Playwright (so cookies are first-party and
 * page JavaScript can read `ce_consent`): a page that loads /consent.js after a GPP stub, with
 * gated scripts, and the two external scripts those gates load. Every inline script and style carries
 * a nonce, so the page can also be served under a strict Content-Security-Policy.
 */
import type { BrowserContext } from "playwright-core";

export const TEST_PAGE_PATH = "/test-page.html";

export interface TestPageOptions {
	/** Define `gtag` before the SDK (else only `dataLayer` exists and the SDK must push like gtag). */
	readonly gtag: boolean;
	/** `<html lang>`; `null` leaves the attribute out. Default `en`. */
	readonly lang?: string | null;
	/** `data-banner` on the SDK's script tag (e.g. `off`). */
	readonly banner?: string;
	/** Serve the page under STRICT_CSP (no inline styles or scripts without the nonce). */
	readonly csp?: boolean;
	/** Extra page CSS, e.g. the banner's theme variables. */
	readonly css?: string;
	/** A `<meta name="color-scheme">` with this content (e.g. `light dark`). */
	readonly colorScheme?: string;
}

export const NONCE = "test-nonce-3f9a";
export const STRICT_CSP = `default-src 'self'; script-src 'self' 'nonce-${NONCE}'; style-src 'self' 'nonce-${NONCE}'; img-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'`;

// The IAB example stub's shape: answers addEventListener at once, queues other calls in `queue`.
const GPP_STUB = `
window.__gpp = function () {
	var f = window.__gpp, a = arguments;
	f.queue = f.queue || [];
	f.events = f.events || [];
	if (a[0] === "addEventListener") {
		var id = (f.lastId = (f.lastId || 0) + 1);
		f.events.push({ id: id, callback: a[1], parameter: a[2] });
		a[1]({ eventName: "listenerRegistered", listenerId: id, data: true, pingData: { cmpStatus: "stub", signalStatus: "not ready" } }, true);
		return;
	}
	f.queue.push([].slice.call(a));
};`;

export function testPageHtml({ gtag, lang = "en", banner, css = "", colorScheme }: TestPageOptions): string {
	const langAttribute = lang === null ? "" : ` lang="${lang}"`;
	const bannerAttribute = banner === undefined ? "" : ` data-banner="${banner}"`;
	return `<!doctype html>
<html${langAttribute}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${colorScheme === undefined ? "" : `<meta name="color-scheme" content="${colorScheme}">\n`}<title>consent-edge SDK test page</title>
<script nonce="${NONCE}">
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
	cspViolations.push(e.effectiveDirective + " " + (e.blockedURI || "inline"));
});
window.ran = [];
window.gppEvents = [];
window.changes = [];
window.frameReplies = [];
window.dataLayer = [];
${gtag ? "function gtag() { dataLayer.push(arguments); }" : ""}
${GPP_STUB}
__gpp("addEventListener", function (e) {
	gppEvents.push({ eventName: e.eventName, data: e.data, signalStatus: e.pingData.signalStatus });
});
__gpp("ping", function (data, ok) { ran.push("queued ping: " + data.cmpStatus + ", " + data.signalStatus + ", " + ok); });
</script>
<script src="/consent.js" nonce="${NONCE}"${bannerAttribute}></script>
<script nonce="${NONCE}">
window.early = {
	essential: consentEdge.allows("essential"),
	analytics: consentEdge.allows("analytics"),
	ads: consentEdge.allows("ads"),
	sale: consentEdge.allows("sale"),
};
consentEdge.onChange(function (doc) { changes.push(doc); });
${gtag ? 'gtag("js", new Date());\ngtag("config", "G-TEST123");' : 'dataLayer.push({ event: "gtm.js" });'}
</script>
<style nonce="${NONCE}">body { font: 16px system-ui, sans-serif; margin: 2rem; } pre { white-space: pre-wrap; }
${css}</style>
</head>
<body>
<main>
<h1>consent-edge SDK test page</h1>
<p><label>Search <input id="search" type="search"></label></p>
<p>An article about nothing in particular, long enough to sit behind the banner. Lorem ipsum dolor sit
amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>
<pre id="status">Waiting for the decision…</pre>
</main>
<script type="text/plain" data-consent="ads" nonce="${NONCE}">ran.push("ads inline");</script>
<script type="text/plain" data-consent="analytics" nonce="${NONCE}">ran.push("analytics inline");</script>
<script type="text/plain" data-consent="ads analytics" nonce="${NONCE}">ran.push("ads+analytics inline");</script>
<script type="text/plain" data-consent="ads" data-src="/test-assets/ads.js"></script>
<script type="text/plain" data-consent="analytics" src="/test-assets/analytics.js"></script>
<script type="text/plain" data-consent="" nonce="${NONCE}">ran.push("no purposes");</script>
<script type="text/plain" data-consent="essential" nonce="${NONCE}">ran.push("essential inline");</script>
<script type="text/plain" data-consent="ads unknown-purpose" nonce="${NONCE}">ran.push("unknown purpose");</script>
<script nonce="${NONCE}">ran.push("page end");
// The visitor was already in the search box when the page finished parsing.
document.getElementById("search").focus();</script>
<script nonce="${NONCE}">
consentEdge.ready().then(function (doc) {
	document.getElementById("status").textContent =
		"jurisdiction " + doc.jurisdiction + ", GPC " + doc.gpc + "\\n" + JSON.stringify(doc.purposes, null, 2) + "\\nran: " + ran.join(" | ");
});
</script>
</body>
</html>`;
}

export async function serveTestSite(context: BrowserContext, origin: string, options: TestPageOptions) {
	await context.route(`${origin}${TEST_PAGE_PATH}`, (route) =>
		route.fulfill({
			contentType: "text/html; charset=utf-8",
			headers: options.csp ? { "Content-Security-Policy": STRICT_CSP } : {},
			body: testPageHtml(options),
		}),
	);
	await context.route(`${origin}/test-assets/*.js`, (route) => {
		const name = new URL(route.request().url()).pathname.replace(/^\/test-assets\/|\.js$/g, "");
		return route.fulfill({
			contentType: "application/javascript",
			body: `ran.push(${JSON.stringify(`${name} file`)});`,
		});
	});
}
