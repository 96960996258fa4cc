/**
 * The local origin behind guard mode and `passthrough-html`: a plain Node HTTP server, run in its
 * own process so the load generator and Miniflare never share its event loop. Prints its port.
 * Like a static file server (nginx, a CDN), it sends each body with a strong ETag of its bytes and
 * answers a matching If-None-Match with 304.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { ARTICLE_HTML, articleRendering, articleView } from "./page.mjs";

const page = Buffer.from(ARTICLE_HTML);
const small = Buffer.from("<!doctype html><title>ok</title><p>ok</p>\n");
// A page never sent before, one per token: a view (every URL new) or a rendering (same links and tags).
const FRESH = /^\/article\.html\?(view|render)=([A-Za-z0-9]{1,40})$/;
const FRESH_PAGES = { view: articleView, render: articleRendering };

function bodyFor(url) {
	if (!url.startsWith("/article")) return small;
	const fresh = FRESH.exec(url);
	return fresh ? Buffer.from(FRESH_PAGES[fresh[1]](fresh[2])) : page;
}

const etagOf = (body) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
const PAGE_ETAG = etagOf(page);

/**
 * The article sent as a server that renders as it goes sends it: chunked, with no Content-Length, in
 * pieces of 16 KiB (the guard rewrites such a page as it streams, html-guard.ts rewriteHtml).
 */
function sendStreamed(req, res) {
	res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
	if (req.method === "HEAD") return res.end();
	for (let at = 0; at < page.length; at += STREAMED_PIECE) res.write(page.subarray(at, at + STREAMED_PIECE));
	res.end();
}
const STREAMED_PIECE = 16 * 1024;

const server = createServer((req, res) => {
	if (req.url === "/article-streamed.html") return sendStreamed(req, res);
	const body = bodyFor(req.url);
	const etag = body === page ? PAGE_ETAG : etagOf(body);
	const headers = { "Cache-Control": "public, max-age=60", ETag: etag };
	if (req.headers["if-none-match"] === etag) {
		res.writeHead(304, headers);
		res.end();
		return;
	}
	res.writeHead(200, {
		"Content-Type": "text/html; charset=utf-8",
		"Content-Length": body.length,
		...headers,
	});
	res.end(req.method === "HEAD" ? undefined : body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
	process.stdout.write(`${JSON.stringify({ port: server.address().port, pageBytes: page.length })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
