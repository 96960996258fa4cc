/**
 * Reference `html-rewriter-floor` (not a target): `passthrough-html` through an HTMLRewriter whose
 * handlers do nothing, on exactly the selectors workers/guard/html-guard.ts registers (for a site
 * that has not classified its own paths), answering as the guard does: a page sent with its length
 * (up to 1 MiB) is rewritten whole and answered in one piece (workers/guard/guard-response.ts). It
 * shows what the runtime charges for calling into JavaScript per matched element and text chunk,
 * before any guard logic.
 */
const WHOLE_PAGE_MAX_BYTES = 1 << 20;
const ELEMENT = { element() {} };
const ELEMENT_AND_TEXT = { element() {}, text() {} };
const HINTS = ["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"]
	.map((rel) => `link[href][rel~="${rel}" i]`)
	.join(", ");

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const res = await fetch(`${env.ORIGIN}${url.pathname}${url.search}`, { headers: request.headers });
		const rewritten = new HTMLRewriter()
			.on("script[src]:not([type]):not([data-consent])", ELEMENT)
			.on("script[src][type], script[src][data-consent]", ELEMENT)
			.on("script:not([src])", ELEMENT_AND_TEXT)
			.on("noscript", ELEMENT_AND_TEXT)
			.on('img[src*="//"]:not([data-consent])', ELEMENT)
			.on("img[data-consent]", ELEMENT)
			.on("iframe[src]:not([data-consent])", ELEMENT)
			.on("iframe[data-consent]", ELEMENT)
			.on("source[data-consent]", ELEMENT)
			.on(HINTS, ELEMENT)
			.on('link[imagesrcset][rel~="preload" i]', ELEMENT)
			.on('a[href*="?"]', ELEMENT)
			.on('area[href*="?"]', ELEMENT)
			.onDocument({ end() {} })
			.transform(res);
		const length = Number(res.headers.get("Content-Length") ?? Number.NaN);
		if (!(length <= WHOLE_PAGE_MAX_BYTES)) return rewritten;
		return new Response(await rewritten.arrayBuffer(), rewritten);
	},
};
