/**
 * The load test's HTTP client: node:http over keep-alive connections, sending exactly the headers
 * given (fetch/undici would add Sec-Fetch-Mode itself, which changes what the guard sees) plus the
 * request.cf blob the edge would provide. Every answer is read whole and timed; a network error or
 * timeout is an answer with status 0.
 */
import { Agent, request as httpRequest } from "node:http";
import { CF_HEADER } from "./config.mjs";

export function createClient({ maxSockets, timeoutMs }) {
	const agent = new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });

	/**
	 * @returns {Promise<{status: number, headers: Headers, body: string, ms: number, error?: string}>}
	 */
	function send(url, { method = "GET", headers = {}, body } = {}) {
		const started = performance.now();
		const all = { ...CF_HEADER, ...headers };
		if (body !== undefined) all["Content-Length"] = String(Buffer.byteLength(body));
		return new Promise((resolve) => {
			let done = false;
			const finish = (answer) => {
				if (done) return;
				done = true;
				resolve({ ...answer, ms: performance.now() - started });
			};
			const req = httpRequest(url, { method, headers: all, agent }, (res) => {
				const chunks = [];
				res.on("data", (d) => chunks.push(d));
				res.on("error", (err) => finish({ status: 0, headers: new Headers(), body: "", error: err.message }));
				res.on("end", () => {
					const h = new Headers();
					for (const [k, v] of Object.entries(res.headers)) {
						for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
					}
					finish({ status: res.statusCode, headers: h, body: Buffer.concat(chunks).toString("utf8") });
				});
			});
			req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
			req.on("error", (err) => finish({ status: 0, headers: new Headers(), body: "", error: err.message }));
			req.end(body);
		});
	}

	return { send, close: () => agent.destroy() };
}
