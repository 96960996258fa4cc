/**
 * A site whose pages reach a tracker through the browser's own rules rather than an element: document
 * speculation rules (`where`) matching a link to a tracker, a `Speculation-Rules` response header naming
 * a rules file (the site's own, or another origin's), speculation rules and an import map a first-party
 * script inserts, and an import map mapping a bare name to a tracker's module. Each case's tracker URL
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
}

const inline = (rules: unknown) => `<script type="speculationrules">${JSON.stringify(rules)}</script>`;
const links = (name: string, tracker: string) =>
	`<a href="${tracker}/${name}">tracker</a> <a href="/landing?case=${name}">own</a> <a href="/logout">out</a>`;

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
	importmap: {
		body: `<script type="importmap">{"imports": {"pixel": "${AD}/importmap.js"}, "scopes": {"/": {"scoped": "${AD}/importmap-scoped.js"}}}</script><script type="module">import "pixel";</script><script type="module">import "scoped";</script>`,
	},
	"inserted-importmap": {
		body: "<p>inserted map</p>",
		script: `var m = document.createElement("script"); m.type = "importmap"; m.textContent = JSON.stringify({ imports: { later: "${AD}/inserted-importmap.js" } }); document.head.appendChild(m); import("later").catch(function () {});`,
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
		const found = CASES[name];
		if (path.startsWith("/case/") && found !== undefined) {
			const headers = found.header === undefined ? HTML : { ...HTML, "Speculation-Rules": found.header };
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
