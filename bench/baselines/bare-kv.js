/** Baseline `bare-kv`: one KV read of a consent document (`?k=state:<subject>`), as JSON, then answer it. */
export default {
	async fetch(request, env) {
		const key = new URL(request.url).searchParams.get("k") ?? "";
		const value = await env.CONSENT_KV.get(key, { type: "json", cacheTtl: 30 });
		return Response.json(value);
	},
};
