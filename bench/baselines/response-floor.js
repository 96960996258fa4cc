/**
 * Reference `response-floor` (not a target): answers with the exact status, headers and body of one
 * probed `cookie-decision` response, computed nothing. Against `noop` it shows what the runtime
 * charges for the request and answer themselves (a ~1 KB body, a signed cookie, five headers),
 * before any logic. The bench stores the response with one `PUT /` before measuring.
 */
let stored = null;

export default {
	async fetch(request) {
		if (request.method === "PUT") {
			stored = await request.json();
			return new Response(null, { status: 204 });
		}
		if (!stored) return new Response("no response stored", { status: 503 });
		return new Response(stored.body, { status: stored.status, headers: stored.headers });
	},
};
