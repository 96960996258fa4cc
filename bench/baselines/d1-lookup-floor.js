/**
 * Reference `d1-lookup-floor` (not a target): the storage calls a cold visitor lookup makes, with no
 * logic around them: a KV get that misses, then the D1 point read (`?s=<subject>`). (The visitor's
 * answer carries a freshly signed `ce_consent`, so since session 12 it fills no KV entry: see
 * workers/consent/lookup-state.ts, LookupOptions.fill.) Keys are unique per request (and apart from
 * the Worker's `state:` keys), so every get misses as a cold visitor's would.
 */
export default {
	async fetch(request, env) {
		const subject = new URL(request.url).searchParams.get("s") ?? "";
		const key = `floor:${subject}:${crypto.randomUUID()}`;
		const cached = await env.CONSENT_KV.get(key, { type: "json", cacheTtl: 30 });
		const row = await env.DB.prepare("SELECT * FROM consent_subjects WHERE subject = ?1")
			.bind(subject)
			.first();
		return Response.json(cached ?? row);
	},
};
