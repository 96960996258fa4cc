/** Baseline `bare-d1`: one indexed D1 point read (`?s=<subject>`, the primary key), then answer it. */
export default {
	async fetch(request, env) {
		const subject = new URL(request.url).searchParams.get("s") ?? "";
		const row = await env.DB.prepare("SELECT * FROM consent_subjects WHERE subject = ?1")
			.bind(subject)
			.first();
		return Response.json(row);
	},
};
