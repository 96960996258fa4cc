/**
 * A site whose pages reach a tracker through the browser's own rules rather than an element: document
 * speculation rules (`where`) matching a link to a tracker, a `Speculation-Rules` response header naming
 * a rules file (the site's own, or another origin's), speculation rules and an import map a first-party
 * script inserts (one made in a frame's document too, and on pages enforcing Trusted Types), and an
 * import map mapping a bare name to a tracker's module; and rules a script puts into a same-origin
 * frame's document (FRAME_CASES). Each case's tracker URL
 * holds `/case/<name>`, so a test can tell which case reached a tracker; the site's own links in them
 * hold `case=<name>`. The site records every path.
 */
import { type RecordingSite, serveRecordingSite } from "./recording-site";

const AD = "https://connect.facebook.net/case";
const SOCIAL = "https://www.facebook.com/case";
/** Another origin, not a tracker, serving a rules file (the test answers it, with CORS). */
export const OTHER_RULES = "https://rules.cdn.test/case";

/** Document rules picking every link but one, prefetched at once (no hover needed). */
const EVERY_LINK = {
	source: "document",
	where: { not: { href_matches: "/logout" } },
	eagerness: "immediate",
};

/** Rules files the site serves at `/rules/<name>.json`. */
export const RULES_FILES: Readonly<Record<string, unknown>> = {
	"header-list": {
		prefetch: [{ source: "list", urls: [`${SOCIAL}/header-list`, "/landing?case=header-list"] }],
	},
	"header-document": { prefetch: [EVERY_LINK] },
};

interface Case {
	/** The page's body. */
	readonly body: string;
	/** A `Speculation-Rules` header value, if any. */
	readonly header?: string;
	/** A first-party script the page loads (`/js/<name>.js`): only the runtime sees what it does. */
	readonly script?: string;
	/** A `Content-Security-Policy` header value, if any. */
	readonly csp?: string;
}

const inline = (rules: unknown) => `<script type="speculationrules">${JSON.stringify(rules)}</script>`;
const links = (name: string, tracker: string) =>
	`<a href="${tracker}/${name}">tracker</a> <a href="/landing?case=${name}">own</a> <a href="/logout">out</a>`;

/** List rules prefetching the case's tracker URL and a link of the site's own, as a JavaScript string literal. */
const listed = (name: string) =>
	JSON.stringify(
		JSON.stringify({ prefetch: [{ source: "list", urls: [`${SOCIAL}/${name}`, `/landing?case=${name}`] }] }),
	);
/** An import map giving `late` the case's tracker module, as a JavaScript string literal. */
const mapped = (name: string) => JSON.stringify(JSON.stringify({ imports: { late: `${AD}/${name}.js` } }));
/** A script of this type inserted empty into the head, as `s`, before `then` gives it its text. */
const emptyThen = (type: string, then: string) =>
	`var s = document.createElement("script"); s.type = "${type}"; document.head.appendChild(s); ${then}`;
/** Markup holding the case's list rules (see listed), as a JavaScript string literal. */
const rulesMarkup = (name: string) =>
	JSON.stringify(`<script type="speculationrules">${JSON.parse(listed(name))}</script>`);
/** A link on a CDN (not a tracker) the `<base href>` case's document rules may pick. */
export const CDN_LINK = "https://cdn.example.test/landing?cdn=base-cdn";
const LATE = "<p>late</p>";
/** Rules inserted as the site's own policy makes their text trusted, on a page enforcing Trusted Types. */
const trustedRules = (name: string) =>
	`var p = trustedTypes.createPolicy("site", { createScript: function (text) { return text; } }); var s = document.createElement("script"); s.type = "speculationrules"; s.textContent = p.createScript(${listed(name)}); document.head.appendChild(s);`;
const ENFORCED = "require-trusted-types-for 'script'; trusted-types site";

export const CASES: Readonly<Record<string, Case>> = {
	"document-rules": { body: `${links("document-rules", SOCIAL)}${inline({ prefetch: [EVERY_LINK] })}` },
	"document-rules-where": {
		body: `${links("document-rules-where", SOCIAL)}${inline({
			prefetch: [{ where: { href_matches: "https://*.facebook.com/*" }, eagerness: "immediate" }],
		})}`,
	},
	"header-list": { body: "<p>list</p>", header: '"/rules/header-list.json"' },
	"header-document": { body: links("header-document", SOCIAL), header: '"/rules/header-document.json"' },
	"header-other": { body: "<p>other</p>", header: `"${OTHER_RULES}/header-other.json"` },
	"inserted-rules": {
		body: "<p>inserted</p>",
		script: `var s = document.createElement("script"); s.type = "speculationrules"; s.textContent = JSON.stringify({ prefetch: [{ source: "list", urls: ["${SOCIAL}/inserted-rules", "/landing?case=inserted-rules"] }] }); document.head.appendChild(s);`,
	},
	"inserted-rules-wrapped": {
		body: `${links("inserted-rules-wrapped", SOCIAL)}`,
		script: `var d = document.createElement("div"); var s = document.createElement("script"); s.setAttribute("type", "speculationrules"); s.appendChild(document.createTextNode(JSON.stringify({ prefetch: [{ where: { href_matches: "*://*/*" }, eagerness: "immediate" }] }))); d.appendChild(s); document.body.append(d);`,
	},
	// Rules or a map given their text after the script is in the document (it is not started while
	// empty), by each setter and insertion Chromium reads it again after.
	"late-text-content": {
		body: LATE,
		script: emptyThen("speculationrules", `s.textContent = ${listed("late-text-content")};`),
	},
	"late-text": { body: LATE, script: emptyThen("speculationrules", `s.text = ${listed("late-text")};`) },
	"late-inner-text": {
		body: LATE,
		script: emptyThen("speculationrules", `s.innerText = ${listed("late-inner-text")};`),
	},
	"late-inner-html": {
		body: LATE,
		script: emptyThen("speculationrules", `s.innerHTML = ${listed("late-inner-html")};`),
	},
	"late-text-node": {
		body: LATE,
		script: emptyThen(
			"speculationrules",
			`s.appendChild(document.createTextNode(${listed("late-text-node")}));`,
		),
	},
	"late-append": { body: LATE, script: emptyThen("speculationrules", `s.append(${listed("late-append")});`) },
	"late-adjacent-text": {
		body: LATE,
		script: emptyThen(
			"speculationrules",
			`s.insertAdjacentText("beforeend", ${listed("late-adjacent-text")});`,
		),
	},
	"late-typed": {
		body: LATE,
		script: `var s = document.createElement("script"); document.head.appendChild(s); s.setAttribute("type", "speculationrules"); s.textContent = ${listed("late-typed")};`,
	},
	"late-range": {
		body: LATE,
		script: emptyThen(
			"speculationrules",
			`var r = document.createRange(); r.selectNodeContents(s); r.insertNode(document.createTextNode(${listed("late-range")}));`,
		),
	},
	"late-surrounded": {
		body: `<p id="rules">${JSON.parse(listed("late-surrounded"))}</p>`,
		script: `var r = document.createRange(); r.selectNodeContents(document.getElementById("rules")); var s = document.createElement("script"); s.type = "speculationrules"; r.surroundContents(s);`,
	},
	"late-importmap": {
		body: LATE,
		script: emptyThen(
			"importmap",
			`s.textContent = ${mapped("late-importmap")}; import("late").catch(function () {});`,
		),
	},
	"late-importmap-node": {
		body: LATE,
		script: emptyThen(
			"importmap",
			`s.appendChild(document.createTextNode(${mapped("late-importmap-node")})); import("late").catch(function () {});`,
		),
	},
	// Rules and a map written while the page is parsed, and in a Range's fragment (its scripts run).
	"written-rules": { body: "<p>written</p>", script: `document.write(${rulesMarkup("written-rules")});` },
	// Rules written in two pieces, split inside the tracker's URL.
	"written-split": {
		body: "<p>written</p>",
		script: (() => {
			const markup = JSON.parse(rulesMarkup("written-split")) as string;
			const cut = markup.indexOf("facebook") + 3;
			return `document.write(${JSON.stringify(markup.slice(0, cut))}); document.write(${JSON.stringify(markup.slice(cut))});`;
		})(),
	},
	// Document rules written with no host in the markup: the page's tracker link is not picked.
	"written-document-rules": {
		body: links("written-document-rules", SOCIAL),
		script: `document.write(${JSON.stringify(inline({ prefetch: [EVERY_LINK] }))});`,
	},
	"written-importmap": {
		body: "<p>written</p>",
		script: `document.write(${JSON.stringify(`<script type="importmap">${JSON.parse(mapped("written-importmap"))}</script><script type="module">import "late";</script>`)});`,
	},
	"fragment-rules": {
		body: "<p>fragment</p>",
		script: `document.body.appendChild(document.createRange().createContextualFragment(${rulesMarkup("fragment-rules")}));`,
	},
	// A rules script with its text, inserted by a Range (not through the node's own methods).
	"range-insert-node": {
		body: "<p>range</p>",
		script: `var s = document.createElement("script"); s.type = "speculationrules"; s.textContent = ${listed("range-insert-node")}; var r = document.createRange(); r.selectNodeContents(document.body); r.insertNode(s);`,
	},
	"fragment-insert-node": {
		body: "<p>fragment</p>",
		script: `var r = document.createRange(); r.selectNodeContents(document.body); r.insertNode(r.createContextualFragment(${rulesMarkup("fragment-insert-node")}));`,
	},
	// Document rules under a `<base href>` on a CDN: the `/*` the guard ands in resolves against it.
	"base-cdn": {
		body: `<base href="https://cdn.example.test/">${links("base-cdn", SOCIAL)} <a href="${CDN_LINK}">cdn</a>${inline({ prefetch: [EVERY_LINK] })}`,
	},
	// Made in a same-origin frame's document (its own prototypes) and inserted into the page.
	"inserted-rules-frame": {
		body: `<iframe id="frame" title="blank"></iframe>`,
		script: `var s = document.getElementById("frame").contentDocument.createElement("script"); s.type = "speculationrules"; s.textContent = JSON.stringify({ prefetch: [{ source: "list", urls: ["${SOCIAL}/inserted-rules-frame"] }] }); document.head.appendChild(s);`,
	},
	// Trusted Types enforced, the runtime's policy listed or left out of the page's `trusted-types`.
	"trusted-listed": { body: LATE, csp: `${ENFORCED} consent-edge`, script: trustedRules("trusted-listed") },
	"trusted-unlisted": { body: LATE, csp: ENFORCED, script: trustedRules("trusted-unlisted") },
	importmap: {
		body: `<script type="importmap">{"imports": {"pixel": "${AD}/importmap.js"}, "scopes": {"/": {"scoped": "${AD}/importmap-scoped.js"}}}</script><script type="module">import "pixel";</script><script type="module">import "scoped";</script>`,
	},
	"inserted-importmap": {
		body: "<p>inserted map</p>",
		script: `var m = document.createElement("script"); m.type = "importmap"; m.textContent = JSON.stringify({ imports: { later: "${AD}/inserted-importmap.js" } }); document.head.appendChild(m); import("later").catch(function () {});`,
	},
};

/**
 * Ways to give a script rules that Chromium (156) was seen not to follow, for an allowed visitor too: a
 * text node's data changed (a script is read again only as a child is inserted), and a script parsed by
 * DOMParser, `Document.parseHTMLUnsafe` or `setHTMLUnsafe` (marked started as parsed, moved in or not).
 */
export const UNFOLLOWED: Readonly<Record<string, Case>> = {
	"late-data": {
		body: LATE,
		script: emptyThen(
			"speculationrules",
			`s.appendChild(document.createTextNode("")); s.firstChild.data = ${listed("late-data")};`,
		),
	},
	"late-append-data": {
		body: LATE,
		script: emptyThen(
			"speculationrules",
			`s.appendChild(document.createTextNode("")); s.firstChild.appendData(${listed("late-append-data")});`,
		),
	},
	"parsed-adopted": {
		body: "<p>parsed</p>",
		script: `var p = new DOMParser().parseFromString(${rulesMarkup("parsed-adopted")}, "text/html"); document.head.appendChild(document.adoptNode(p.querySelector("script")));`,
	},
	"parse-html-unsafe": {
		body: "<p>parsed</p>",
		script: `var p = Document.parseHTMLUnsafe(${rulesMarkup("parse-html-unsafe")}); document.head.appendChild(document.adoptNode(p.querySelector("script")));`,
	},
	"set-html-unsafe": {
		body: "<p>set</p>",
		script: `var d = document.createElement("div"); document.body.appendChild(d); d.setHTMLUnsafe(${rulesMarkup("set-html-unsafe")});`,
	},
};

/** A blank frame a first-party script puts list rules into (as `d`, its document, from `reach`). */
const intoFrame = (reach: string, then: string) =>
	`var f = document.getElementById("frame"); var d = ${reach}; ${then}`;
const FRAME = `<iframe id="frame" title="blank"></iframe>`;
const frameRules = (name: string) =>
	`var s = d.createElement("script"); s.type = "speculationrules"; s.textContent = ${listed(name)}; d.head.appendChild(s);`;

/**
 * Rules a script puts into a same-origin blank frame (`#frame`): through its contentDocument or
 * contentWindow, reached only as `window[0]`, written by document.write, document rules over links to
 * a tracker and the site, and a srcdoc. Chromium (156) was seen following no speculation rules in a
 * frame, for an allowed visitor too: what tells the runtime's work is the frame's rules text.
 */
export const FRAME_CASES: Readonly<Record<string, Case>> = {
	"frame-document": { body: FRAME, script: intoFrame("f.contentDocument", frameRules("frame-document")) },
	"frame-window": { body: FRAME, script: intoFrame("f.contentWindow.document", frameRules("frame-window")) },
	"frame-indexed": { body: FRAME, script: intoFrame("window[0].document", frameRules("frame-indexed")) },
	"frame-written": {
		body: FRAME,
		script: intoFrame("f.contentDocument", `d.open(); d.write(${rulesMarkup("frame-written")}); d.close();`),
	},
	"frame-document-rules": {
		body: FRAME,
		script: intoFrame(
			"f.contentDocument",
			`d.body.innerHTML = ${JSON.stringify(links("frame-document-rules", SOCIAL))}; var s = d.createElement("script"); s.type = "speculationrules"; s.textContent = ${JSON.stringify(JSON.stringify({ prefetch: [EVERY_LINK] }))}; d.head.appendChild(s);`,
		),
	},
	"frame-srcdoc": {
		body: "<p>srcdoc</p>",
		script: `var f = document.createElement("iframe"); f.id = "frame"; f.title = "srcdoc"; f.srcdoc = ${rulesMarkup("frame-srcdoc")}; document.body.append(f);`,
	},
};

function page(name: string, body: string, script: boolean): string {
	return `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>${name}</title>
</head>
<body><h1>${name}</h1>
${body}
${script ? `<script src="/js/${name}.js"></script>` : ""}
</body>
</html>
`;
}

const HTML = { "Content-Type": "text/html; charset=utf-8" };

export function serveSpeculationSite(): Promise<RecordingSite> {
	return serveRecordingSite(({ path }, res) => {
		const name = path.replace(/^\/(?:case|js|rules)\//, "").replace(/\.js(?:on)?$/, "");
		const found = CASES[name] ?? UNFOLLOWED[name] ?? FRAME_CASES[name];
		if (path.startsWith("/case/") && found !== undefined) {
			const headers: Record<string, string> = { ...HTML };
			if (found.header !== undefined) headers["Speculation-Rules"] = found.header;
			if (found.csp !== undefined) headers["Content-Security-Policy"] = found.csp;
			res.writeHead(200, headers).end(page(name, found.body, found.script !== undefined));
		} else if (path.startsWith("/js/") && found?.script !== undefined) {
			res.writeHead(200, { "Content-Type": "text/javascript" }).end(found.script);
		} else if (path.startsWith("/rules/") && RULES_FILES[name] !== undefined) {
			res
				.writeHead(200, { "Content-Type": "application/speculationrules+json" })
				.end(JSON.stringify(RULES_FILES[name]));
		} else if (path === "/landing" || path === "/logout") {
			res.writeHead(200, HTML).end(page(path.slice(1), "<p>landing</p>", false));
		} else {
			res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
		}
	});
}
