/**
 * Reference `inputs-floor` (not a target; measured on demand by name): `response-floor`'s replay of
 * cookie-decision's answer, after reading from the runtime the request headers the contract makes a
 * visitor's `GET /v1/consent` depend on, and nothing else: `Cookie` (ce_vid, ce_consent), `Authorization`
 * (any makes the call keyed), `Sec-GPC`, `CF-Connecting-IP` (the client's location, remembered by
 * address: reading `request.cf` on every request costs more) and `Origin` (CORS). The URL and method are
 * read by the replay itself, as by the Worker. Nothing is parsed or looked up: the difference between
 * this floor and `response-floor` is what the runtime charges for handing those inputs to any
 * implementation, the difference between it and `cookie-decision` is the Worker's own work.
 */
import answerFloor from "./answer-floor.js";

const INPUTS = ["Cookie", "Authorization", "Sec-GPC", "CF-Connecting-IP", "Origin"];
// The values read are kept until the next request's, as the Worker keeps its one request's inputs.
const values = new Array(INPUTS.length);

export default {
	fetch(request) {
		if (request.method !== "PUT") {
			const headers = request.headers;
			for (let i = 0; i < INPUTS.length; i++) values[i] = headers.get(INPUTS[i]);
		}
		return answerFloor.fetch(request);
	},
};
