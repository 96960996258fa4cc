/**
 * What `response-floor` and `location-floor` share: a worker that answers with the exact status,
 * headers and body of one probed `cookie-decision` response, stored with one `PUT /` before measuring.
 * `beforeAnswer(request)` is the only work done per request.
 */
export function replayingWorker(beforeAnswer) {
	let stored = null;
	return {
		async fetch(request) {
			if (request.method === "PUT") {
				stored = await request.json();
				return new Response(null, { status: 204 });
			}
			if (!stored) return new Response("no response stored", { status: 503 });
			const refusal = beforeAnswer(request);
			if (refusal) return refusal;
			return new Response(stored.body, { status: stored.status, headers: stored.headers });
		},
	};
}
