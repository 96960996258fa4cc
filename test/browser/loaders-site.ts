/**
 * A site whose pages each load one tracker URL by a way of loading other than a plain script, image or
 * frame: a module's import (static in an inline module, dynamic, a module preload, an external module),
 * speculation rules (a tracker's URL, or a page of the site's own with tracking parameters), link
 * hints, an SVG `<use>` and an SVG image's `xlink:href`, style sheets (a `<link>`, an `@import`), and, from a first-party script the
 * HTML rewrite cannot read, workers, worklets, a dynamic `import()` and a `<base href>` on a tracker's
 * host that relative URLs after it resolve against (BASE_CASES). Each case's tracker URL holds
 * `/case/<name>`, so a test can tell which case reached a tracker. The site records every path.
 */
import { type RecordingSite, serveRecordingSite } from "./recording-site";

const AD = "https://connect.facebook.net/case";
const SOCIAL = "https://www.facebook.com/case";

/** Markup cases, put in the page's body as written (the HTML rewrite sees them). */
export const MARKUP_CASES: Readonly<Record<string, string>> = {
	"module-static": `<script type="module">import "${AD}/module-static.js";</script>`,
	"module-from": `<script type="module">import * as m from '${AD}/module-from.js'; window.m = m;</script>`,
	"module-dynamic": `<script type="module">import("${AD}/module-dynamic.js").catch(() => {});</script>`,
	"classic-dynamic": `<script>import(\`${AD}/classic-dynamic.js\`).catch(function () {});</script>`,
	"module-external": `<script type="module" src="${AD}/module-external.js"></script>`,
	modulepreload: `<link rel="modulepreload" href="${AD}/modulepreload.js">`,
	"link-prefetch": `<link rel="prefetch" href="${AD}/link-prefetch.js">`,
	"link-prerender": `<link rel="prerender" href="${SOCIAL}/link-prerender">`,
	"spec-prefetch": `<script type="speculationrules">{"prefetch": [{"source": "list", "urls": ["${SOCIAL}/spec-prefetch"]}]}</script>`,
	"spec-prerender": `<script type="speculationrules">{"prerender": [{"urls": ["${SOCIAL}/spec-prerender"]}]}</script>`,
	"spec-same-prefetch": `<script type="speculationrules">{"prefetch": [{"source": "list", "urls": ["/landing?case=spec-same-prefetch&gclid=abc&id=7"]}]}</script>`,
	"spec-same-prerender": `<script type="speculationrules">{"prerender": [{"source": "list", "urls": ["/landing?case=spec-same-prerender&fbclid=abc&id=7"]}]}</script>`,
	"svg-use": `<svg width="10" height="10"><use href="${SOCIAL}/svg-use.svg#x"/></svg>`,
	"svg-use-xlink": `<svg width="10" height="10" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="${SOCIAL}/svg-use-xlink.svg#x"/></svg>`,
	"svg-script": `<svg width="10" height="10"><script href="${AD}/svg-script.js"></script></svg>`,
	"svg-script-xlink": `<svg width="10" height="10" xmlns:xlink="http://www.w3.org/1999/xlink"><script xlink:href="${AD}/svg-script-xlink.js"></script></svg>`,
	"svg-image-xlink": `<svg width="10" height="10" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="${SOCIAL}/svg-image-xlink.gif" width="1" height="1"/></svg>`,
	"link-stylesheet": `<link rel="stylesheet" href="${AD}/link-stylesheet.css">`,
	"style-import": `<style>@import url(${AD}/style-import.css); p { color: red }</style>`,
	"style-import-string": `<style>@import "${AD}/style-import-string.css";</style>`,
};

/** Script cases, in a first-party file the page loads (`/js/<name>.js`): only the runtime sees them. */
export const SCRIPT_CASES: Readonly<Record<string, string>> = {
	worker: `try { new Worker("${AD}/worker.js"); } catch (e) { window.caseError = e.name; }`,
	"shared-worker": `try { new SharedWorker("${AD}/shared-worker.js"); } catch (e) { window.caseError = e.name; }`,
	"service-worker": `navigator.serviceWorker.register("${AD}/service-worker.js").catch(function (e) { window.caseError = e.name; });`,
	"paint-worklet": `CSS.paintWorklet.addModule("${AD}/paint-worklet.js").then(function () { window.caseDone = "resolved"; }, function (e) { window.caseError = e.name; });`,
	"audio-worklet": `new AudioContext().audioWorklet.addModule("${AD}/audio-worklet.js").then(function () { window.caseDone = "resolved"; }, function (e) { window.caseError = e.name; });`,
	"blob-worker": `new Worker(URL.createObjectURL(new Blob(['importScripts("${AD}/blob-worker.js")'], { type: "text/javascript" })));`,
	"data-worker": `try { new Worker("data:text/javascript," + encodeURIComponent('importScripts("${AD}/data-worker.js")')); } catch (e) { window.caseError = e.name; }`,
	"bundle-import": `import("${AD}/bundle-import.js").catch(function () {});`,
	"svg-use-runtime": `var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg"); var use = document.createElementNS("http://www.w3.org/2000/svg", "use"); use.setAttribute("href", "${SOCIAL}/svg-use-runtime.svg#x"); svg.appendChild(use); document.body.appendChild(svg);`,
	"spec-inserted": `var s = document.createElement("script"); s.type = "speculationrules"; s.textContent = JSON.stringify({ prefetch: [{ source: "list", urls: ["${SOCIAL}/spec-inserted"] }] }); document.head.appendChild(s);`,
};

/** The relative image a base case's page has after its script: it loads under whatever base the script set. */
export const RELATIVE_IMAGE = "base.gif";
/** A `<base href>` the script gives the page, inserted `how` (a statement with `b`, the element, or markup). */
const based = (how: string) => `var b = document.createElement("base"); ${how}`;
/** Where the CDN case's and the site's own base cases have their relative image load from. */
export const CDN_BASE = "https://cdn.example.test/base-cdn/";
export const OWN_BASE = "/own-base/";

/**
 * Script cases giving the page a `<base href>` on a tracker's host (or, as `base-cdn` and `base-own`,
 * on a CDN or the site), by each way a script can: the element's property before or after it is
 * inserted, setAttribute, and markup (insertAdjacentHTML, innerHTML, document.write).
 */
export const BASE_CASES: Readonly<Record<string, string>> = {
	"base-append": based(`b.href = "${AD}/base-append/"; document.head.append(b);`),
	"base-later": based(`b.href = "/"; document.head.append(b); b.href = "${AD}/base-later/";`),
	"base-set-attribute": based(
		`document.head.append(b); b.setAttribute("href", "${AD}/base-set-attribute/");`,
	),
	"base-adjacent": `document.head.insertAdjacentHTML("beforeend", '<base href="${AD}/base-adjacent/">');`,
	"base-inner-html": `var d = document.createElement("div"); d.innerHTML = '<base href="${AD}/base-inner-html/">'; document.head.append(d.firstChild);`,
	"base-write": `document.write('<base href="${AD}/base-write/">');`,
	// Session 37's QA: markup for the whole document or in place of an element, a parsed document's
	// or a template's nodes moved in, a fragment, another window's element, an attribute given later
	// (Chromium's insertHTML edit command inserts no base: no case).
	"base-root-inner-html": `document.documentElement.innerHTML = '<head><base href="${AD}/base-root-inner-html/"></head><body></body>';`,
	"base-outer-html": `var i = document.createElement("i"); document.head.append(i); i.outerHTML = '<base href="${AD}/base-outer-html/">';`,
	"base-dom-parser": `var p = new DOMParser().parseFromString('<base href="${AD}/base-dom-parser/">', "text/html"); document.head.append(document.adoptNode(p.querySelector("base")));`,
	"base-xhtml-parser": `var p = new DOMParser().parseFromString('<html xmlns="http://www.w3.org/1999/xhtml"><head><base href="${AD}/base-xhtml-parser/"/></head></html>', "application/xhtml+xml"); document.head.append(document.adoptNode(p.querySelector("base")));`,
	"base-template": `var t = document.createElement("template"); t.innerHTML = '<base href="${AD}/base-template/">'; document.head.append(t.content.cloneNode(true));`,
	"base-template-import": `var t = document.createElement("template"); t.innerHTML = '<base href="${AD}/base-template-import/">'; document.head.append(document.importNode(t.content, true));`,
	"base-range": `document.head.append(document.createRange().createContextualFragment('<base href="${AD}/base-range/">'));`,
	"base-frame": `var f = document.createElement("iframe"); document.head.append(f); var fb = f.contentDocument.createElement("base"); fb.href = "${AD}/base-frame/"; document.head.append(document.adoptNode(fb));`,
	"base-attr-later": `var b = document.createElement("base"); var a = document.createAttribute("href"); b.setAttributeNode(a); document.head.append(b); a.value = "${AD}/base-attr-later/";`,
	"base-cdn": based(`b.href = "${CDN_BASE}"; document.head.append(b);`),
	"base-own": based(`b.href = "${OWN_BASE}"; document.head.append(b);`),
};

function page(name: string, body: string): string {
	return `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>${name}</title>
</head>
<body><h1>${name}</h1>
${body}
</body>
</html>
`;
}

export function serveLoadersSite(): Promise<RecordingSite> {
	return serveRecordingSite(({ path }, res) => {
		const name = path.replace(/^\/(?:case|js)\//, "").replace(/\.js$/, "");
		const markup = path.startsWith("/case/") ? MARKUP_CASES[name] : undefined;
		const script = path.startsWith("/js/") ? (SCRIPT_CASES[name] ?? BASE_CASES[name]) : undefined;
		if (markup !== undefined) {
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page(name, markup));
		} else if (path.startsWith("/run/") && SCRIPT_CASES[path.slice(5)] !== undefined) {
			res
				.writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
				.end(page(path.slice(5), `<script src="/js/${path.slice(5)}.js"></script>`));
		} else if (path.startsWith("/run/") && BASE_CASES[path.slice(5)] !== undefined) {
			const script = `<script src="/js/${path.slice(5)}.js"></script>`;
			res
				.writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
				.end(page(path.slice(5), `${script}<img src="${RELATIVE_IMAGE}" alt="">`));
		} else if (script !== undefined) {
			res.writeHead(200, { "Content-Type": "text/javascript" }).end(script);
		} else if (path === "/landing") {
			res
				.writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
				.end(page("landing", "<p>landing</p>"));
		} else {
			res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
		}
	});
}
