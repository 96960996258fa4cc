/**
 * `npx node bench/link-cost.mjs`: what one guarded link costs inside an HTMLRewriter handler, piece by
 * piece. Serves one synthetic page of 1,000 links carrying campaign parameters (shaped like the bench
 * page's), read whole as the guard reads it, through handlers that do more and more: nothing, read the
 * `href`, read and write it back, read and strip it, strip and write (the guard before session 4), and
 * the guard's remembered verdict (`workers/guard/page-verdicts.ts`) written back. Interleaved wrk
 * rounds, then µs per link over the no-op handler; and, for comparison, `stripAttributeUrl` on the
 * same links under Node. Not part of `npm run bench` (a side measurement, about 60 s).
 */
import { build } from "esbuild";
import { LOAD, ROOT } from "./lib/config.mjs";
import { measureScripts } from "./lib/side-measure.mjs";

const LINKS = 1000;
const href = (i) =>
	i % 2
		? `/news/story-${i}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=weekly&amp;id=${i}`
		: `https://partner.example.org/item/${i}?ref=site&amp;fbclid=IwAR2xYz${i}`;
const page = `<!doctype html><html><body>${Array.from(
	{ length: LINKS },
	(_, i) => `<p>Paragraph ${i} <a href="${href(i)}">link</a></p>`,
).join("\n")}</body></html>`;

const HANDLERS = {
	"no-op": "{ element() {} }",
	read: '{ element(el) { sink += el.getAttribute("href").length; } }',
	"read-write":
		'{ element(el) { const h = el.getAttribute("href"); el.setAttribute("href", h.slice(0, h.indexOf("?"))); } }',
	"read-strip": '{ element(el) { sink += stripAttributeUrl(el.getAttribute("href"), STRIP).length; } }',
	"strip-write":
		'{ element(el) { const s = stripAttributeUrl(el.getAttribute("href"), STRIP); if (s !== null) el.setAttribute("href", s); } }',
	"remembered-write":
		'{ element(el) { const s = pageVerdicts(undefined, STRIP).strippedLink(el.getAttribute("href")); if (s !== null) el.setAttribute("href", s); } }',
};
const source = (handler) => `
import { stripAttributeUrl } from "./workers/guard/html-attributes";
import { pageVerdicts } from "./workers/guard/page-verdicts";
const PAGE = ${JSON.stringify(page)};
const HEADERS = { "Content-Type": "text/html; charset=utf-8" };
const STRIP = { baseHost: "news.example" };
let sink = 0;
const HANDLER = ${handler};
export default {
	async fetch() {
		const rewritten = new HTMLRewriter().on('a[href*="?"]', HANDLER).transform(new Response(PAGE, { headers: HEADERS }));
		return new Response(await rewritten.arrayBuffer(), { headers: { ...HEADERS, "X-Sink": String(sink & 1) } });
	},
};`;

async function bundle(contents, platform) {
	const out = await build({
		stdin: { contents, resolveDir: ROOT, loader: "ts" },
		bundle: true,
		format: "esm",
		platform,
		minify: true,
		write: false,
	});
	return out.outputFiles[0].text;
}

/** µs per call of stripAttributeUrl on the page's links under Node: the best of 10 passes. */
async function nodeStripMicros() {
	const code = await bundle(
		`import { stripAttributeUrl } from "./workers/guard/html-attributes";
		export function pass(hrefs) { let n = 0; for (const h of hrefs) if (stripAttributeUrl(h, { baseHost: "news.example" }) !== null) n++; return n; }`,
		"node",
	);
	const { pass } = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
	const hrefs = Array.from({ length: LINKS }, (_, i) => href(i));
	for (let i = 0; i < 200; i++) pass(hrefs);
	let best = Number.POSITIVE_INFINITY;
	for (let i = 0; i < 10; i++) {
		const start = performance.now();
		for (let j = 0; j < 100; j++) pass(hrefs);
		best = Math.min(best, ((performance.now() - start) * 1000) / (100 * LINKS));
	}
	return best;
}

const names = Object.keys(HANDLERS);
const scripts = Object.fromEntries(
	await Promise.all(names.map(async (name) => [name, await bundle(source(HANDLERS[name]), "neutral")])),
);
const rounds = Math.max(LOAD.rounds, 6);
const results = await measureScripts(scripts, { label: "link-cost", rounds });
const perLink = (name) => ((1 / results[name].rps - 1 / results["no-op"].rps) * 1e6) / LINKS;
console.log(`${rounds} rounds of ${LOAD.roundSeconds} s, ${LINKS} links per page, read whole`);
for (const name of names) {
	const extra = name === "no-op" ? "" : `  ${perLink(name).toFixed(1).padStart(5)} µs per link over no-op`;
	console.log(`${name.padEnd(17)} ${results[name].rps.toFixed(1).padStart(7)} req/s${extra}`);
}
console.log(`stripAttributeUrl under Node: ${(await nodeStripMicros()).toFixed(2)} µs per link`);
