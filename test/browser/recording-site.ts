/**
 * The site behind the guard in the browser tests: a plain Node HTTP server on 127.0.0.1 (a free
 * port) that records every path it is asked for, so a test can tell what reached it, and answers
 * each request with the handler it was given.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordingSite {
	readonly origin: string;
	/** Path and query of every request the site received, in order. */
	readonly requests: string[];
	close(): Promise<void>;
}

export interface SiteRequest {
	/** Path and query, as the request sent them. */
	readonly target: string;
	/** The target without its query. */
	readonly path: string;
}

export async function serveRecordingSite(
	answer: (request: SiteRequest, res: ServerResponse) => void,
): Promise<RecordingSite> {
	const requests: string[] = [];
	const server = createServer((req, res) => {
		const target = req.url ?? "/";
		requests.push(target);
		req.resume();
		answer({ target, path: target.split("?")[0] ?? "/" }, res);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
