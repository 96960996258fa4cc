/**
 * Reference `answer-floor` (not a target), serving `response-floor`, `gpc-answer-floor`,
 * `redirect-answer-floor` and `beacon-answer-floor`: each request gets the exact status, headers and
 * body of one probed answer of the scenario it mirrors, stored before measuring with a `PUT` to the
 * same URL (stage.mjs probe()), and nothing is computed. Sent that scenario's own request, it shows
 * what the runtime charges for the request and its answer themselves, before any logic. The headers
 * are made into a Headers object once, when stored, and that object is handed to every answer: the
 * cheapest way to give the runtime headers (as an array of pairs it does about three times the work
 * per header, bench/instructions.mjs).
 */
const answers = new Map();

async function store(request) {
	const answer = await request.json();
	const nullBody = answer.status === 204 || answer.status === 304;
	const headers = new Headers();
	for (const [name, value] of answer.headers) headers.append(name, value);
	answers.set(request.url, { status: answer.status, headers, body: nullBody ? null : answer.body });
	return new Response(null, { status: 204 });
}

export default {
	// Not async: an answer is handed to the runtime as it is, with no promise (as the Worker's own
	// answers made without I/O are, since session 20).
	fetch(request) {
		if (request.method === "PUT") return store(request);
		const stored = answers.get(request.url);
		if (stored === undefined) return new Response("no answer stored for this URL", { status: 503 });
		return new Response(stored.body, { status: stored.status, headers: stored.headers });
	},
};
