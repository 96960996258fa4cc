/**
 * What the profiling tools share: a Chrome DevTools Protocol session on one of workerd's isolates, and
 * the source module of a line of the unminified bundle.
 */

/** A minimal Chrome DevTools Protocol session over the global WebSocket. */
export async function session(wsUrl) {
	const ws = new WebSocket(wsUrl);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = reject;
	});
	let id = 0;
	const pending = new Map();
	ws.onmessage = (event) => {
		const msg = JSON.parse(event.data);
		pending.get(msg.id)?.(msg);
		pending.delete(msg.id);
	};
	return {
		send: (method, params = {}) =>
			new Promise((resolve) => {
				pending.set(++id, (msg) => resolve(msg.result));
				ws.send(JSON.stringify({ id, method, params }));
			}),
		close: () => ws.close(),
	};
}

/** Source module of a line of the unminified bundle (esbuild's `// path` markers). */
export function moduleIndex(source) {
	const marks = [];
	source.split("\n").forEach((line, i) => {
		const m = /^\/\/ ((?:workers|node_modules)\/\S+)$/.exec(line);
		if (m) marks.push([i, m[1].replace(/^node_modules\/([^/@]+|@[^/]+\/[^/]+)\/.*$/, "$1 (dependency)")]);
	});
	return (line) => {
		let found = "(entry)";
		for (const [start, name] of marks) {
			if (start > line) break;
			found = name;
		}
		return found;
	};
}
