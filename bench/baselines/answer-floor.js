/**
 * Reference `answer-floor` (not a target), serving `response-floor`, `gpc-answer-floor`,
 * `redirect-answer-floor` and `beacon-answer-floor`: each request gets the exact status, headers and
 * body of one probed answer of the scenario it mirrors, stored before measuring with a `PUT` to the
 * same URL (stage.mjs probe()), and nothing is computed. Sent that scenario's own request, it shows
 * what the runtime charges for the request and its answer themselves, before any logic.
 */
const answers = new Map();

export default {
	async fetch(request) {
		if (request.method === "PUT") {
			const answer = await request.json();
			const nullBody = answer.status === 204 || answer.status === 304;
			answers.set(request.url, { ...answer, body: nullBody ? null : answer.body });
			return new Response(null, { status: 204 });
		}
		const stored = answers.get(request.url);
		if (stored === undefined) return new Response("no answer stored for this URL", { status: 503 });
		return new Response(stored.body, { status: stored.status, headers: stored.headers });
	},
};
