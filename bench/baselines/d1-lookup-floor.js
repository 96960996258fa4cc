/**
 * Reference `d1-lookup-floor` (not a target): the storage calls a cold lookup makes, with no logic
 * around them. A KV get that misses, the D1 point read (`?s=<subject>`), then the cache fill: a KV
 * get (it must not overwrite a newer version) and a KV put. Keys are unique per request (and apart
 * from the Worker's `state:` keys), so every get misses as a cold visitor's would.
 */
export default {
	async fetch(request, env, ctx) {
		const subject = new URL(request.url).searchParams.get("s") ?? "";
		const key = `floor:${subject}:${crypto.randomUUID()}`;
		const cached = await env.CONSENT_KV.get(key, { type: "json", cacheTtl: 30 });
		const row = await env.DB.prepare("SELECT * FROM consent_subjects WHERE subject = ?1")
			.bind(subject)
			.first();
		ctx.waitUntil(
			(async () => {
				const existing = await env.CONSENT_KV.get(key, { type: "json" });
				if (!existing) await env.CONSENT_KV.put(key, JSON.stringify(row), { expirationTtl: 3600 });
			})(),
		);
		return Response.json(cached ?? row);
	},
};
