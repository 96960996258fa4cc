/**
 * A site for the reverse-proxy tests: a plain Node HTTP server on 127.0.0.1 whose routes exercise what
 * a proxy must relay faithfully (streams held open until the test releases them, large bodies,
 * uploads echoed as digests, a WebSocket handshake, ranges and validators, several Set-Cookie lines,
 * redirects, a cookie and refreshes naming its own address, compressed and non-UTF-8 pages,
 * failures). Each request's method, raw target and raw headers are recorded so a test can see exactly
 * what reached the origin.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { brotliCompressSync, gzipSync } from "node:zlib";

export interface SeenRequest {
	readonly method: string;
	/** The request target exactly as it came on the request line. */
	readonly target: string;
	/** Header names and values as sent, in order (`rawHeaders`). */
	readonly rawHeaders: readonly string[];
	header(name: string): string | undefined;
}

export interface ProxyOrigin {
	readonly origin: string;
	readonly port: number;
	readonly seen: SeenRequest[];
	/** Lets every response held open by a `/held/...` route finish. */
	release(): void;
	/** Whether a `/held/...` route has written its last byte. */
	finished(path: string): boolean;
	close(): Promise<void>;
}

/** A deterministic body of `size` bytes (not compressible to nothing, unlike zeros). */
export function patternBytes(size: number, seed = 7): Buffer {
	const bytes = Buffer.alloc(size);
	let x = seed;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		bytes[i] = x >>> 24;
	}
	return bytes;
}

export function sha256(bytes: Uint8Array): string {
	return createHash("sha256").update(bytes).digest("hex");
}

/** "日本語のページ" in Shift_JIS. */
export const SJIS_TEXT = Buffer.from([
	0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x82, 0xcc, 0x83, 0x79, 0x81, 0x5b, 0x83, 0x57,
]);
/** "Café déjà vu" in ISO-8859-1. */
export const LATIN1_TEXT = Buffer.from("Caf\xe9 d\xe9j\xe0 vu", "latin1");

const TRACKER = `<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>`;
export const PLAIN_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>t</title>${TRACKER}</head><body><p>hello</p></body></html>`;

export const BIG_SIZE = 32 << 20;
export const BIG = patternBytes(BIG_SIZE);
const RANGED = patternBytes(100_000, 3);
const RANGED_ETAG = '"ranged-1"';
const RANGED_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT";

function pageIn(charset: string, text: Buffer, declared: "header" | "meta"): [string, Buffer] {
	const meta = declared === "meta" ? `<meta charset="${charset}">` : "";
	const page = Buffer.concat([
		Buffer.from(`<!doctype html><html><head>${meta}<title>t</title>${TRACKER}</head><body><p>`),
		text,
		Buffer.from(`</p><a href="/x?gclid=1&amp;q=`),
		text,
		Buffer.from(`">l</a></body></html>`),
	]);
	return [declared === "header" ? `text/html; charset=${charset}` : "text/html", page];
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Answers a WebSocket handshake by hand and sends one text frame, then echoes the first it gets. */
function acceptWebSocket(req: IncomingMessage, socket: Duplex): void {
	const key = req.headers["sec-websocket-key"] ?? "";
	const accept = createHash("sha1").update(`${key}${WS_GUID}`).digest("base64");
	socket.write(
		`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
	);
	const hello = Buffer.from("hello from origin");
	socket.write(Buffer.concat([Buffer.from([0x81, hello.length]), hello]));
	socket.on("data", (frame: Buffer) => {
		// A masked client text frame shorter than 126 bytes: echo it back unmasked.
		const length = (frame[1] ?? 0) & 0x7f;
		const mask = frame.subarray(2, 6);
		const payload = Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ (mask[i % 4] ?? 0)));
		socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
	});
	socket.on("error", () => {});
}

export async function serveProxyOrigin(): Promise<ProxyOrigin> {
	const seen: SeenRequest[] = [];
	const done = new Set<string>();
	let releaseAll: () => void = () => {};
	let released = new Promise<void>((resolve) => {
		releaseAll = resolve;
	});
	const record = (req: IncomingMessage) =>
		seen.push({
			method: req.method ?? "",
			target: req.url ?? "",
			rawHeaders: req.rawHeaders,
			header: (name) => {
				const value = req.headers[name.toLowerCase()];
				return Array.isArray(value) ? value.join(", ") : value;
			},
		});

	const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
		record(req);
		const target = req.url ?? "/";
		const url = new URL(target, "http://origin.invalid");
		const path = url.pathname;
		if (path === "/echo") {
			const hash = createHash("sha256");
			let length = 0;
			req.on("data", (chunk: Buffer) => {
				hash.update(chunk);
				length += chunk.length;
			});
			req.on("end", () => {
				res.writeHead(200, { "Content-Type": "application/json" });
				res.end(
					JSON.stringify({
						method: req.method,
						target,
						length,
						sha256: hash.digest("hex"),
						contentLength: req.headers["content-length"] ?? null,
						transferEncoding: req.headers["transfer-encoding"] ?? null,
						contentType: req.headers["content-type"] ?? null,
					}),
				);
			});
			return;
		}
		req.resume();
		if (path === "/held/events" || path === "/held/page" || path === "/held/big") {
			const [type, first, rest] =
				path === "/held/events"
					? ["text/event-stream", Buffer.from("data: one\n\n"), Buffer.from("data: two\n\n")]
					: path === "/held/page"
						? [
								url.searchParams.get("type") ?? "text/html; charset=utf-8",
								Buffer.from(
									`<!doctype html><html><head><meta charset="utf-8"><title>t</title>${TRACKER}</head><body><p>first part</p>`,
								),
								Buffer.from("<p>second part</p></body></html>"),
							]
						: ["application/octet-stream", BIG.subarray(0, 1 << 20), BIG.subarray(1 << 20)];
			done.delete(path);
			res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-cache" });
			res.write(first);
			await released;
			res.end(rest, () => done.add(path));
			return;
		}
		if (path === "/big") {
			res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": BIG_SIZE });
			res.end(BIG);
			return;
		}
		if (path === "/ranged") {
			const headers = {
				"Content-Type": "video/mp4",
				"Accept-Ranges": "bytes",
				ETag: RANGED_ETAG,
				"Last-Modified": RANGED_MODIFIED,
			};
			if (
				req.headers["if-none-match"] === RANGED_ETAG ||
				req.headers["if-modified-since"] === RANGED_MODIFIED
			) {
				res.writeHead(304, { ETag: RANGED_ETAG, "Last-Modified": RANGED_MODIFIED }).end();
				return;
			}
			const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
			if (range) {
				const [start, end] = [Number(range[1]), Number(range[2])];
				res.writeHead(206, {
					...headers,
					"Content-Range": `bytes ${start}-${end}/${RANGED.length}`,
					"Content-Length": end - start + 1,
				});
				res.end(RANGED.subarray(start, end + 1));
				return;
			}
			res.writeHead(200, { ...headers, "Content-Length": RANGED.length }).end(RANGED);
			return;
		}
		if (path.startsWith("/kept/")) {
			// A page a shared cache may store, with a strong ETag: the guard keeps it and revalidates it.
			const etag = '"kept-1"';
			if (req.headers["if-none-match"] === etag) {
				res.writeHead(304, { ETag: etag }).end();
				return;
			}
			const page = Buffer.from(PLAIN_PAGE);
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Content-Length": page.length,
				"Cache-Control": "public, max-age=60",
				ETag: etag,
			});
			res.end(page);
			return;
		}
		if (path === "/cookies") {
			res.setHeader("Content-Type", url.searchParams.get("type") ?? "text/plain");
			res.setHeader("Set-Cookie", [
				"session=abc; Path=/; HttpOnly; Expires=Wed, 01 Dec 2027 10:00:00 GMT",
				"prefs=a,b; Path=/; Max-Age=3600",
				"csrf=xyz; Path=/; Secure; SameSite=Strict",
			]);
			res.end(url.searchParams.get("type") ? PLAIN_PAGE : "cookies");
			return;
		}
		if (path === "/own-address") {
			// A server that names its own address (it ignores X-Forwarded-Host): a cookie on its host, a
			// refresh to its own URL in the header and in the page.
			const own = `http://${req.headers.host}`;
			const hostname = new URL(own).hostname;
			res.setHeader("Set-Cookie", `sid=s1; Path=/; Domain=${hostname}; HttpOnly`);
			if (url.searchParams.get("refresh") === "header")
				res.setHeader("Refresh", `0; url=${own}/landed?via=header`);
			const meta =
				url.searchParams.get("refresh") === "meta"
					? `<meta http-equiv="refresh" content="0; url=${own}/landed?via=meta">`
					: "";
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
			res.end(`<!doctype html><html><head>${meta}<title>own</title></head><body>own</body></html>`);
			return;
		}
		if (path === "/self-refresh") {
			// A page whose meta refresh names itself with the site's own campaign tag (on its own
			// address): the guard strips the tag, which must not make the page refresh to itself for ever.
			// `?length=none` streams it without a Content-Length.
			if (url.searchParams.get("utm_source") === "site") {
				res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
				res.end("<!doctype html><title>tagged</title>");
				return;
			}
			const streamed = url.searchParams.get("length") === "none";
			const again = `http://${req.headers.host}/self-refresh?${streamed ? "length=none&amp;" : ""}utm_source=site`;
			const page = Buffer.from(
				`<!doctype html><html><head><meta http-equiv="refresh" content="0; url=${again}"><title>self</title></head><body>self</body></html>`,
			);
			const type = { "Content-Type": "text/html; charset=utf-8" };
			if (streamed) res.writeHead(200, type).write(page);
			else res.writeHead(200, { ...type, "Content-Length": page.length }).write(page);
			res.end();
			return;
		}
		if (path === "/landed") {
			res
				.writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
				.end("<!doctype html><title>landed</title>");
			return;
		}
		if (path === "/redirect") {
			const location = (url.searchParams.get("to") ?? "/").replace("{origin}", `http://${req.headers.host}`);
			res.writeHead(Number(url.searchParams.get("status") ?? 302), { Location: location }).end();
			return;
		}
		if (path === "/compressed") {
			const html = url.searchParams.get("type") !== "json";
			const body = Buffer.from(html ? PLAIN_PAGE : JSON.stringify({ hello: "world", pad: "x".repeat(2000) }));
			const encoding = url.searchParams.get("encoding") ?? "gzip";
			const encoded = encoding === "br" ? brotliCompressSync(body) : gzipSync(body);
			const headers: Record<string, string | number> = {
				"Content-Type": html ? "text/html; charset=utf-8" : "application/json",
				"Content-Encoding": encoding,
				Vary: "Accept-Encoding",
			};
			if (url.searchParams.get("length") !== "none") headers["Content-Length"] = encoded.length;
			res.writeHead(200, headers).end(encoded);
			return;
		}
		if (path === "/charset") {
			const charset = url.searchParams.get("charset") ?? "shift_jis";
			const text = charset === "shift_jis" ? SJIS_TEXT : LATIN1_TEXT;
			const [type, page] = pageIn(
				charset,
				text,
				url.searchParams.get("declared") === "meta" ? "meta" : "header",
			);
			const headers: Record<string, string | number> = { "Content-Type": type };
			if (url.searchParams.get("length") !== "none") headers["Content-Length"] = page.length;
			res.writeHead(200, headers).end(page);
			return;
		}
		if (path === "/hop") {
			res
				.writeHead(200, { Connection: "X-Origin-Hop", "X-Origin-Hop": "1", "Keep-Alive": "timeout=99" })
				.end("hop");
			return;
		}
		if (path === "/error") {
			res.writeHead(500, { "Content-Type": "text/html", "X-Error-Id": "e-1" }).end("<h1>origin broke</h1>");
			return;
		}
		if (path === "/drop") {
			req.socket.destroy();
			return;
		}
		if (path === "/hang") {
			await released;
			res.writeHead(200).end("late");
			return;
		}
		res.writeHead(200, { "Content-Type": "text/plain" }).end(`${req.method} ${target}`);
	});
	// Upgraded sockets leave the server's bookkeeping: closed by hand.
	const upgraded = new Set<Duplex>();
	server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
		record(req);
		upgraded.add(socket);
		socket.on("close", () => upgraded.delete(socket));
		acceptWebSocket(req, socket);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		port,
		seen,
		release: () => {
			releaseAll();
			released = new Promise<void>((resolve) => {
				releaseAll = resolve;
			});
		},
		finished: (path) => done.has(path),
		close: () =>
			new Promise<void>((resolve) => {
				releaseAll();
				for (const socket of upgraded) socket.destroy();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
