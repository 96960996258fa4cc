/**
 * Baseline `bare-d1-write`: one atomic D1 batch of two inserts shaped like a consent write (an audit
 * record and a new subject row), for a fresh subject each time, then a small answer.
 */
import { insertFirstWrite } from "./consent-write.js";

export default {
	async fetch(_request, env) {
		const { subject } = await insertFirstWrite(env.DB, "b");
		return Response.json({ subject, version: 1 });
	},
};
