/**
 * Reference `write-floor` (not a target): the binding calls a visitor's opt-out makes, with no logic
 * around them. The write rate limiter (raised for the bench, as for the Worker), the same D1 batch
 * as `bare-d1-write` (an audit record and a new subject row), and the KV write-through of the new
 * state.
 *
 * Two parts of it, measured on demand by name (`BENCH_ONLY=write-d1-kv-floor,write-limit-floor`):
 * `/d1-kv` leaves the limiter out (what the "D1 batch + KV" costs alone), `/limit-d1` the KV
 * write-through.
 */
import { insertFirstWrite, PURPOSES, SOURCES } from "./consent-write.js";

export default {
	async fetch(request, env, ctx) {
		const url = request.url;
		if (!url.endsWith("/d1-kv")) await env.WRITE_LIMITER.limit({ key: "write:127.0.0.1" });
		const { subject, now } = await insertFirstWrite(env.DB, "f");
		if (url.endsWith("/limit-d1")) return Response.json({ subject, version: 1 });
		const state = {
			version: 1,
			purposes: JSON.parse(PURPOSES),
			sources: JSON.parse(SOURCES),
			updatedAt: now,
		};
		ctx.waitUntil(env.CONSENT_KV.put(`state:${subject}`, JSON.stringify(state), { expirationTtl: 604800 }));
		return Response.json({ subject, version: 1 });
	},
};
