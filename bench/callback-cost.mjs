/**
 * `npx node bench/callback-cost.mjs`: what workerd charges per HTMLRewriter handler call, the bound
 * on guard-html-rewrite. Serves one synthetic page of 1,000 links four ways from one Miniflare:
 * unmodified, through an HTMLRewriter whose only selector matches nothing, through one whose no-op
 * handler matches every link (streamed out), and the same read whole before answering; interleaved
 * wrk rounds, then prints the cost per call both ways. Not part of `npm run bench` (a side
 * measurement, about 40 s).
 */
import { measureScripts } from "./lib/side-measure.mjs";

const LINKS = 1000;
const page = `<!doctype html><html><body>${Array.from(
	{ length: LINKS },
	(_, i) => `<p>Paragraph ${i} <a href="/story/${i}?utm_source=x">link</a></p>`,
).join("\n")}</body></html>`;
const worker = (body) =>
	`const PAGE = ${JSON.stringify(page)};\nconst H = { "Content-Type": "text/html; charset=utf-8" };\nconst NOOP = { element() {} };\nexport default { fetch() { ${body} } };`;
const VARIANTS = {
	unmodified: worker("return new Response(PAGE, { headers: H });"),
	"no-match": worker(
		'return new HTMLRewriter().on("blink", NOOP).transform(new Response(PAGE, { headers: H }));',
	),
	"every-link": worker(
		'return new HTMLRewriter().on("a", NOOP).transform(new Response(PAGE, { headers: H }));',
	),
	// The same, read whole before answering (as the guard answers a page sent with its length):
	// streamed, each handler call also flushes the output so far as its own HTTP chunk.
	"every-link-whole": worker(
		'const r = new HTMLRewriter().on("a", NOOP).transform(new Response(PAGE, { headers: H })); return r.arrayBuffer().then((b) => new Response(b, { headers: H }));',
	),
};

const names = Object.keys(VARIANTS);
const results = await measureScripts(VARIANTS, { label: "callback-cost" });
for (const name of names) {
	console.log(
		`${name.padEnd(12)} ${results[name].rps.toFixed(0).padStart(6)} req/s  p50 ${results[name].percentile(50).toFixed(2)} ms`,
	);
}
const perCall = (name) => ((1 / results[name].rps - 1 / results["no-match"].rps) * 1e6) / LINKS;
console.log(
	`per handler call: ${perCall("every-link").toFixed(1)} us of the worker's throughput streamed, ${perCall("every-link-whole").toFixed(1)} us read whole (${LINKS} links per page)`,
);
console.log(
	`parsing alone (no-match vs unmodified): ${((1 / results["no-match"].rps - 1 / results.unmodified.rps) * 1e6).toFixed(0)} us per page`,
);
