/**
 * `npx node bench/callback-cost.mjs`: what workerd charges per HTMLRewriter handler call, the bound
 * on guard-html-rewrite. Serves one synthetic page of 1,000 links four ways from one Miniflare:
 * unmodified, through an HTMLRewriter whose only selector matches nothing, through one whose no-op
 * handler matches every link (streamed out), and the same read whole before answering; interleaved
 * wrk rounds, then prints the cost per call both ways. Not part of `npm run bench` (a side
 * measurement, about 40 s).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { HOST, LOAD, ROOT } from "./lib/config.mjs";
import { ensureWrk, Measurement, runRound, writeScript } from "./lib/load.mjs";

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

const requireFromWrangler = createRequire(createRequire(join(ROOT, "package.json")).resolve("wrangler"));
const { Miniflare, convertV4MiniflareOptions } = requireFromWrangler("miniflare");

ensureWrk(console.log);
const names = Object.keys(VARIANTS);
const mf = new Miniflare(
	convertV4MiniflareOptions({
		host: HOST,
		telemetry: { enabled: false },
		workers: names.map((name) => ({
			name,
			modules: true,
			script: VARIANTS[name],
			compatibilityDate: "2026-11-09",
			unsafeDirectSockets: [{ host: HOST, port: 0 }],
		})),
	}),
);
try {
	await mf.ready;
	const urls = {};
	for (const name of names) urls[name] = (await mf.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
	const script = writeScript("callback-cost", { method: "GET", path: "/" });
	const results = Object.fromEntries(names.map((name) => [name, new Measurement()]));
	for (const name of names) await runRound({ url: urls[name], script, seconds: LOAD.warmupSeconds });
	for (let r = 0; r < LOAD.rounds; r++) {
		for (const name of r % 2 === 0 ? names : [...names].reverse()) {
			results[name].add(await runRound({ url: urls[name], script, seconds: LOAD.roundSeconds }));
		}
	}
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
} finally {
	await mf.dispose();
}
