/**
 * Reference `html-rewriter-floor` (not a target): `passthrough-html` through an HTMLRewriter whose
 * handlers do nothing, on exactly the selectors workers/guard/html-guard.ts registers (for a site
 * that has not classified its own paths). It shows what the runtime charges for calling into
 * JavaScript per matched element and text chunk, before any guard logic.
 */
const ELEMENT = { element() {} };
const ELEMENT_AND_TEXT = { element() {}, text() {} };

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const res = await fetch(`${env.ORIGIN}${url.pathname}${url.search}`, { headers: request.headers });
		return new HTMLRewriter()
			.on("script[src]", ELEMENT)
			.on("script:not([src])", ELEMENT_AND_TEXT)
			.on("noscript", ELEMENT_AND_TEXT)
			.on('img[src*="//"], img[data-consent]', ELEMENT)
			.on("iframe", ELEMENT)
			.on("source[data-consent]", ELEMENT)
			.on("link[href][rel]", ELEMENT)
			.on('a[href*="?"]', ELEMENT)
			.on('area[href*="?"]', ELEMENT)
			.onDocument({ end() {} })
			.transform(res);
	},
};
