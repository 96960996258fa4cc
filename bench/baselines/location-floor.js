/**
 * Reference `location-floor` (not a target): `response-floor` after reading the request's location
 * (`request.cf.country` and `regionCode`, as workers/gpc/jurisdiction.ts does). Every consent document
 * reports its `jurisdiction`, so `cookie-decision` cannot answer without this read; workerd parses and
 * freezes the whole `cf` object on its first use. Against `response-floor` it shows what that costs.
 */
import { replayingWorker } from "./replayed-answer.js";

export default replayingWorker((request) => {
	const { country, regionCode } = request.cf ?? {};
	return typeof country === "string" && typeof regionCode === "string"
		? null
		: new Response("no location", { status: 500 });
});
